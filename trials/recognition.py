"""Recognition from free text: conditions → cancer types, interventions → drugs, locations → network units.

Built once per import (or recognition) run from the vocabularies, then pure in-memory look-ups, so an
import of thousands of records makes no per-record vocabulary queries.

Matching works on normalised words (punctuation and hyphens are spaces, a few plurals are singular:
"Non-Small-Cell" = "non small cell", "Neoplasms" = "neoplasm"), and the longest non-overlapping match wins:
"Non Small Cell Lung Cancer" is NSCLC only, "trastuzumab emtansine" is the ADC, not trastuzumab.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from ion_portal.models import CancerType, Unit

from .models import Drug

PLURALS = {
    "neoplasms": "neoplasm",
    "cancers": "cancer",
    "carcinomas": "carcinoma",
    "tumors": "tumor",
    "tumours": "tumour",
    "leukemias": "leukemia",
    "leukaemias": "leukaemia",
    "lymphomas": "lymphoma",
    "sarcomas": "sarcoma",
    "malignancies": "malignancy",
    "gliomas": "glioma",
    "melanomas": "melanoma",
}
# Words that name "a cancer of": "prostate cancer" = "prostate neoplasm" = "prostate carcinoma".
HEADS = ("cancer", "carcinoma", "adenocarcinoma", "neoplasm", "tumor", "tumour", "malignancy")
# MeSH-style inverted terms: "Neoplasms, Prostate" = "Prostate Neoplasms".
INVERTED = re.compile(r"^\s*([A-Za-z]+)\s*,\s*(.+)$")


def words(text: str) -> list[str]:
    """The words of a text, accents removed, plural heads made singular; case kept."""
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return [PLURALS.get(w.lower(), w) for w in re.findall(r"[A-Za-z0-9]+", text)]


def normalised(text: str) -> str:
    """Space-separated words with a space at both ends, so " term " matches whole words only."""
    return " " + " ".join(words(text)) + " "


def _uninvert(condition: str) -> str:
    match = INVERTED.match(condition or "")
    if match and match.group(1).lower() in (*HEADS, *PLURALS, "lymphoma", "leukemia", "carcinoma"):
        return f"{match.group(2)} {match.group(1)}"
    return condition


class Terms:
    """Normalised terms indexed by their first word, so a text is only compared with the terms that can
    occur in it (a few, instead of every synonym of the vocabulary)."""

    def __init__(self, terms: Iterable[tuple[str, bool, int, object]]):
        self.by_first: dict[str, list[tuple[str, bool, int, object]]] = {}
        for term in terms:
            first = term[0].split(" ", 2)[1].lower()
            self.by_first.setdefault(first, []).append(term)

    def spans(self, text: str) -> list[tuple[int, int, int, object]]:
        """(start, end, priority, value) of every whole-word occurrence in a normalised text."""
        lowered = text.lower()
        candidates = {w for w in lowered.split() if w in self.by_first}
        found = []
        for first in candidates:
            for term, case_sensitive, priority, value in self.by_first[first]:
                haystack = text if case_sensitive else lowered
                start = haystack.find(term)
                while start != -1:
                    found.append((start, start + len(term), priority, value))
                    start = haystack.find(term, start + 1)
        return found


def longest_matches(spans):
    """The values of the longest non-overlapping spans; of spans with the same extent, those of the
    highest priority (an explicit synonym beats a generated variant) are all kept."""
    accepted: list[tuple[int, int, int]] = []
    values = []
    for start, end, priority, value in sorted(spans, key=lambda s: (s[0] - s[1], -s[2], s[0])):
        # Spans are padded with their surrounding spaces, so adjacent words share one space.
        clash = any(start < e - 1 and s < end - 1 for s, e, _p in accepted)
        if clash and (start, end, priority) not in accepted:
            continue
        accepted.append((start, end, priority))
        values.append((start, value))
    return [value for _start, value in sorted(values, key=lambda pair: pair[0])]


class Recogniser:
    """Looks up cancer types, drugs and network units from free text; built once per run."""

    def __init__(self):
        self.cancer_types = {ct.pk: ct for ct in CancerType.objects.all()}
        self._ct_terms = Terms(
            t
            for ct in self.cancer_types.values()
            for term in [ct.name, *ct.synonym_list]
            for t in self._cancer_terms(term, ct.pk)
        )
        self.drugs = {d.pk: d for d in Drug.objects.all()}
        self._drug_terms = Terms(
            (normalised(term).lower(), False, 1, drug.pk)
            for drug in self.drugs.values()
            for term in drug.all_names()
            if len(normalised(term).strip()) >= 3
        )
        self._unit_terms = [
            (normalised(alias).lower(), unit.pk)
            for unit in Unit.objects.exclude(aliases="")
            for alias in unit.alias_list
            if len(normalised(alias).strip()) >= 4
        ]

    @staticmethod
    def _cancer_terms(term: str, pk: int) -> list[tuple[str, bool, int, int]]:
        # Short all-capital synonyms (ALL, HCC, RCC) only match as written: "all" is a word.
        case_sensitive = len(term) <= 5 and term.isupper()
        text = normalised(term)
        terms = [(text if case_sensitive else text.lower(), case_sensitive, 2, pk)]
        parts = text.lower().split()
        if len(parts) > 1 and parts[-1] in HEADS:
            for head in HEADS:
                if head != parts[-1]:
                    terms.append((" " + " ".join([*parts[:-1], head]) + " ", False, 1, pk))
        return terms

    # --- cancer types ------------------------------------------------------------------------------
    def _types_in(self, texts: Iterable[str]) -> set[int]:
        found: set[int] = set()
        for text in texts:
            found.update(longest_matches(self._ct_terms.spans(normalised(_uninvert(text)))))
        return found

    def _with_ancestors(self, ids: set[int]) -> set[int]:
        result = set(ids)
        for pk in ids:
            parent_id = self.cancer_types[pk].parent_id
            while parent_id and parent_id not in result:
                result.add(parent_id)
                parent_id = self.cancer_types[parent_id].parent_id
        return result

    def cancer_types_for(self, conditions: list[str], titles: Iterable[str] = ()) -> set[int]:
        """Ids of the cancer types named in the conditions, plus their broader types. The titles only
        refine: a narrower type named in a title is added when its broader type is a condition
        ("Lung Cancer" + "... Small-cell Lung Cancer" in the title → small cell lung cancer)."""
        found = self._with_ancestors(self._types_in(conditions))
        for pk in self._types_in(titles):
            ancestors = self._with_ancestors({pk}) - {pk}
            if ancestors & found:
                found |= self._with_ancestors({pk})
        return found

    # --- drugs -------------------------------------------------------------------------------------
    def drugs_for(self, name: str, other_names: list[str] = ()) -> list[int]:
        """Ids of every drug the intervention names (a combination names several), in order of
        appearance; the longest match wins inside one text."""
        ids: list[int] = []
        for text in [name, *other_names]:
            spans = self._drug_terms.spans(normalised(text))
            for pk in longest_matches(spans):
                if pk not in ids:
                    ids.append(pk)
        return ids

    def classes_of(self, drug_ids: Iterable[int]) -> list[str]:
        return sorted({self.drugs[pk].immunotherapy_class for pk in drug_ids} - {""})

    # --- network units ------------------------------------------------------------------------------
    def units_for(self, facility: str) -> list[int]:
        """Ids of the network units whose aliases the location's facility name contains."""
        text = normalised(facility).lower()
        return sorted({pk for alias, pk in self._unit_terms if alias in text})
