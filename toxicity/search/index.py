"""The search index: every phrase that points to a published guideline, normalised per language, and
the drug vocabulary; each cached while its content is unchanged."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from django.apps import apps

from ion_portal.immunotherapy import FAMILY_OF, TherapyFamily, canonical_class, class_key
from toxicity.models import Toxicity
from toxicity.search.normalise import LANGUAGES, fold, normalise, stem
from toxicity.search.vocabulary import load_vocabulary

# Families the guidelines cover; a class outside them (vaccines, cytokines) is not a search entry point.
_GUIDELINE_FAMILIES = frozenset(
    {TherapyFamily.CHECKPOINT, TherapyFamily.CELL_THERAPY, TherapyFamily.T_CELL_ENGAGER}
)


@dataclass(frozen=True)
class Term:
    """One phrase that points to a guideline: its keys in one language, its kind and its text."""

    keys: tuple[str, ...]
    kind: str  # name, alias, lay, ...: its weight is in the scoring rule (toxicity.search.WEIGHTS)
    text: str


@dataclass
class _Entry:
    toxicity: Toxicity
    families: frozenset[str]
    higher_risk: frozenset[str]
    terms: dict[str, list[Term]] = field(default_factory=dict)
    key_terms: dict[str, dict[str, list[Term]]] = field(default_factory=dict)


def _families(toxicity) -> frozenset[str]:
    return frozenset(toxicity.family_list)


def _higher_risk(toxicity) -> frozenset[str]:
    codes = (canonical_class(code) for code in (toxicity.higher_risk_classes or "").split("|"))
    return frozenset(code for code in codes if code)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _name_parts(name: str) -> list[str]:
    """A guideline name and its parts: "Diarrhoea and colitis" also as "Diarrhoea" and "colitis"."""
    parts = [name, *re.split(r"\s*(?:[(),;]|\band\b|\bwith\b)\s*", name)]
    return [part for part in parts if part.strip()]


def _texts(toxicity, vocabularies) -> list[tuple[str, str, str | None]]:
    """(kind, text, language or None for both) for everything that points to this guideline."""
    texts = [("name", part, None) for part in _name_parts(toxicity.name)]
    texts.append(("name", toxicity.slug.replace("-", " "), None))
    texts += [("ctcae", part, None) for part in re.split(r"[;,]", toxicity.ctcae_term or "")]
    if toxicity.meddra_code:
        texts.append(("code", toxicity.meddra_code, None))
    texts += [("alias", text, None) for text in _lines(toxicity.aliases)]
    texts += [("db_symptoms", text, None) for text in _lines(toxicity.symptoms)]
    if toxicity.organ_system_id:
        texts.append(("organ", toxicity.organ_system.name, None))
    if toxicity.specialist:
        texts.append(("specialist", str(toxicity.get_specialist_display()), None))
    for language, vocabulary in vocabularies.items():
        for kind, words in vocabulary.get(toxicity.slug, {}).items():
            texts += [(kind, word, language) for word in words]
    return texts


class SearchIndex:
    """Everything one search needs, built from the published guidelines, the drug vocabulary and the
    lay-term files (cached while none of them changes)."""

    def __init__(self, toxicities, vocabularies):
        self.entries: list[_Entry] = []
        for toxicity in toxicities:
            entry = _Entry(toxicity, _families(toxicity), _higher_risk(toxicity))
            texts = _texts(toxicity, vocabularies)
            for language in LANGUAGES:
                seen, terms = set(), []
                for kind, text, text_language in texts:
                    if kind == "code" and language == "nl":
                        continue  # one MedDRA term is enough
                    if text_language not in (None, language):
                        continue
                    keys = tuple(normalise(text, language))
                    if keys and (keys, kind) not in seen:
                        seen.add((keys, kind))
                        terms.append(Term(keys, kind, text))
                entry.terms[language] = terms
            self.entries.append(entry)
        self.compounds: dict[str, dict[str, tuple[str, ...]]] = {lang: {} for lang in LANGUAGES}
        self.keys = {language: set() for language in LANGUAGES}
        self.document_frequency = {language: {} for language in LANGUAGES}
        self.surfaces: dict[str, dict[str, str]] = {language: {} for language in LANGUAGES}
        for entry in self.entries:
            for language in LANGUAGES:
                keys = {key for term in entry.terms[language] for key in term.keys}
                self.keys[language] |= keys
                for key in keys:
                    frequency = self.document_frequency[language]
                    frequency[key] = frequency.get(key, 0) + 1
        self.sorted_keys: dict[str, list[str]] = {}
        for language in LANGUAGES:
            self._split_compounds(language)
            self.sorted_keys[language] = sorted(self.keys[language])
            for entry in self.entries:
                by_key: dict[str, list[Term]] = {}
                for term in entry.terms[language]:
                    for key in set(term.keys):
                        by_key.setdefault(key, []).append(term)
                entry.key_terms[language] = by_key
            for entry in self.entries:
                for term in entry.terms[language]:
                    for word in fold(term.text).split():
                        key = stem(word, language)
                        if key in self.keys[language] and len(word) >= 3:
                            self.surfaces[language].setdefault(word, key)

    def _split_compounds(self, language: str) -> None:
        """Dutch glues words: "buikpijn" is indexed and searched as "buik pijn" once both parts are
        vocabulary words, so "pijn in de buik" finds it too."""
        if language != "nl":
            return
        known = {key for key in self.keys[language] if len(key) >= 3 and not key.isdigit()}
        for key in sorted(known):
            parts = self._split(key, known)
            if parts:
                self.compounds[language][key] = parts
        for entry in self.entries:
            entry.terms[language] = [
                Term(self.expand(term.keys, language), term.kind, term.text)
                for term in entry.terms[language]
            ]
        self.keys[language] = {k for e in self.entries for t in e.terms[language] for k in t.keys}
        self.document_frequency[language] = {}
        for entry in self.entries:
            for key in {k for t in entry.terms[language] for k in t.keys}:
                frequency = self.document_frequency[language]
                frequency[key] = frequency.get(key, 0) + 1

    @staticmethod
    def _split(word: str, known: set[str]) -> tuple[str, ...] | None:
        for cut in range(3, len(word) - 2):
            head, tail = word[:cut], word[cut:]
            if tail not in known:
                continue
            for link in ("", "s", "e", "en"):
                if link and head.endswith(link) and head[: -len(link)] in known:
                    return head[: -len(link)], tail
                if not link and head in known:
                    return head, tail
        return None

    def _split_head(self, word: str, known: set[str]) -> tuple[str, ...] | None:
        """A query compound whose first part is a long vocabulary word: "woordvindingsproblemen" ->
        "woordvinding" + "problemen". Six letters at least, so "hartstikke" stays whole."""
        for cut in range(len(word) - 3, 5, -1):
            head, tail = word[:cut], word[cut:]
            for link in ("s", ""):
                base = head.removesuffix(link) if link else head
                key = stem(base, "nl")
                if head.endswith(link) and len(base) >= 6 and key in known:
                    return key, tail
                if head.endswith(link) and len(base) >= 6 and key in self.compounds["nl"]:
                    return (*self.compounds["nl"][key], tail)
        return None

    def expand(self, keys: tuple[str, ...] | list[str], language: str) -> tuple[str, ...]:
        compounds = self.compounds.get(language, {})
        known = self.keys[language]
        expanded = []
        for key in keys:
            parts = compounds.get(key)
            if parts is None and language == "nl" and key not in known and len(key) >= 6:
                parts = self._split(key, known) or self._split_head(key, known)
            expanded.extend(parts or (key,))
        return tuple(expanded)

    def idf(self, key: str, language: str) -> float:
        frequency = self.document_frequency[language].get(key, 0)
        return 1.0 + math.log((len(self.entries) + 1) / (frequency + 1))


class DrugIndex:
    """Drug names, brand names and codes of the immunotherapies the guidelines cover, by spelling-free
    key ({"keytruda": ("pembrolizumab", "anti-pd-1")}), and their words for typo correction."""

    def __init__(self, rows):
        self.names: dict[str, tuple[str, str]] = {}
        self.surfaces: dict[str, str] = {}
        for name, synonyms, code in rows:
            if FAMILY_OF.get(code) not in _GUIDELINE_FAMILIES:
                continue
            for text in [name, *_lines(synonyms)]:
                if len(class_key(text)) >= 4:
                    self.names[class_key(text)] = (name, code)
                    for word in fold(text).split():
                        if len(word) >= 5 and not word.isdigit():
                            self.surfaces.setdefault(word, word)


NO_DRUGS = DrugIndex([])
_DRUG_CACHE: dict[int, DrugIndex] = {}


def build_drug_index() -> DrugIndex:
    """The trials app's drug vocabulary (one query), the index cached on its content."""

    Drug = apps.get_model("trials", "Drug")
    rows = tuple(
        Drug.objects.exclude(immunotherapy_class="").values_list(
            "name", "synonyms", "immunotherapy_class"
        )
    )
    key = hash(rows)
    if key not in _DRUG_CACHE:
        _DRUG_CACHE.clear()
        _DRUG_CACHE[key] = DrugIndex(rows)
    return _DRUG_CACHE[key]


