"""Forms and read-only displays of the trial admin.

An imported trial's registry fields (ClinicalTrials.gov) are shown read-only, lists as plain text; only a
trial entered by hand has them as inputs, lists one per line and phases as checkboxes. The curated fields
(publication, scope, classes, setting, notes, cancer types, network sites) are always editable.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ion_portal.admin_fields import CodesField, LinesField, readable_list

from .models import ImmunotherapyClass, Phase, Trial, join_codes, split_codes
from .services import UPSTREAM_FIELDS

# Registry fields stored as JSON lists of objects: never edited as raw JSON, shown as text instead.
LIST_DISPLAYS = {"other_ids": "other_ids_text", "collaborators": "collaborators_text"}
LINES_FIELDS = {"conditions", "keywords"}
IMPORTED_SOURCES = {
    Trial.Source.JSON,
    Trial.Source.XML,
    Trial.Source.API,
    Trial.Source.SYNTHETIC,
}


def is_imported(trial: Trial | None) -> bool:
    return bool(trial and trial.pk and trial.source in IMPORTED_SOURCES)


def registry_fields(trial: Trial | None) -> list[str]:
    """The registry fieldset's entries: on an imported trial every one a read-only display."""
    if is_imported(trial):
        return [
            "nct_id",
            *(f"{name}_text" if _has_text(name) else name for name in UPSTREAM_FIELDS),
        ]
    return ["nct_id", *(LIST_DISPLAYS.get(name, name) for name in UPSTREAM_FIELDS)]


def _has_text(name: str) -> bool:
    return name in LIST_DISPLAYS or name in LINES_FIELDS or name == "phases"


def registry_readonly(trial: Trial | None) -> list[str]:
    if is_imported(trial):
        return registry_fields(trial)
    return list(LIST_DISPLAYS.values())


class RegistryDisplays:
    """Read-only displays of the registry's list fields (mixed into the trial admin)."""

    @staticmethod
    def _text(obj, name):
        return readable_list(getattr(obj, name, None)) if obj else "-"

    @admin.display(description=_("other identifiers"))
    def other_ids_text(self, obj):
        return self._text(obj, "other_ids")

    @admin.display(description=_("collaborators"))
    def collaborators_text(self, obj):
        return self._text(obj, "collaborators")

    @admin.display(description=_("conditions"))
    def conditions_text(self, obj):
        return self._text(obj, "conditions")

    @admin.display(description=_("keywords"))
    def keywords_text(self, obj):
        return self._text(obj, "keywords")

    @admin.display(description=_("phases"))
    def phases_text(self, obj):
        if not obj:
            return "-"
        return (
            ", ".join(str(Phase(code).label) for code in obj.phase_list if code in Phase.values)
            or "-"
        )


def registry_formfield(db_field, **kwargs):
    """Plain inputs for a hand-entered trial's list fields, or None for Django's default."""
    if db_field.name in LINES_FIELDS:
        return LinesField(label=db_field.verbose_name.capitalize(), rows=3, max_item_length=300)
    if db_field.name == "phases":
        return CodesField(label=_("Phases"), choices=Phase.choices)
    return None


class TrialAdminForm(forms.ModelForm):
    """Immunotherapy classes edited as checkboxes, stored pipe-delimited."""

    therapy_classes = forms.MultipleChoiceField(
        label=_("Immunotherapy classes"),
        choices=ImmunotherapyClass.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Filled from the recognised drugs on import; a change here is kept."),
    )

    class Meta:
        model = Trial
        fields = "__all__"  # noqa: DJ007 (the admin's fieldsets choose; classes replaces immunotherapy_classes)
        widgets = {"local_notes": forms.Textarea(attrs={"rows": 3, "cols": 60})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["therapy_classes"].initial = split_codes(
                self.instance.immunotherapy_classes
            )

    def save(self, commit=True):
        chosen = join_codes(self.cleaned_data.get("therapy_classes") or [])
        if chosen != self.instance.immunotherapy_classes:
            # A curator's choice: recognition re-runs no longer change it (clear the box to undo).
            self.instance.classes_overridden = True
        self.instance.immunotherapy_classes = chosen
        return super().save(commit)
