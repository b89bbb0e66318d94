"""Guideline search in the words patients, nurses and clinicians use, in English and Dutch.

What it looks at: the published guideline records (name, aliases, symptoms, CTCAE term, MedDRA code,
organ system, specialist) and the curated lay vocabularies in `toxicity/data/lay_terms/<language>.yaml`
(lay words, nurse words and symptom phrases per guideline slug). Drug names and immunotherapy classes
(`pembrolizumab`, `Keytruda`, `CAR-T`) come from the trials app's drug vocabulary and
`ion_portal.immunotherapy`; they list the guidelines of that therapy family, higher-risk ones first.

How it matches:
- every text is normalised per language: lower case, accents folded, then English gets British→American
  spelling and a light English stemmer, Dutch a light Dutch stemmer (plurals, diminutives, `-heid`,
  compound words split into known parts). No English rule ever touches Dutch ("moe" stays "moe");
- words match whole (after stemming) or as a prefix of a vocabulary word, never as a substring;
- an unknown word of four letters or more is corrected to the nearest vocabulary word (edit distance,
  pure Python, so SQLite and PostgreSQL behave alike) and offered as "did you mean";
- "grade 3" / "graad 3" / "G3" in a query is taken out and the result links open at that grade.

The one scoring rule is `_score()`; its weights are the `WEIGHTS` table.
"""

from __future__ import annotations

import bisect
import difflib
import functools
import math
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.utils import translation

from ion_portal.immunotherapy import (
    FAMILY_OF,
    TherapyFamily,
    canonical_class,
    class_key,
    class_label,
)
from toxicity.models import Toxicity

LANGUAGES = ("en", "nl")
VOCABULARY_DIR = Path(__file__).resolve().parent / "data" / "lay_terms"
VOCABULARY_FIELDS = ("lay", "nurse", "symptoms")

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
FAMILY_BOOST, HIGHER_RISK_BOOST, OTHER_FAMILY_PENALTY = 1.15, 1.3, 0.5

# Toxicity families as the guideline records store them today (booleans) mapped to the vocabulary's
# family codes; records that already carry `family_list` (family codes) are read directly.
_FLAG_FAMILIES = {
    "applies_checkpoint": TherapyFamily.CHECKPOINT,
    "applies_car_t": TherapyFamily.CELL_THERAPY,
    "applies_bispecific": TherapyFamily.T_CELL_ENGAGER,
}
# Families the guidelines cover; a class outside them (vaccines, cytokines) is not a search entry point.
_GUIDELINE_FAMILIES = frozenset(_FLAG_FAMILIES.values())
# Spelling-free class keys that are also everyday words ("insect bite", "other", "til" in Dutch).
_NOT_A_CLASS_WORD = frozenset({"bite", "other", "til", "tce", "vaccine", "cytokine"})


class VocabularyError(ValueError):
    """A lay-term file that does not follow the schema; the message names the file and the entry."""


# --- Normalisation ----------------------------------------------------------------------------------
def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOP_WORDS = {
    "en": _word_set(
        """a an and the of in on at to for from with without or my me i im ive is am are was were be been
        being have has had having got get gets getting it its this that these those he she his her they
        their them we our you your very really quite bit little some since after before when now today
        yesterday also too so just like feel feels feeling felt keep keeps kind sort of about all over
        there here can cant cannot could do does did dont not no any started start starting suddenly
        what which who how patient pt c o complains complaining reports reported having go goes going
        went gone come comes came won wont up way away again still immunotherapy treatment side
        effect effects adverse event events"""
    ),
    "nl": _word_set(
        """de het een en van in op aan met zonder of te mijn mij me ik is ben bent heb heeft hebt hebben
        zijn was waren word wordt worden er erg heel echt al sinds na bij voor om dat die dit deze ook
        nog wel niet geen last klacht klachten krijg krijgt kreeg gekregen voel voelt voelen beetje
        steeds soms nu vandaag gisteren u uw je jij hij zij ze we wij ons onze mn zo nou toch dan als
        patient patiente meldt heeft door kan kun kunt kunnen kon konden meer goed moet moeten
        wil wilt ga gaat gaan ging doet doen immunotherapie behandeling bijwerking bijwerkingen"""
    ),
}
# The stop lists are matched after stemming, so they are stemmed on first use (see _stop_words).


