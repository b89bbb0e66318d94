"""Search that understands: immunotherapy classes and families, cancer types in English, Dutch and
French, drug names with their brand and code names; why a result matched; "did you mean".

A query is read as a list of terms, longest phrase first: "anti PD-1 longkanker" is the class anti-PD-1
and the cancer type lung cancer. Every term must match (AND). A term matches a trial by its text (ids,
titles, conditions, drug names and synonyms, summary) or by what it names: an immunotherapy class
("PD-1", "CAR-T"), a family of classes ("checkpoint inhibitor"), a cancer type ("melanoom"). Classes
come from the one vocabulary in `ion_portal/immunotherapy.py`; the Dutch and French cancer-type names
from `ion_portal/data/cancer_type_names.json`.

"Did you mean" is pure Python (difflib) over the same vocabulary, so it works on SQLite and PostgreSQL
alike; PostgreSQL also matches misspelt drug names through trigram similarity (Drug.corrections_for).
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connections, models
from django.db.models import Q
from django.utils import translation
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from ion_portal.cancer_type_names import normalise, search_index, translated_name
from ion_portal.immunotherapy import (
    ImmunotherapyClass,
    TherapyFamily,
    canonical_class,
    class_key,
    classes_in_family,
)
from ion_portal.models import CancerType

from .models import Drug, Trial

MAX_WORDS = 20
MAX_PHRASE = 6
# "other" is a class code but also an everyday word: it never names a class in a search.
NOT_A_CLASS_WORD = {class_key(ImmunotherapyClass.OTHER)}


@dataclass(frozen=True)
class Term:
    """Part of a query: the words as typed and what they name."""

    text: str
    classes: tuple[str, ...] = ()
    cancer_types: tuple[str, ...] = ()  # CancerType slugs

    @property
    def words(self) -> list[str]:
        return self.text.split()


@functools.cache
def _class_phrases() -> dict[str, tuple[str, ...]]:
    """Spelling-free key of a class or family code or English label -> the class codes it names."""
    table: dict[str, tuple[str, ...]] = {}
    with translation.override("en"):
        for code, label in ImmunotherapyClass.choices:
            if code != ImmunotherapyClass.OTHER:
                table[class_key(code)] = (code,)
                table[class_key(str(label))] = (code,)
        # Families after classes: "vaccine" and "cytokine" name the whole family.
        for family, label in TherapyFamily.choices:
            if family == TherapyFamily.OTHER:
                continue
            codes = tuple(classes_in_family(family))
            table[class_key(family)] = codes
            table[class_key(str(label))] = codes
    return table


def classes_named(phrase: str) -> tuple[str, ...]:
    """The immunotherapy classes a phrase names ("PD-1", "anti-PD-1", "checkpoint inhibitors")."""
    key = class_key(phrase)
    if len(key) < 3 or key in NOT_A_CLASS_WORD:
        return ()
    table = _class_phrases()
    for candidate in (key, key[:-1] if key.endswith("s") else None):
        if candidate and candidate in table:
            return table[candidate]
    code = canonical_class(phrase)
    if code and code != ImmunotherapyClass.OTHER:
        return (code,)
    return ()


def understand(q: str) -> list[Term]:
    """The terms of a query, longest known phrase first."""
    words = (q or "").split()[:MAX_WORDS]
    terms: list[Term] = []
    index = search_index()
    i = 0
    while i < len(words):
        for n in range(min(MAX_PHRASE, len(words) - i), 0, -1):
            phrase = " ".join(words[i : i + n])
            classes = classes_named(phrase)
            slugs = index.get(normalise(phrase), frozenset())
            if classes or slugs:
                terms.append(Term(phrase, classes, tuple(sorted(slugs))))
                i += n
                break
        else:
            terms.append(Term(words[i]))
            i += 1
    return terms


def _named_q(term: Term) -> Q | None:
    """Trials of the classes or cancer types a term names (a broader type finds its narrower ones:
    they are linked on import)."""

    q = None
    for code in term.classes:
        part = Q(immunotherapy_classes__contains=f"|{code}|")
        q = part if q is None else q | part
    if term.cancer_types:
        links = Trial.cancer_types.through.objects.filter(cancertype__slug__in=term.cancer_types)
        part = Q(pk__in=links.values("trial_id"))
        q = part if q is None else q | part
    return q


def _text_q(word: str) -> Q:
    return (
        Q(nct_id__icontains=word)
        | Q(acronym__icontains=word)
        | Q(brief_title__icontains=word)
        | Q(official_title__icontains=word)
        | Q(search_terms__icontains=word)
        | Q(brief_summary__icontains=word)
    )


def search_trials(queryset, q: str, *, memo: dict | None = None):
    """`queryset` narrowed to the trials matching every term of `q`; on PostgreSQL annotated with
    `rank` for relevance ordering. `memo` (a dict kept by the caller for one request) keeps the drug
    look-up of one query, so the facet counts, which search again, do not repeat it."""
    terms = understand((q or "").strip())
    if not terms:
        return queryset
    if connections[queryset.db].vendor == "postgresql":
        return _search_postgresql(queryset, q, terms, {} if memo is None else memo)
    condition = Q()
    for term in terms:
        text = Q()
        for word in term.words:
            text &= _text_q(word)
        named = _named_q(term)
        condition &= text | named if named is not None else text
    return queryset.filter(condition)


def _search_postgresql(queryset, q: str, terms: list[Term], memo: dict):

    # A word that resembles a drug name, brand or code name in the small Drug table ("pembrolizumb",
    # "Keytruda") also matches that drug's INN; the big table is searched through its GIN index only.
    key = ("corrections", queryset.db, q)
    if key not in memo:
        memo[key] = Drug.objects.using(queryset.db).corrections_for(q)
    corrections = memo[key]
    condition = Q()
    ranked = None
    for term in terms:
        text = None
        for word in term.words:
            part = SearchQuery(word, search_type="plain", config="english")
            for name in corrections.get(word.lower(), ()):
                part |= SearchQuery(name, search_type="plain", config="english")
            text = part if text is None else text & part
        named = _named_q(term)
        condition &= Q(search_vector=text) | named if named is not None else Q(search_vector=text)
        ranked = text if ranked is None else ranked | text
    return queryset.filter(condition).annotate(rank=SearchRank(models.F("search_vector"), ranked))


# --- Why a result matched -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Reason:
    kind: str
    html: SafeString


def highlight(text: str, needles) -> SafeString:
    """`text` escaped, with every occurrence of the needles (case-insensitive) in <mark>."""
    needles = sorted({n for n in needles if n and len(n) >= 2}, key=len, reverse=True)
    if not needles:
        return escape(text)
    pattern = re.compile("|".join(re.escape(n) for n in needles), re.IGNORECASE)
    out, pos = [], 0
    for match in pattern.finditer(text):
        out.append(escape(text[pos : match.start()]))
        out.append(format_html("<mark>{}</mark>", match.group()))
        pos = match.end()
    out.append(escape(text[pos:]))
    return mark_safe("".join(str(part) for part in out))  # noqa: S308 (every part is escaped above)


def _contains(text: str, words: list[str]) -> bool:
    low = (text or "").lower()
    return all(w.lower() in low for w in words)


def _snippet(text: str, word: str, width: int = 70) -> str:
    at = text.lower().find(word.lower())
    start, end = max(0, at - width), min(len(text), at + len(word) + width)
    return ("…" if start else "") + text[start:end].strip() + ("…" if end < len(text) else "")


def match_reasons(trial, terms: list[Term], limit: int = 4) -> list[Reason]:
    """Why a trial matched the terms: the class, cancer type, drug, condition or text each term found,
    with the matching words highlighted (relations prefetched by the list view)."""
    reasons: list[Reason] = []
    seen: set[str] = set()

    def add(kind, html):
        key = f"{kind}:{html}"
        if key not in seen:
            seen.add(key)
            reasons.append(Reason(str(kind), html))

    for term in terms:
        words = term.words
        found = len(reasons)
        for code, label in trial.immunotherapy_class_labels:
            if code in term.classes:
                add(_("Immunotherapy class"), format_html("<mark>{}</mark>", label))
        if term.cancer_types:
            for cancer_type in trial.cancer_types.all():
                if cancer_type.slug in term.cancer_types:
                    name = translated_name(cancer_type.slug, cancer_type.name)
                    add(_("Cancer type"), format_html("<mark>{}</mark>", name))
        for intervention in trial.interventions.all():
            drug = intervention.drug
            names = [intervention.name, *(intervention.other_names or [])]
            names += drug.all_names() if drug else []
            hit = next((n for n in names if _contains(n, words)), None)
            if hit is None and not (drug and drug.immunotherapy_class in term.classes):
                continue
            shown = intervention.name
            if hit and hit != intervention.name and not _contains(intervention.name, words):
                shown = f"{intervention.name} ({hit})"
            add(_("Drug"), highlight(shown, [term.text, *words]))
        for condition in trial.conditions or []:
            if _contains(str(condition), words):
                add(_("Condition"), highlight(str(condition), [term.text, *words]))
        if len(reasons) == found:
            for text in (trial.nct_id, trial.acronym, trial.brief_title, trial.official_title):
                if text and _contains(text, words):
                    add(_("Title"), highlight(text, [term.text, *words]))
                    break
            else:
                if trial.brief_summary and _contains(trial.brief_summary, words):
                    snippet = _snippet(trial.brief_summary, words[0])
                    add(_("Summary"), highlight(snippet, [term.text, *words]))
    return reasons[:limit]


# --- Did you mean ---------------------------------------------------------------------------------------
def vocabulary_words(using: str = "default") -> list[str]:
    """Every word of the search vocabulary: drug names and synonyms, cancer-type names and synonyms
    (English from the database, Dutch and French from the data file), class codes and labels."""

    texts: list[str] = []
    for name, synonyms in Drug.objects.using(using).values_list("name", "synonyms"):
        texts += [name, *synonyms.splitlines()]
    for name, synonyms in CancerType.objects.using(using).values_list("name", "synonyms"):
        texts += [name, *synonyms.splitlines()]
    texts += list(search_index())
    with translation.override("en"):
        texts += [str(label) for _code, label in ImmunotherapyClass.choices]
        texts += [str(label) for _code, label in TherapyFamily.choices]
    words = {w for text in texts for w in normalise(text).split() if len(w) >= 3}
    return sorted(words)


def did_you_mean(q: str, using: str = "default") -> str | None:
    """The query with each unknown word (4+ letters) replaced by the closest vocabulary word, or None
    when nothing close was found."""
    words = (q or "").split()[:MAX_WORDS]
    vocabulary = None
    changed = False
    out = []
    for word in words:
        key = normalise(word)
        if len(key) < 4 or not key.isalpha():
            out.append(word)
            continue
        if vocabulary is None:
            vocabulary = vocabulary_words(using)
            known = set(vocabulary)
        if key in known:
            out.append(word)
            continue
        close = difflib.get_close_matches(key, vocabulary, n=1, cutoff=0.8)
        if close:
            out.append(close[0])
            changed = True
        else:
            out.append(word)
    return " ".join(out) if changed else None
