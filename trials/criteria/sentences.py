"""What every rule of the extractor reads and returns: a sentence of an eligibility text with its
section and offsets, the (kind, operator, value) triples a rule finds, and how a section turns a bound
around ("age < 18" under exclusion means the patient must be at least 18)."""

from __future__ import annotations

from dataclasses import dataclass

INCLUSION, EXCLUSION = "inclusion", "exclusion"


@dataclass(frozen=True)
class Sentence:
    section: str
    start: int
    end: int
    text: str  # normalised: escapes removed, whitespace collapsed


Found = list[tuple[str, str, dict]]


def flip(direction: str, section: str) -> str:
    if section == EXCLUSION:
        return "max" if direction == "min" else "min"
    return direction