def fold(text: str) -> str:
    """Lower case, ligatures spelt out, accents removed, anything but letters and digits a space."""
    text = (text or "").replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae").replace("Æ", "ae")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char)).lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


# British spellings of medical words, made American word by word (English only). Patterns are anchored
# to the medical stems so that everyday words keep their letters ("toes", "shoe", "aero").
_BRITISH = [
    (re.compile(r"(rrh|pn)oe"), r"\1e"),  # diarrhoea, dyspnoea, apnoea
    (re.compile(r"^oe"), "e"),  # oedema, oesophagus
    (re.compile(r"^coel"), "cel"),  # coeliac
    (re.compile(r"foet"), "fet"),
    (re.compile(r"aem"), "em"),  # haem-, anaemia, glycaemia, ischaemia
    (re.compile(r"^haem"), "hem"),
    (re.compile(r"paed"), "ped"),
    (re.compile(r"faec"), "fec"),
    (re.compile(r"aesth"), "esth"),
    (re.compile(r"(gyn|c)aec"), r"\1ec"),
    (re.compile(r"isation$"), "ization"),
    (re.compile(r"(?<=...)ise$"), "ize"),
    (re.compile(r"(?<=..)yse$"), "yze"),
    (re.compile(r"(?<=...)our$"), "or"),  # tumour, behaviour, colour (not four, hour, your)
    (re.compile(r"(?<=...)tre$"), "ter"),  # litre, centre, fibre
]
_EN_VOWELS = set("aeiouy")
_UNDOUBLE = re.compile(r"([bdgkmnprtz])\1$")


def _stem_en(word: str) -> str:
    """A light English stemmer: plurals, -ing, -ed, -ness, -ion, -y and a final -e."""
    if word.isdigit() or len(word) <= 3:
        return word
    for pattern, replacement in _BRITISH:
        word = pattern.sub(replacement, word)
    stripped = False
    if word.endswith("ness") and len(word) >= 7:
        word, stripped = word[:-4], True
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith(("sses", "shes", "ches", "xes", "zes")):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        word = word[:-1]
    for suffix in ("ing", "ed"):
        stem = word[: -len(suffix)]
        if word.endswith(suffix) and len(stem) >= 3 and _EN_VOWELS & set(stem):
            word, stripped = stem, True
            break
    if word.endswith(("sion", "tion")) and len(word) >= 7:
        word, stripped = word[:-3], True
    if word.endswith(("y", "i")) and len(word) > 4 and word[-2] not in _EN_VOWELS:
        word, stripped = word[:-1], True
    if word.endswith("e") and len(word) > 3 and word[-2] not in _EN_VOWELS:
        word = word[:-1]
    if stripped:
        word = _UNDOUBLE.sub(r"\1", word)
    return word


_NL_VOWELS = set("aeiouy")
_NL_DIMINUTIVES = ("etjes", "tjes", "pjes", "jes", "etje", "tje", "pje", "je")


def _restore_long_vowel(stem: str) -> str:
    """ogen -> og -> oog, blaren -> blar -> blaar, gele -> gel -> geel: an open syllable had a long vowel.
    A final v or z becomes f or s (brieven -> brief, blazen -> blaas)."""
    if (
        len(stem) >= 2
        and stem[-1] not in _NL_VOWELS
        and stem[-2] in "aeou"
        and (len(stem) == 2 or stem[-3] not in _NL_VOWELS)
    ):
        stem = stem[:-1] + stem[-2] + stem[-1]
    if stem.endswith("v"):
        stem = stem[:-1] + "f"
    elif stem.endswith("z"):
        stem = stem[:-1] + "s"
    return stem


