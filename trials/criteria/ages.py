"""The age rule of the extractor: bounds in years, months, weeks or days ("3 months to 17 years",
"≥ 28 days to < 18 years of age", "younger than 18", "under age 60"), ages that only name a subgroup or a
gestation left out."""

from __future__ import annotations

import re

from . import vocab as V
from .sentences import Found, Sentence, flip


def _in_years(n: int, unit: str | None) -> float | int:
    """An age bound in years: "3 months" is 0.25, "28 days" 0.077 (rounded to 3 decimals)."""
    per_year = {"m": 12, "w": 365.25 / 7, "d": 365.25}.get((unit or "y")[0].lower())
    return round(n / per_year, 3) if per_year else n


def _age_direction(cmp: str) -> str:
    for words, direction in V.AGE_COMPARATORS:
        if cmp.strip().lower() == words:
            return direction
    return V.comparator_direction(cmp) or "min"


def age_rule(s: Sentence) -> Found:
    t = s.text
    if not V.AGE_CUE_RE.search(t) or V.AGE_SKIP_RE.search(t) or re.search(r"\bif\b", t, re.I):
        return []
    unit, cmp = V.AGE_UNIT, V.CMP_RE.pattern
    # "18-75 years", "3 months to 17 years", "≥ 28 days to < 18 years of age", "aged 18 to 70"
    m = re.search(
        rf"\b(?P<lo>\d{{1,3}})\s*(?P<u1>{unit})?\s*(?:-|–|~|to|and)\s*(?:{cmp})?\s*(?P<hi>\d{{1,3}})\s*"
        rf"(?P<u2>{unit})",
        t,
        re.I,
    ) or re.search(
        r"\baged?\s*(?:between\s*|is\s*|\(\s*|:\s*)?(?P<lo>\d{1,3})\s*(?P<u1>)(?:-|–|to|and)\s*"
        r"(?P<hi>\d{1,3})\b(?P<u2>)",
        t,
        re.I,
    )
    if m and not V.AGE_SUBGROUP_RE.search(t[: m.start()]):
        u2 = m.group("u2") or None
        lo = _in_years(int(m.group("lo")), m.group("u1") or u2)
        hi = _in_years(int(m.group("hi")), u2)
        if lo < hi <= 120:
            return [("age", "range", {"min": lo, "max": hi})]
    bounds: dict[str, float | int] = {}
    cmp_words = rf"{cmp}|younger than|older than"
    patterns = [
        rf"(?P<cmp>{cmp_words})\s*(?:than\s*)?(?P<n>\d{{1,3}})\s*(?P<unit>{unit})",
        rf"\bage[ds]?\b\s*(?:of|:|is|must be|was)?\s*(?P<cmp>{cmp})\s*(?:than\s*)?(?P<n>\d{{1,3}})\b"
        rf"\s*(?P<unit>{unit})?",
        rf"(?P<cmp>{cmp})\s*age\s*(?P<n>\d{{1,3}})\b(?P<unit>)",
        r"(?P<n>\d{1,3})\s*(?:years?\s*|yrs?\s*)?(?:of age\s*|old\s*)?(?P<post>or older|and older"
        r"|and over|or over|or younger|and younger)",
    ]
    n = 0
    for pattern in patterns:
        for m in re.finditer(pattern, t, re.I):
            before = t[: m.start()].lower()
            if re.search(
                r"(?:within|past|last|previous|for|since|least|gestational(?: age)?)\s*$", before
            ):
                continue
            if V.AGE_SUBGROUP_RE.search(before):
                continue
            n = int(m.group("n"))
            if "post" in m.groupdict() and m.group("post"):
                direction = "max" if "young" in m.group("post").lower() else "min"
            else:
                direction = _age_direction(m.group("cmp"))
            written_unit = m.groupdict().get("unit") or None
            bounds.setdefault(flip(direction, s.section), _in_years(n, written_unit))
    if not bounds or n > 120:
        return []
    return [("age", "range", {"min": bounds.get("min"), "max": bounds.get("max")})]
