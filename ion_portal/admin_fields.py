"""Admin form fields that replace raw JSON and pipe-delimited text with plain inputs.

- `LinesField`: a JSON list of strings edited as a textarea with one item per line.
- `CodesField`: pipe-delimited codes ("|a|b|") edited as checkboxes.
- `readable_list()`: a stored list (of strings or of small objects) shown as plain text in read-only fields.
"""

from __future__ import annotations

from django import forms
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.utils.translation import gettext_lazy as _


class LinesField(forms.CharField):
    """A list of strings, one per line: blank lines and surrounding spaces dropped, order kept."""

    widget = forms.Textarea

    def __init__(self, *, rows: int = 3, max_item_length: int = 200, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("One per line."))
        self.max_item_length = max_item_length
        super().__init__(strip=False, **kwargs)
        self.widget.attrs.update({"rows": rows, "data-lines": ""})

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(str(item) for item in value)
        return value

    def to_python(self, value):
        if isinstance(value, list | tuple):
            return [str(item).strip() for item in value if str(item).strip()]
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]

    def validate(self, value):
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        too_long = [item for item in value if len(item) > self.max_item_length]
        if too_long:
            raise forms.ValidationError(
                _("Each line may hold at most %(max)d characters: “%(line)s…” is longer.")
                % {"max": self.max_item_length, "line": too_long[0][:40]},
                code="line_too_long",
            )

    def has_changed(self, initial, data):
        return self.to_python(initial or []) != self.to_python(data or "")


def split_pipes(value: str) -> list[str]:
    return [code for code in (value or "").split("|") if code]


def join_pipes(codes) -> str:
    codes = [code for code in dict.fromkeys(codes) if code]
    return f"|{'|'.join(codes)}|" if codes else ""


class CodesField(forms.MultipleChoiceField):
    """Pipe-delimited codes ("|PHASE1|PHASE2|") as checkboxes; cleans back to the stored text."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return split_pipes(value) if isinstance(value, str) else value

    def clean(self, value):
        return join_pipes(super().clean(value))

    def has_changed(self, initial, data):
        return set(self.prepare_value(initial) or []) != set(data or [])


def readable_list(items) -> str:
    """["a", "b"] -> "a; b"; [{"name": "X", "class": "NIH"}] -> "X (NIH)"; empty -> "-"."""
    parts = []
    for item in items or []:
        if isinstance(item, dict):
            values = [str(value) for value in item.values() if value]
            parts.append(
                f"{values[0]} ({', '.join(values[1:])})" if len(values) > 1 else "".join(values)
            )
        else:
            parts.append(str(item))
    return "; ".join(part for part in parts if part) or "-"


def choice_list_field(db_field, choices, **kwargs) -> forms.MultipleChoiceField:
    """A JSON list of codes (["anti-pd-1", "car-t"]) as checkboxes: cleans to the list it stores."""
    return forms.MultipleChoiceField(
        label=str(db_field.verbose_name).capitalize(),
        choices=choices,
        required=not db_field.blank,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "checkbox-columns"}),
        help_text=kwargs.pop("help_text", ""),
        **kwargs,
    )


def without_related_links(formfield):
    """Drop the add/change/delete/view icons beside a relation's select (rows of an inline stay on
    one line; the related objects have their own admin pages)."""

    widget = getattr(formfield, "widget", None)
    if isinstance(widget, RelatedFieldWidgetWrapper):
        widget.can_add_related = widget.can_change_related = False
        widget.can_delete_related = widget.can_view_related = False
    return formfield
