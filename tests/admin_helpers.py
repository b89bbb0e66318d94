"""Helpers for admin tests: what a browser would post for a change form as it stands."""

from __future__ import annotations

from django.forms import MultiWidget


def _put(data: dict, name: str, field, value) -> None:
    value = field.prepare_value(value)
    if value is None or value is False:
        return
    if isinstance(field.widget, MultiWidget):  # e.g. the date and time of published_at
        for i, part in enumerate(field.widget.decompress(value)):
            if part is not None:
                data[f"{name}_{i}"] = str(part)
        return
    data[name] = value


def admin_form_data(response) -> dict:
    """The change form's current values (main form and inlines), as a browser would post them."""
    data = {}
    form = response.context["adminform"].form
    for name, field in form.fields.items():
        _put(data, form.add_prefix(name), field, form[name].value())
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        for row in formset.forms:
            for name, field in row.fields.items():
                _put(data, row.add_prefix(name), field, row[name].value())
    return data
