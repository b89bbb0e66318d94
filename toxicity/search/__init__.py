"""Guideline search in the words patients, nurses and clinicians use, in English and Dutch.

What it looks at: the published guideline records (name, aliases, symptoms, CTCAE term, MedDRA code,
organ system, specialist) and the curated lay vocabularies in `toxicity/data/lay_terms/<language>.yaml`
(lay words, nurse words and symptom phrases per guideline slug; `vocabulary.py`). Drug names and
immunotherapy classes (`pembrolizumab`, `Keytruda`, `CAR-T`, `checkpoint inhibitors`) come from the trials
app's drug vocabulary and `ion_portal.immunotherapy`; they list the guidelines of that therapy family,
higher-risk ones first.

How it matches:
- every text is normalised per language (`normalise.py`): case and accents folded; English gets
  British→American spelling and a light stemmer, Dutch its own light stemmer, and Dutch compounds are split
  into known parts (`index.py`). No English rule ever touches Dutch ("moe" stays "moe");
- words match whole (after stemming), as a prefix of a vocabulary word, or one letter longer than one;
  never as a substring;
- an unknown word of five letters or more is corrected to the nearest vocabulary word (edit distance,
  pure Python, so SQLite and PostgreSQL behave alike) and offered as "did you mean";
- "grade 3" / "graad 3" / "G3" / "grade III" is taken out of the query; result links open at that grade.

The one scoring rule is `_score()` below; its weights are the `WEIGHTS` table.
"""

from __future__ import annotations

import bisect
import difflib
import re
from dataclasses import dataclass, field

from django.utils import translation

from ion_portal.immunotherapy import (
    FAMILY_OF,
    TherapyFamily,
    canonical_class,
    class_key,
    class_label,
)
from toxicity.models import Toxicity
from toxicity.search.index import (
    _GUIDELINE_FAMILIES,
    NO_DRUGS,
    DrugIndex,
    SearchIndex,
    _Entry,
    build_drug_index,
    build_index,
)
from toxicity.search.normalise import LANGUAGES, _stop_words, fold, normalise, stem
from toxicity.search.vocabulary import VocabularyError, load_vocabulary

__all__ = [
    "Hit",
    "SearchOutcome",
    "VocabularyError",
    "as_hits",
    "fold",
    "load_vocabulary",
    "normalise",
    "search",
    "stem",
]

# How much a match in each kind of text counts. A guideline's name or CTCAE term says most; a lay or nurse
# word is curated for one guideline; a symptom phrase is often shared by several guidelines.
WEIGHTS = {
    "name": 10.0,
    "ctcae": 8.0,
    "code": 10.0,
    "alias": 7.0,
    "lay": 7.0,
    "nurse": 7.0,
    "symptoms": 5.0,
    "db_symptoms": 4.0,
    "organ": 3.0,
    "specialist": 1.0,
}
EXACT, PREFIX, CORRECTED = 1.0, 0.75, 0.8  # match quality of one word
OTHER_LANGUAGE = 0.95  # a tie between languages goes to the page's language
RELATIVE_CUTOFF = 0.4  # results scoring under 40% of the best are dropped
MAX_RESULTS = 4  # a symptom query lists at most this many guidelines
# Words that refine a phrase ("not peeing much") but never point to a guideline on their own.
MODIFIERS = frozenset({"not"})
FAMILY_BOOST, HIGHER_RISK_BOOST, OTHER_FAMILY_PENALTY = 1.15, 1.3, 0.5
# Spelling-free class keys that are also everyday words ("insect bite", "other", "til" in Dutch).
_NOT_A_CLASS_WORD = frozenset({"bite", "other", "til", "tce", "vaccine", "cytokine"})


# --- Query parsing ------------------------------------------------------------------------------------
_GRADE = re.compile(r"\b(?:grade|graad|gr|g|ctcae)\s?([1-5]|iv|v|i{1,3})\b")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5}


