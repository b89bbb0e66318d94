"""Numbers as registries write them: "1,500", "2,5" (decimal comma), "100.000" (thousands dot), "two"."""

from __future__ import annotations

import re

from .vocab import WORD_NUMBERS

_THOUSANDS_COMMA = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_THOUSANDS_DOT = re.compile(r"^\d{1,3}(?:\.\d{3})+$")


def parse_number(text: str) -> int | float:
    """The value of a written number; integers stay int ("100" → 100, "2.0" → 2.0)."""
    text = text.strip()
    if _THOUSANDS_COMMA.match(text):
        text = text.replace(",", "")
    elif _THOUSANDS_DOT.match(text):
        text = text.replace(".", "")
    elif "," in text:
        text = text.replace(",", ".")
    value = float(text)
    return int(value) if value.is_integer() and "." not in text else value


def word_number(text: str) -> int:
    text = text.lower()
    return WORD_NUMBERS[text] if text in WORD_NUMBERS else int(text)


def tidy(value: float) -> int | float:
    """Round a converted value (1500/1000 → 1.5, 100000/1000 → 100)."""
    value = round(value, 3)
    return int(value) if float(value).is_integer() else value