def _fingerprint(rows) -> int:
    return hash(tuple(rows))


_INDEX_CACHE: dict[int, SearchIndex] = {}


def build_index(queryset=None) -> tuple[SearchIndex, list[Toxicity]]:
    """The index of the published guidelines (or of `queryset`) and those rows; one query, the index
    cached on their content and the vocabulary files."""
    queryset = Toxicity.objects.published() if queryset is None else queryset
    toxicities = list(queryset.select_related("organ_system"))
    vocabularies = {language: load_vocabulary(language) for language in LANGUAGES}
    key = _fingerprint(
        [
            (
                t.pk,
                t.name,
                t.slug,
                t.aliases,
                t.symptoms,
                t.ctcae_term,
                t.meddra_code,
                t.specialist,
                t.organ_system.name if t.organ_system_id else "",
                t.higher_risk_classes,
                _families(t),
                t.updated_at,
            )
            for t in toxicities
        ]
        + [id(vocabulary) for vocabulary in vocabularies.values()]
    )
    index = _INDEX_CACHE.get(key)
    if index is None:
        index = SearchIndex(toxicities, vocabularies)
        _INDEX_CACHE.clear()  # one index at a time: the content changes rarely
        _INDEX_CACHE[key] = index
    # The index is shared (read-only); hits carry this request's rows, in the index's order.
    return index, toxicities