def _grade(folded: str) -> tuple[int | None, str]:
    match = _GRADE.search(folded)
    if not match:
        return None, folded
    value = match.group(1)
    grade = int(value) if value.isdigit() else _ROMAN[value]
    return grade, (folded[: match.start()] + " " + folded[match.end() :]).strip()


# Therapy families by spelling-free name ("checkpoint inhibitors", "ICI", "celtherapie"), singular.
_FAMILY_NAMES = {
    **{class_key(code): code for code in _GUIDELINE_FAMILIES},
    **{
        class_key(str(TherapyFamily(code).label)).removesuffix("s"): code
        for code in _GUIDELINE_FAMILIES
    },
    "checkpointinhibitor": TherapyFamily.CHECKPOINT,
    "ici": TherapyFamily.CHECKPOINT,
    "checkpointremmer": TherapyFamily.CHECKPOINT,
    "immuuncheckpointremmer": TherapyFamily.CHECKPOINT,
    "celtherapie": TherapyFamily.CELL_THERAPY,
    "tcelengager": TherapyFamily.T_CELL_ENGAGER,
}


def _drugs(
    drug_index: DrugIndex, words: list[str], acronyms: frozenset[str] = frozenset()
) -> tuple[list[tuple[str, str, str]], set[int]]:
    """Drug, class and family names in the query: [(label, class code or "", family code)] and the
    positions of their words. "Keytruda", "MK-3475", "anti-PD-1", "CAR-T", "pembro" (a prefix of an
    INN) and "checkpoint inhibitors" all count; "bite" only when written as an acronym (BiTE)."""
    found, used = [], set()
    for size in (4, 3, 2, 1):
        for start in range(len(words) - size + 1):
            positions = set(range(start, start + size))
            if positions & used:
                continue
            key = "".join(words[start : start + size])
            if len(key) < 3:
                continue
            hit = None
            drug = drug_index.names.get(key)
            if drug is None and size == 1 and len(key) >= 4:
                names = {
                    v
                    for k, v in drug_index.names.items()
                    if k.startswith(key) and k == class_key(v[0])
                }
                drug = next(iter(names)) if len(names) == 1 else None
            if drug:
                hit = (drug[0], drug[1], FAMILY_OF[drug[1]])
            elif size > 1 or key not in _NOT_A_CLASS_WORD or key in acronyms:
                code = canonical_class(key)
                family = _FAMILY_NAMES.get(key.removesuffix("s"))
                if code and FAMILY_OF.get(code) in _GUIDELINE_FAMILIES:
                    hit = (class_label(code), code, FAMILY_OF[code])
                elif family:
                    hit = (str(TherapyFamily(family).label), "", family)
            if hit:
                found.append(hit)
                used |= positions
    return found, used


def _edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (a transposition counts as one edit), stopped above limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2, previous = None, list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, start=1):
            cost = 0 if char_a == char_b else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if (
                previous2 is not None
                and i > 1
                and j > 1
                and char_a == b[j - 2]
                and a[i - 2] == char_b
            ):
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def _correction(index: SearchIndex, drug_index: DrugIndex, word: str) -> tuple[str, str] | None:
    """The vocabulary word nearest to an unknown word, with its language: ("colitis", "en")."""
    if len(word) < 5 or word.isdigit():
        return None
    # One edit for a short word, two from six letters on when the first letter is right (typos
    # rarely hit the first letter, and it keeps everyday words from being "corrected").
    limit = 1 if len(word) <= 5 else 2
    best = None
    vocabularies = [(language, index.surfaces[language]) for language in LANGUAGES]
    for language, surfaces in [*vocabularies, ("en", drug_index.surfaces)]:
        for surface in surfaces:
            if surface == word:
                continue
            distance = _edit_distance(word, surface, limit)
            if distance <= limit and (distance == 1 or surface[0] == word[0]):
                ratio = difflib.SequenceMatcher(None, word, surface).ratio()
                candidate = (distance, -ratio, language != translation.get_language(), surface)
                if best is None or candidate < best[0]:
                    best = (candidate, surface, language)
    return (best[1], best[2]) if best else None


