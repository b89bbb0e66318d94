"""Readable forms of a criterion's operator and value, for admin, API consumers' docs and pages."""

from __future__ import annotations

DASH = "\u2013"
TIMES = "\u00d7"


def _num(x) -> str:
    if isinstance(x, float) and x.is_integer():
        x = int(x)
    return str(x)


def value_display(criterion) -> str:
    op = criterion.operator
    v = criterion.value or {}
    if op == "range":
        lo, hi = v.get("min"), v.get("max")
        if lo is not None and hi is not None:
            return f"{_num(lo)}{DASH}{_num(hi)}"
        if lo is not None:
            return f"≥ {_num(lo)}"
        if hi is not None:
            return f"≤ {_num(hi)}"
        return DASH
    if op == "eq":
        return ", ".join(str(x) for x in v.values())
    if op == "in":
        items = v.get("cancer_types") or v.get("settings") or []
        return ", ".join(items)
    if op in ("min", "max"):
        sign = "≥" if op == "min" else "≤"
        if "uln" in v:
            text = f"{sign} {_num(v['uln'])} {TIMES} ULN"
            if v.get("uln_with_liver_metastases"):
                text += (
                    f" ({_num(v['uln_with_liver_metastases'])} {TIMES} ULN with liver metastases)"
                )
            return text
        if "mg_prednisone_per_day" in v:
            return f"{sign} {_num(v['mg_prednisone_per_day'])} mg prednisone/day"
        unit = v.get("unit", "")
        return f"{sign} {_num(v.get('value'))} {unit}".strip()
    label = criterion.get_operator_display()
    classes = v.get("classes")
    if classes:
        return f"{label}: {', '.join(classes)}"
    return str(label)
