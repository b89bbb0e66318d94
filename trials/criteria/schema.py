"""The allowed operators and value keys of each kind of criterion (the agreed interface, also in
docs/criteria.md), and a check used by the curator's edit form."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ion_portal.immunotherapy import ImmunotherapyClass

SETTINGS = ("neoadjuvant", "adjuvant", "first_line_metastatic", "later_line")
_MARKERS = ("required", "excluded")
_VIRUS = ("excluded", "allowed_if_controlled")

# kind: (operators, {key: type}); "number" keys may be null where noted by NULLABLE.
SCHEMA: dict[str, tuple[tuple[str, ...], dict[str, str]]] = {
    "age": (("range",), {"min": "number", "max": "number"}),
    "ecog": (("range",), {"min": "number", "max": "number"}),
    "prior_lines": (("range",), {"min": "number", "max": "number"}),
    "sex": (("eq",), {"sex": "sex"}),
    "cancer_type": (("in",), {"cancer_types": "slugs"}),
    "setting": (("in",), {"settings": "settings"}),
    "prior_immunotherapy": (("required", "allowed", "excluded"), {"classes": "classes"}),
    "brain_metastases": (("excluded", "allowed_if_treated", "allowed"), {}),
    "autoimmune_disease": (("excluded",), {}),
    "steroids": (("max",), {"mg_prednisone_per_day": "number"}),
    "hiv": (_VIRUS, {}),
    "hbv": (_VIRUS, {}),
    "hcv": (_VIRUS, {}),
    "anc": (("min",), {"value": "number", "unit": "text"}),
    "platelets": (("min",), {"value": "number", "unit": "text"}),
    "haemoglobin": (("min",), {"value": "number", "unit": "text"}),
    "creatinine_clearance": (("min",), {"value": "number", "unit": "text"}),
    "creatinine": (("max",), {"uln": "number", "value": "number", "unit": "text"}),
    "bilirubin": (("max",), {"uln": "number", "value": "number", "unit": "text"}),
    "ast_alt": (("max",), {"uln": "number", "uln_with_liver_metastases": "number"}),
    "measurable_disease": (("required",), {}),
    "pd_l1_tps": (("min",), {"value": "number"}),
    "pd_l1_cps": (("min",), {"value": "number"}),
    "tmb": (("min",), {"value": "number"}),
    "msi_h_dmmr": (_MARKERS, {}),
    "egfr": (_MARKERS, {}),
    "alk": (_MARKERS, {}),
    "ros1": (_MARKERS, {}),
    "braf_v600": (_MARKERS, {}),
    "kras_g12c": (_MARKERS, {}),
    "her2": (_MARKERS, {}),
    "pregnancy": (("excluded",), {}),
}
NULLABLE = {"min", "max", "uln", "uln_with_liver_metastases", "value"}


def value_errors(kind: str, operator: str, value) -> list[str]:
    """What is wrong with a criterion's operator and value (empty: fine)."""
    if kind not in SCHEMA:
        return [_("Unknown kind “%(kind)s”.") % {"kind": kind}]
    operators, keys = SCHEMA[kind]
    errors = []
    if operator not in operators:
        errors.append(
            _("For this kind the operator must be one of: %(ops)s.") % {"ops": ", ".join(operators)}
        )
    if not isinstance(value, dict):
        return [*errors, _('The value must be a JSON object, e.g. {"min": 0, "max": 1}.')]
    for name in value:
        if name not in keys:
            errors.append(_("Unexpected key “%(key)s”.") % {"key": name})
    for name, kind_of in keys.items():
        item = value.get(name)
        if item is None:
            continue
        if kind_of == "number" and (isinstance(item, bool) or not isinstance(item, (int, float))):
            errors.append(_("“%(key)s” must be a number.") % {"key": name})
        elif kind_of == "sex" and item not in ("female", "male"):
            errors.append(_("“sex” must be “female” or “male”."))
        elif kind_of in ("slugs", "settings", "classes") and not (
            isinstance(item, list) and all(isinstance(x, str) for x in item)
        ):
            errors.append(_("“%(key)s” must be a list of codes.") % {"key": name})
        elif kind_of == "settings" and set(item) - set(SETTINGS):
            errors.append(_("Settings must be among: %(s)s.") % {"s": ", ".join(SETTINGS)})
        elif kind_of == "classes" and set(item) - set(ImmunotherapyClass.values):
            errors.append(_("Unknown immunotherapy class in “classes”."))
    if keys.keys() >= {"min", "max"} and isinstance(value.get("min"), (int, float)):
        high = value.get("max")
        if isinstance(high, (int, float)) and high < value["min"]:
            errors.append(_("“min” must not be greater than “max”."))
    return errors