def _known(index: SearchIndex, word: str) -> bool:
    """Whether a folded word matches the vocabulary as it is (whole word or prefix), in any language."""
    for language in LANGUAGES:
        keys = index.expand([stem(word, language)], language)
        if all(_matches(index, key, EXACT, language) for key in keys):
            return True
    return False


# --- Scoring --------------------------------------------------------------------------------------
def _matches(index: SearchIndex, key: str, quality: float, language: str) -> dict[str, float]:
    """The vocabulary keys one query key matches, with the match quality: the same word fully; a
    word it begins ("diarr" typed so far) or one letter longer than a vocabulary word ("vervelt", a
    verb form the stemmer leaves, for "vervel") less. Never a substring: "moe" is not in "moeite"."""
    found = {}
    keys = index.keys[language]
    if key in keys:
        found[key] = EXACT * quality
    if key.isdigit():
        return found
    if len(key) >= 4:
        ordered = index.sorted_keys[language]
        position = bisect.bisect_left(ordered, key)
        while position < len(ordered) and ordered[position].startswith(key):
            found.setdefault(ordered[position], PREFIX * quality)
            position += 1
    if len(key) >= 6 and key[:-1] in keys:
        found.setdefault(key[:-1], PREFIX * quality)
    return found


def _score(
    index: SearchIndex, entry: _Entry, query: list[tuple[str, dict[str, float]]], language: str
):
    """The one scoring rule. For each query word, the best term of the guideline that contains it
    counts: the term's weight x the word's match quality x how much of the term the query covers
    (a whole phrase such as "red eye" beats a lone "red" in "red spots"), x the word's rarity across
    guidelines (idf: "pain" says less than "jaundice"). The sum is scaled by the share of the query's
    words the guideline explains. `query` holds each query word with the vocabulary keys it matches
    and how well. Returns (score, text of the best matching term)."""
    if not query:
        return 0.0, ""
    matched_keys = {key for _word, matches in query for key in matches}
    total, explained, best_term, best_term_score = 0.0, set(), "", 0.0
    key_terms = entry.key_terms[language]
    for query_key, matches in query:
        best = 0.0
        terms = {term for key in matches for term in key_terms.get(key, ())}
        for term in terms:
            word_quality = max(matches.get(key, 0.0) for key in term.keys)
            covered = sum(1 for key in term.keys if key in matched_keys)
            value = WEIGHTS[term.kind] * word_quality * (0.3 + 0.7 * covered / len(term.keys))
            if value > best:
                best = value
            if value > best_term_score:
                best_term_score, best_term = value, term.text
        if best:
            explained.add(query_key)
            total += best * index.idf(query_key, language)
    if explained <= MODIFIERS:
        return 0.0, ""  # "not" alone says nothing
    return total * (0.5 + 0.5 * len(explained) / len(query)), best_term


# --- The search -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Hit:
    """One guideline found: the record, its score, the link (at the grade asked for) and why."""

    toxicity: Toxicity
    score: float
    url: str
    matched: str = ""
    higher_risk: bool = False


@dataclass
class SearchOutcome:
    query: str
    hits: list[Hit] = field(default_factory=list)
    suggestion: str = ""  # the query with misspelt words corrected ("did you mean")
    grade: int | None = None
    drugs: list[str] = field(default_factory=list)  # drug or class names recognised

    def __iter__(self):
        return iter(self.hits)

    def __len__(self):
        return len(self.hits)

    @property
    def toxicities(self) -> list[Toxicity]:
        return [hit.toxicity for hit in self.hits]


def as_hits(toxicities) -> list[Hit]:
    """Guidelines listed without a query (an organ system's), in the shape search results have."""
    return [Hit(toxicity=t, score=0.0, url=t.get_absolute_url()) for t in toxicities]