def _stem_nl(word: str) -> str:
    """A light Dutch stemmer: diminutives, -heid, -ing, -end, comparative -er, plural -en/-s and an
    adjectival -e, restoring the long vowel of an open syllable (ogen -> oog)."""
    if word.isdigit() or len(word) <= 3:
        return word
    for suffix in _NL_DIMINUTIVES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            return _UNDOUBLE.sub(r"\1", word) if word[-1:] != "s" else word
    for suffix in ("heden", "heid"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            return word[: -len(suffix)]
    for suffix in ("ingen", "ing", "ende", "end"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return _UNDOUBLE.sub(r"\1", word[: -len(suffix)])
    comparative = re.search(r"([^aeiou])\1ere?$", word)
    if comparative and len(word) >= 6:
        return word[: comparative.start() + 1]
    if word.endswith("en") and (len(word) >= 5 or word[1] not in _NL_VOWELS):
        stem = word[:-2]
        if re.search(r"([^aeiou])\1$", stem):
            return stem[:-1]
        return _restore_long_vowel(stem)
    if word.endswith("s") and re.search(r"[^aeiou](er|el|em|en|ie|je)s$", word):
        return word[:-1]
    if word.endswith("e") and len(word) >= 4 and word[-2] not in _NL_VOWELS:
        stem = word[:-1]
        if re.search(r"([^aeiou])\1$", stem):
            return stem[:-1]
        return _restore_long_vowel(stem)
    return word


_STEMMERS = {"en": _stem_en, "nl": _stem_nl}


@functools.cache
def stem(word: str, language: str) -> str:
    """The search key of one folded word in one language."""
    return _STEMMERS[language](word)


@functools.cache
def _stop_words(language: str) -> frozenset[str]:
    words = STOP_WORDS[language]
    return words | {stem(word, language) for word in words}


def normalise(text: str, language: str) -> list[str]:
    """The search keys of a text in one language, stop words dropped (word order kept)."""
    stop = _stop_words(language)
    return [
        key
        for word in fold(text).split()
        if word not in stop and (key := stem(word, language)) not in stop
    ]


# --- The curated vocabulary files ------------------------------------------------------------------
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


# --- The index ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Term:
    """One phrase that points to a guideline: its keys in one language, its weight and its text."""

    keys: tuple[str, ...]
    weight: float
    text: str


@dataclass
class _Entry:
    toxicity: Toxicity
    families: frozenset[str]
    higher_risk: frozenset[str]
    terms: dict[str, list[Term]] = field(default_factory=dict)
    key_terms: dict[str, dict[str, list[Term]]] = field(default_factory=dict)


def _families(toxicity) -> frozenset[str]:
    if hasattr(toxicity, "family_list"):
        return frozenset(toxicity.family_list)
    return frozenset(family for flag, family in _FLAG_FAMILIES.items() if getattr(toxicity, flag))


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
                        terms.append(Term(keys, WEIGHTS[kind], text))
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
                Term(self.expand(term.keys, language), term.weight, term.text)
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

    def expand(self, keys: tuple[str, ...] | list[str], language: str) -> tuple[str, ...]:
        compounds = self.compounds.get(language, {})
        known = self.keys[language]
        expanded = []
        for key in keys:
            parts = compounds.get(key)
            if parts is None and language == "nl" and key not in known and len(key) >= 6:
                parts = self._split(key, known)
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
    from django.apps import apps

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
    total, explained, best_term, best_term_score = 0.0, 0, "", 0.0
    key_terms = entry.key_terms[language]
    for query_key, matches in query:
        best = 0.0
        terms = {term for key in matches for term in key_terms.get(key, ())}
        for term in terms:
            word_quality = max(matches.get(key, 0.0) for key in term.keys)
            covered = sum(1 for key in term.keys if key in matched_keys)
            value = term.weight * word_quality * (0.3 + 0.7 * covered / len(term.keys))
            if value > best:
                best = value
            if value > best_term_score:
                best_term_score, best_term = value, term.text
        if best:
            explained += 1
            total += best * index.idf(query_key, language)
    return total * (0.5 + 0.5 * explained / len(query)), best_term


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
