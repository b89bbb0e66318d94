"""Readable forms of a criterion's operator and value, for admin, API consumers' docs and pages."""

from __future__ import annotations

from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

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


def highlighted_html(text: str, criteria) -> tuple[str, list]:
    """The eligibility text as safe HTML, each criterion's sentence in a <mark> (by its offsets) with the
    numbers of the criteria it holds; returns (html, criteria whose offsets no longer fit the text)."""

    spans: dict[tuple[int, int], list] = {}
    stale = []
    for number, c in enumerate(criteria, start=1):
        c.number = number
        start, end = c.source_start, c.source_end
        if start is None or end is None or end > len(text) or text[start:end] != c.source_sentence:
            stale.append(c)
            continue
        spans.setdefault((start, end), []).append(c)
    parts, pos = [], 0
    for (start, end), group in sorted(spans.items()):
        if start < pos:  # overlaps the previous highlight: list it instead
            stale.extend(group)
            continue
        statuses = {c.status for c in group}
        status = "proposed" if "proposed" in statuses else sorted(statuses)[0]
        parts.append(escape(text[pos:start]))
        parts.append(
            format_html(
                '<mark id="sentence-{}" class="criterion-{}" title="{}">{}</mark>'
                '<sup class="criterion-numbers">[{}]</sup>',
                group[0].number,
                status,
                ", ".join(str(c.get_kind_display()) for c in group),
                text[start:end],
                ", ".join(str(c.number) for c in group),
            )
        )
        pos = end
    parts.append(escape(text[pos:]))
    return mark_safe("".join(str(p) for p in parts)), stale  # noqa: S308 (every part escaped)