def search(query: str, *, language: str | None = None, queryset=None) -> SearchOutcome:
    """Published guidelines for a query in a patient's, nurse's or clinician's words, best first."""
    language = language or translation.get_language() or "en"
    language = language if language in LANGUAGES else "en"
    outcome = SearchOutcome(query=query)
    grade, folded = _grade(fold(query))
    outcome.grade = grade
    words = folded.split()
    if not words:
        return outcome
    index, toxicities = build_index(queryset)
    # The drug vocabulary is read only when a word is not a guideline word (a drug name, a code, a typo).
    stop = _stop_words("en") | _stop_words("nl")
    unknown = [
        word for word in words if word not in stop and len(word) >= 3 and not _known(index, word)
    ]
    drug_index = build_drug_index() if unknown else NO_DRUGS

    # Words written with two or more capitals (BiTE, TIL) may be class acronyms.
    acronyms = frozenset(
        word.lower()
        for word in re.findall(r"[A-Za-z]+", query)
        if sum(c.isupper() for c in word) >= 2
    )
    drugs, drug_positions = _drugs(drug_index, words, acronyms)

    # Misspelt words: corrected to the nearest vocabulary word, offered as "did you mean".
    corrected, suggestion_words, any_correction = {}, list(words), False
    for position, word in enumerate(words):
        if position in drug_positions or any(word in _stop_words(lang) for lang in LANGUAGES):
            continue
        if _known(index, word):
            continue
        correction = _correction(index, drug_index, word)
        if correction:
            corrected[position] = correction
            suggestion_words[position] = correction[0]
            any_correction = True
    if any_correction:
        outcome.suggestion = " ".join(suggestion_words)
        # A corrected word may be a drug name ("pembrolizumap").
        drugs, drug_positions = _drugs(drug_index, suggestion_words, acronyms)

    outcome.drugs = [name for name, _code, _family in drugs]
    families = {family for _name, _code, family in drugs}
    classes = {code for _name, code, _family in drugs if code}

    scores: dict[int, tuple[float, str]] = {}
    for query_language in LANGUAGES:
        keys: list[tuple[str, dict[str, float]]] = []
        stop = _stop_words(query_language)
        for position, word in enumerate(words):
            if position in drug_positions or word in stop:
                continue
            quality = EXACT
            if position in corrected:
                word, quality = corrected[position][0], CORRECTED
            key = stem(word, query_language)
            if key in stop:
                continue
            keys += [
                (part, _matches(index, part, quality, query_language))
                for part in index.expand([key], query_language)
                if len(part) > 1 or part.isdigit()
            ]
        if not keys:
            continue
        factor = 1.0 if query_language == language else OTHER_LANGUAGE
        for number, entry in enumerate(index.entries):
            value, matched = _score(index, entry, keys, query_language)
            if value * factor > scores.get(number, (0.0, ""))[0]:
                scores[number] = (value * factor, matched)

    hits = []
    if scores:
        top = max(value for value, _matched in scores.values())
        for number, (value, matched) in scores.items():
            if value <= 0 or value < RELATIVE_CUTOFF * top:
                continue
            entry = index.entries[number]
            higher_risk = bool(entry.higher_risk & classes)
            if families:
                value *= FAMILY_BOOST if entry.families & families else OTHER_FAMILY_PENALTY
                value *= HIGHER_RISK_BOOST if higher_risk else 1.0
            hits.append((value, number, matched, higher_risk))
        hits.sort(key=lambda item: (-item[0], item[1]))
        hits = hits[:MAX_RESULTS]
    elif families:
        # A drug or class alone: every guideline of its family, higher-risk ones first.
        for number, entry in enumerate(index.entries):
            if entry.families & families:
                higher_risk = bool(entry.higher_risk & classes)
                hits.append((2.0 if higher_risk else 1.0, number, "", higher_risk))
        hits.sort(key=lambda item: (-item[0], item[1]))

    anchor = f"#grade-{grade}" if grade else ""
    outcome.hits = [
        Hit(
            toxicity=toxicities[number],
            score=round(value, 3),
            url=toxicities[number].get_absolute_url() + anchor,
            matched=matched,
            higher_risk=higher_risk,
        )
        for value, number, matched, higher_risk in hits
    ]
    return outcome
