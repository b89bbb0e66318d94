"""Organ-function rules of the extractor: ANC, platelets, haemoglobin, creatinine and its clearance,
bilirubin, AST/ALT. A sentence can name several labs ("creatinine ≤ 2.0 mg/dl, bilirubin ≤ 2.0 mg/dl and
SGOT/SGPT ≤ 2.5 × ULN"): each lab's window runs from its name to the next lab of another kind.

The kind fixes the direction (a count is a lower bound, a liver value an upper bound), so "ANC < 500/uL"
under exclusion and "ANC ≥ 0.5 × 10^9/L" under inclusion both propose `anc min 0.5`. Units are converted
to 10^9/L (counts), g/dL (haemoglobin), mL/min (clearance) and mg/dL (creatinine, bilirubin).
"""

from __future__ import annotations

import re

from . import vocab as V
from .guards import FOLDS_TO_ASCII
from .numbers import parse_number, tidy
from .units import to_mg_dl

UNIT_COUNT = "10^9/L"
MIN_KINDS = {"anc", "platelets", "haemoglobin", "creatinine_clearance"}


def _may_name_lab(text: str) -> bool:
    if not text.isascii() and not FOLDS_TO_ASCII.isdisjoint(text):
        return True
    lower = text.lower()
    return any(w in lower for w in V.LAB_WORDS_NOCASE) or any(w in text for w in V.LAB_WORDS_CASED)


def _windows(text: str) -> list[tuple[str, int, int]]:
    """(kind, start of the name, end of the window), consecutive names of one kind merged."""
    if not _may_name_lab(text):
        return []
    hits = sorted(
        (m.start(), m.end(), kind) for kind, regex in V.LABS.items() for m in regex.finditer(text)
    )
    merged: list[list] = []
    for start, end, kind in hits:
        if merged and merged[-1][0] == kind:
            merged[-1][2] = max(merged[-1][2], end)
        elif merged and start < merged[-1][2]:
            continue  # overlapping names ("creatinine" inside "creatinine clearance")
        else:
            merged.append([kind, start, end])
    windows = []
    for i, (kind, start, name_end) in enumerate(merged):
        stop = merged[i + 1][1] if i + 1 < len(merged) else len(text)
        windows.append((kind, start, name_end, stop))
    return [(kind, start, name_end, stop) for kind, start, name_end, stop in windows]


def _count(value: float, unit: str, kind: str) -> float | None:
    unit = unit.lower().replace(" ", "")
    if re.search(r"10\^?[93]|109/|103/|k/", unit):
        return tidy(value)
    if kind == "anc":
        return tidy(value / 1000) if value >= 50 else tidy(value)
    return tidy(value / 1000) if value >= 1000 else tidy(value)


def _first_value(window: str):
    for m in V.LAB_VALUE_RE.finditer(window):
        if m.group("num"):
            return m
    return None


def _lab(kind: str, window: str, prefix: str, sentence: str):
    """The value proposed for one lab window, or None."""
    if kind in ("creatinine", "bilirubin", "ast_alt") and V.WITHIN_NORMAL_RE.match(window):
        return {"uln": 1}
    uln = list(V.ULN_RE.finditer(window))
    number = _first_value(window)
    if kind == "ast_alt":
        if not uln:
            return None
        liver_before = V.LIVER_METS_RE.search(prefix)
        liver_in = V.LIVER_METS_RE.search(window)
        first = parse_number(uln[0].group(1))
        if liver_before and len(uln) == 1:
            return {"uln": None, "uln_with_liver_metastases": first}
        value = {"uln": first}
        if liver_in and len(uln) > 1 and liver_in.start() < uln[1].start():
            value["uln_with_liver_metastases"] = parse_number(uln[1].group(1))
        return value
    if kind in ("creatinine", "bilirubin"):
        if uln and (not number or uln[0].start() <= number.start("num")):
            return {"uln": parse_number(uln[0].group(1))}
        if not number:
            return None
        value, unit = parse_number(number.group("num")), (number.group("unit") or "").lower()
        if "mol" in unit:
            value = tidy(to_mg_dl(kind, value, "umol/L"))
        elif unit and "mg/dl" not in unit:
            return None
        if value > 20:
            return None
        return {"value": value, "unit": "mg/dL"}
    if not number:
        if kind == "anc":  # "at least 1500 granulocytes"
            before = re.search(rf"({V.NUMBER})\s*$", prefix)
            return (
                {"value": _count(parse_number(before.group(1)), "", kind), "unit": UNIT_COUNT}
                if (before)
                else None
            )
        return None
    value, unit = parse_number(number.group("num")), number.group("unit") or ""
    if kind in ("anc", "platelets"):
        if "%" in unit or "mg" in unit.lower():
            return None
        return {"value": _count(value, unit, kind), "unit": UNIT_COUNT}
    if kind == "haemoglobin":
        unit = unit.lower()
        if "mmol" in unit:
            value = tidy(value * 1.611)
        elif re.match(r"gm?/l", unit) and value >= 25:
            value = tidy(value / 10)
        if not 3 <= value <= 20:
            return None
        return {"value": value, "unit": "g/dL"}
    if kind == "creatinine_clearance":
        if unit and "min" not in unit.lower():
            return None
        if not 10 <= value <= 200:
            return None
        return {"value": value, "unit": "mL/min"}
    return None


def lab_rule(sentence) -> list[tuple[str, str, dict]]:
    text = sentence.text
    if V.GILBERT_RE.search(text) and re.match(r"or\b", text, re.I):
        return []  # the alternative threshold for Gilbert's syndrome
    found = []
    for kind, start, name_end, stop in _windows(text):
        value = _lab(kind, text[name_end:stop], text[:start], text)
        if value is not None:
            found.append((kind, "min" if kind in MIN_KINDS else "max", value))
    return found


def lab_rules():
    return [lab_rule]
