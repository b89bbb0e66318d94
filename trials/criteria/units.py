"""Conversion of the serum creatinine and bilirubin concentrations between mg/dL and µmol/L: the one
place the extractor (labs.py), the pre-screen engine and its reference implementation take the factors
from.

The factors are the conventional-to-SI factors (µmol/L per mg/dL) of the SI conversion tables, e.g.
the SI conversion table of the AMA Manual of Style (11th edition): creatinine 88.4, bilirubin 17.1. They
follow from the molar masses (creatinine 113.12 g/mol: 10,000 / 113.12 = 88.4; bilirubin 584.66 g/mol:
10,000 / 584.66 = 17.1). To verify by a clinician against the table itself (the project's rule for
medical content not yet checked at its source).

Multiples of the upper limit of normal (ULN) are not concentrations and are never converted here: they
need the patient's laboratory's ULN, which the pre-screen does not ask.
"""

from __future__ import annotations

# µmol/L per mg/dL, by criterion kind (the sources in the module docstring).
MICROMOL_PER_MG_DL = {"creatinine": 88.4, "bilirubin": 17.1}
KINDS = tuple(MICROMOL_PER_MG_DL)


def normalise_unit(text) -> str:
    """A written unit, lower case without spaces, micro signs as "u": "µmol/L" -> "umol/l"."""
    text = str(text or "").lower().replace(" ", "").replace("\u00d7", "x")
    return text.replace("\u03bc", "u").replace("\u00b5", "u")


def factor_to_mg_dl(kind: str, unit) -> float | None:
    """What a value of this kind in `unit` is multiplied by to give mg/dL (None: not a unit of it)."""
    per_mg_dl = MICROMOL_PER_MG_DL.get(kind)
    if per_mg_dl is None:
        return None
    unit = normalise_unit(unit)
    if unit == "mg/dl":
        return 1.0
    if unit in ("umol/l", "micromol/l"):
        return 1 / per_mg_dl
    return None


def to_mg_dl(kind: str, value, unit) -> float | None:
    """A concentration in mg/dL, or None when the value or the unit cannot be read."""
    factor = factor_to_mg_dl(kind, unit)
    if factor is None or value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if number != number or number in (float("inf"), float("-inf")):
        return None
    return round(number * factor, 9)  # 132.6 µmol/L is 1.5 mg/dL exactly, not 1.4999999999999998
