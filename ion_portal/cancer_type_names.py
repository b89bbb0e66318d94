"""Dutch and French names of the core cancer types, for labels and for search.

The names are data (`ion_portal/data/cancer_type_names.json`, keyed by CancerType slug), validated when
first read: every language code is one the site knows and every entry is a non-empty list of names.
The first name of a language is its label; the others are synonyms that search also understands.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from pathlib import Path

from django.utils.translation import get_language

DATA_FILE = Path(__file__).resolve().parent / "data" / "cancer_type_names.json"
LANGUAGES = ("nl", "fr")


class VocabularyError(ValueError):
    """The data file is malformed; the message says where."""


def normalise(text: str) -> str:
    """Lower case, accents and punctuation removed: 'Mélanome' and 'melanome' compare equal."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


@functools.cache
def names() -> dict[str, dict[str, list[str]]]:
    """{slug: {"nl": [...], "fr": [...]}}, validated."""
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    table = data.get("names")
    if not isinstance(table, dict):
        raise VocabularyError(f"{DATA_FILE.name}: 'names' must be an object keyed by slug.")
    for slug, by_language in table.items():
        if not isinstance(by_language, dict) or not by_language:
            raise VocabularyError(f"{DATA_FILE.name}: {slug}: expected names by language.")
        for language, values in by_language.items():
            if language not in LANGUAGES:
                raise VocabularyError(f"{DATA_FILE.name}: {slug}: unknown language {language!r}.")
            if not values or not all(isinstance(v, str) and v.strip() for v in values):
                raise VocabularyError(f"{DATA_FILE.name}: {slug}.{language}: empty name.")
    return table


def translated_name(slug: str, english: str, language: str | None = None) -> str:
    """The cancer type's name in the active (or given) language; the English name otherwise."""
    language = (language or get_language() or "en")[:2]
    found = names().get(slug, {}).get(language)
    return found[0][:1].upper() + found[0][1:] if found else english


@functools.cache
def search_index() -> dict[str, frozenset[str]]:
    """Normalised name (any language) -> the slugs it names."""
    index: dict[str, set[str]] = {}
    for slug, by_language in names().items():
        for values in by_language.values():
            for value in values:
                index.setdefault(normalise(value), set()).add(slug)
    return {key: frozenset(slugs) for key, slugs in index.items()}
