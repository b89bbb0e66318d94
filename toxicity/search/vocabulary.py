"""The curated lay vocabularies of the search: `toxicity/data/lay_terms/<language>.yaml`, validated on
load; an error names the file, the entry and the field."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import yaml

VOCABULARY_DIR = Path(__file__).resolve().parent.parent / "data" / "lay_terms"
VOCABULARY_FIELDS = ("lay", "nurse", "symptoms")


class VocabularyError(ValueError):
    """A lay-term file that does not follow the schema; the message names the file and the entry."""


def _validate_vocabulary(data, path: Path) -> dict[str, dict[str, list[str]]]:
    where = f"{path.parent.name}/{path.name}"
    if not isinstance(data, dict):
        raise VocabularyError(f"{where}: the file must map guideline slugs to their words.")
    vocabulary = {}
    for slug, entry in data.items():
        if not isinstance(slug, str) or not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug):
            raise VocabularyError(f"{where}: entry {slug!r}: the key must be a guideline slug.")
        if not isinstance(entry, dict) or not entry:
            raise VocabularyError(
                f"{where}: entry {slug!r}: must map {', '.join(VOCABULARY_FIELDS)} to lists of words."
            )
        unknown = set(entry) - set(VOCABULARY_FIELDS)
        if unknown:
            raise VocabularyError(
                f"{where}: entry {slug!r}: unknown field {sorted(unknown)[0]!r} "
                f"(allowed: {', '.join(VOCABULARY_FIELDS)})."
            )
        vocabulary[slug] = {}
        for name in VOCABULARY_FIELDS:
            words = entry.get(name) or []
            if not isinstance(words, list):
                raise VocabularyError(f"{where}: entry {slug!r}, field {name!r}: must be a list.")
            for number, word in enumerate(words, start=1):
                if not isinstance(word, str) or not word.strip():
                    raise VocabularyError(
                        f"{where}: entry {slug!r}, field {name!r}, item {number}: "
                        f"must be a non-empty text, not {word!r}."
                    )
            vocabulary[slug][name] = [word.strip() for word in words]
    return vocabulary


@functools.cache
def _load_vocabulary_file(path: Path, mtime: float) -> dict[str, dict[str, list[str]]]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise VocabularyError(f"{path.parent.name}/{path.name}: not valid YAML: {error}") from error
    return _validate_vocabulary(data, path)


def load_vocabulary(
    language: str, directory: Path | None = None
) -> dict[str, dict[str, list[str]]]:
    """The curated words of one language by guideline slug ({} if the file does not exist); validated,
    re-read when the file changes."""
    path = (directory or VOCABULARY_DIR) / f"{language}.yaml"
    if not path.exists():
        return {}
    return _load_vocabulary_file(path, path.stat().st_mtime)
