"""The rule-based criteria extractor: ClinicalTrials.gov eligibility text in, proposed structured criteria
out, each with the exact sentence it came from and its character offsets. No external service.

1. `split_sentences()` cuts the text into inclusion/exclusion sections (headings such as "Inclusion
   Criteria:", "Key Exclusion Criteria", "Non-inclusion criteria:"; records without headings, such as
   the legacy "DISEASE CHARACTERISTICS" layout, are read as inclusion), bullet items and sentences.
2. Each rule in `RULES` reads one sentence and proposes criteria of its kind. Values always say what
   the patient must satisfy: "ANC < 500/uL" under exclusion proposes `anc min 0.5 10^9/L`.
3. Identical proposals (same section, kind, operator, value) are kept once, at their first sentence.

Vocabularies are in trials/criteria/vocab.py, organ-function rules in trials/criteria/labs.py.
Measured on a hand-annotated set: docs/criteria.md.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from . import vocab as V
from .ages import age_rule
from .labs import lab_rules
from .numbers import parse_number, word_number
from .sentences import EXCLUSION, INCLUSION, Found, Sentence, flip

EXTRACTOR_VERSION = (
    "2"  # 2: ages in months/days, subgroup ages, HIV "eligible if", headings at a line end
)


_BULLET = re.compile(r"^[ \t]*(?:[-*•·](?=\s|[A-Za-z])|\d{1,2}[.)](?=\s)|[a-z][.)](?=\s))[ \t]*")
_SENTENCE_BREAK = re.compile(r";\s+|(?<=[.!?])\s+(?=[A-Z(\[])")
_ESCAPE = re.compile(r"\\([<>\[\]^*_=()#+.!-])")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Proposal:
    section: str
    kind: str
    operator: str
    value: dict = field(hash=False)
    sentence: str
    start: int
    end: int

    def key(self) -> tuple:
        return (self.section, self.kind, self.operator, json.dumps(self.value, sort_keys=True))


def normalise(text: str) -> str:
    return _SPACE.sub(" ", _ESCAPE.sub(r"\1", text)).strip()


def _heading_section(line: str) -> str | None:
    stripped = line.strip()
    if not stripped or len(stripped) > 100 or _BULLET.match(line):
        return None
    match = V.HEADING_RE.match(stripped)
    if not match:
        end = V.HEADING_END_RE.search(stripped)
        return None if end is None else end.group(1).lower()
    lower = stripped.lower()
    if "inclusion" in lower and "exclusion" in lower:
        return None
    return EXCLUSION if match.group(1) or match.group(2).lower() == "exclusion" else INCLUSION


def _items(text: str) -> Iterator[tuple[str, int, int]]:
    """(section, start, end) of each bullet item or paragraph, continuation lines joined."""
    section, start, end, pos = INCLUSION, None, None, 0
    for line in text.splitlines(keepends=True):
        line_start, pos = pos, pos + len(line)
        content = line.rstrip("\r\n")
        heading = _heading_section(content)
        bullet = _BULLET.match(content)
        if not content.strip() or heading is not None or bullet:
            if start is not None:
                yield section, start, end
            start = None
            if heading is not None:
                section = heading
                continue
            if not content.strip():
                continue
        if start is None:
            offset = bullet.end() if bullet else len(content) - len(content.lstrip())
            start = line_start + offset
        end = line_start + len(content.rstrip())
    if start is not None:
        yield section, start, end


def split_sentences(text: str) -> list[Sentence]:
    sentences = []
    for section, start, end in _items(text or ""):
        chunk, cursor = text[start:end], 0
        for piece in [*_SENTENCE_BREAK.finditer(chunk), None]:
            stop = piece.start() if piece else len(chunk)
            raw = chunk[cursor:stop]
            lead = len(raw) - len(raw.lstrip())
            raw = raw.strip()
            if raw and re.search(r"[A-Za-z0-9]", raw):
                s = start + cursor + lead
                sentences.append(Sentence(section, s, s + len(raw), normalise(raw)))
            if piece:
                cursor = piece.end()
    return sentences


# --- Rules: each returns [(kind, operator, value)] for one sentence ------------------------------------


def _negated(text: str) -> bool:
    return bool(re.search(r"\b(?:no|not|without|absence of|never)\b", text, re.IGNORECASE))


STRICT_COMPARATORS = {
    "<",
    ">",
    "less than",
    "lower than",
    "greater than",
    "more than",
    "higher than",
}


def ecog_rule(s: Sentence) -> Found:
    t = s.text
    m = V.ECOG_RE.search(t)
    if not m or re.search(r"karnofsky|lansky", t[max(0, m.start() - 25) : m.start()], re.I):
        return []
    window = t[m.end() : m.end() + 90]
    stop = V.ECOG_STOP_RE.search(window)
    window = window[: stop.start()] if stop else window
    rng = re.search(
        r"(?<![\d.])([0-4])(?:\s*,\s*[0-4])*\s*,?\s*(?:-|–|~|to|or|and)\s*([0-4])(?![\d%]|\.\d)",
        window,
    )
    one = re.search(rf"({V.CMP_RE.pattern})\s*(?:than\s*)?([0-4])(?![\d%]|\.\d)", window, re.I)
    if rng and (not one or rng.start() <= one.start()):
        lo, hi = int(rng.group(1)), int(rng.group(2))
        if s.section == EXCLUSION:
            return [("ecog", "range", {"min": 0, "max": lo - 1})] if hi == 4 and lo > 0 else []
        return [("ecog", "range", {"min": lo, "max": hi})]
    if one:
        # ECOG is an integer scale: "< 2" is at most 1; an excluded "≥ 2" leaves at most 1.
        written = V.comparator_direction(one.group(1)) or "max"
        n = int(one.group(2))
        if one.group(1).strip().lower() in STRICT_COMPARATORS:
            n = n - 1 if written == "max" else n + 1
        if s.section == EXCLUSION:
            written, n = ("max", n - 1) if written == "min" else ("min", n + 1)
        if written == "max":
            return [("ecog", "range", {"min": 0, "max": n})] if n >= 0 else []
        return [("ecog", "range", {"min": n, "max": None})]
    alone = re.match(r"\W*(?:of\s*)?([0-4])\b(?![\d%]|\.\d)", window)
    if alone and s.section == INCLUSION:
        n = int(alone.group(1))
        return [("ecog", "range", {"min": n, "max": n})]
    return []


def sex_rule(s: Sentence) -> Found:
    t = s.text
    if s.section != INCLUSION or V.SEX_SKIP_RE.search(t):
        return []
    for regex, sex in ((V.SEX_MALE_RE, "male"), (V.SEX_FEMALE_RE, "female")):
        m = regex.match(t)
        if m and V.SEX_POPULATION_RE.search(t[m.end() : m.end() + 40]):
            return [("sex", "eq", {"sex": sex})]
    return []


def pregnancy_rule(s: Sentence) -> Found:
    return [("pregnancy", "excluded", {})] if V.PREGNANCY_RE.search(s.text) else []


def measurable_rule(s: Sentence) -> Found:
    t = s.text
    if s.section == INCLUSION and V.MEASURABLE_RE.search(t) and not V.NON_MEASURABLE_RE.search(t):
        return [("measurable_disease", "required", {})]
    return []


def brain_rule(s: Sentence) -> Found:
    t = s.text
    if not V.BRAIN_METS_RE.search(t) or V.BRAIN_SKIP_RE.search(t):
        return []
    if V.BRAIN_TREATED_RE.search(t):
        return [("brain_metastases", "allowed_if_treated", {})]
    if s.section == INCLUSION and V.ALLOWED_RE.search(t):
        return [("brain_metastases", "allowed", {})]
    if s.section == EXCLUSION or _negated(t):
        return [("brain_metastases", "excluded", {})]
    return []


def autoimmune_rule(s: Sentence) -> Found:
    t = s.text
    if V.AUTOIMMUNE_RE.search(t) and (s.section == EXCLUSION or _negated(t)):
        return [("autoimmune_disease", "excluded", {})]
    return []


def steroid_rule(s: Sentence) -> Found:
    t = s.text
    if not V.STEROID_RE.search(t):
        return []
    dose = V.STEROID_DOSE_RE.search(t)
    if dose and re.search(r"prednis|equivalent", t, re.I):
        return [("steroids", "max", {"mg_prednisone_per_day": parse_number(dose.group(1))})]
    if V.STEROID_SKIP_RE.search(t) or not V.STEROID_USE_RE.search(t):
        return []
    if s.section == EXCLUSION or _negated(t):
        return [("steroids", "max", {"mg_prednisone_per_day": 0})]
    return []


def virus_rule(s: Sentence) -> Found:
    t = s.text
    if re.search(r"test(?:ing)? is not required", t, re.I) or V.VIRUS_SKIP_RE.search(t):
        return []
    found = []
    hits = {
        "hiv": V.HIV_RE.search(t),
        "hbv": V.HBV_RE.search(t),
        "hcv": V.HCV_RE.search(t) or V.HBV_OR_C_RE.search(t),
    }
    for kind, hit in hits.items():
        if not hit:
            continue
        if V.VIRUS_CONTROLLED_RE.search(t):
            found.append((kind, "allowed_if_controlled", {}))
        elif s.section == EXCLUSION or (
            V.VIRUS_NEGATION_BEFORE_RE.search(t[: hit.start()])
            or V.VIRUS_NEGATIVE_AFTER_RE.search(t[hit.end() :])
        ):
            found.append((kind, "excluded", {}))
    return found


def biomarker_rule(s: Sentence) -> Found:
    t = s.text
    found = []
    for kind, regex in V.BIOMARKERS.items():
        m = regex.search(t)
        if not m or V.BIOMARKER_SKIP_RE.search(t):
            continue
        negative = bool(V.NEGATION_BEFORE_RE.search(t[max(0, m.start() - 45) : m.start()]))
        if kind == "her2":
            tail = t[m.start() : m.end() + 20]
            if V.HER2_NEGATIVE_RE.match(tail):
                negative = not negative
            elif not V.HER2_POSITIVE_RE.match(tail) and not negative:
                continue
        if V.INELIGIBLE_RE.search(t):
            negative = not negative
        if s.section == EXCLUSION:
            negative = not negative
        found.append((kind, "excluded" if negative else "required", {}))
    found += _threshold_biomarkers(s)
    return found


def _threshold_biomarkers(s: Sentence) -> Found:
    t = s.text
    found = []
    for regex, kinds in ((V.PDL1_RE, ("pd_l1_cps", "pd_l1_tps")), (V.TMB_RE, ("tmb", "tmb"))):
        m = regex.search(t)
        if not m:
            continue
        window = t[m.end() : m.end() + 80]
        v = re.search(rf"({V.CMP_RE.pattern})\s*({V.NUMBER})\s*(%|mut)?", window, re.I)
        if not v:
            continue
        direction = flip(V.comparator_direction(v.group(1)) or "min", s.section)
        if direction != "min":
            continue
        kind = kinds[0] if V.CPS_RE.search(t) else kinds[1]
        found.append((kind, "min", {"value": parse_number(v.group(2))}))
    return found


def prior_lines_rule(s: Sentence) -> Found:
    if not V.LINE_COUNT_NOUN_RE.search(s.text):
        return []
    lo = hi = None
    for m in V.LINE_COUNT_RE.finditer(s.text):
        n, cmp = word_number(m.group("n")), (m.group("cmp") or "").lower().strip()
        adj, noun = m.group("adj").lower(), m.group("noun").lower()
        if not re.search(r"lines?|regimens?|prior|previous|systemic", adj + noun):
            continue
        exclusion = s.section == EXCLUSION
        if cmp in ("at least", "a minimum of", "≥", ">="):
            lo, hi = (lo, n - 1) if exclusion else (n, hi)
        elif cmp in ("more than", ">"):
            lo, hi = (lo, n) if exclusion else (n + 1, hi)
        elif cmp in (
            "no more than",
            "not more than",
            "up to",
            "a maximum of",
            "at most",
            "≤",
            "<=",
        ):
            if exclusion:
                continue
            hi = n
        elif cmp == "<":
            hi = n - 1
        elif not exclusion and (cmp in ("a total of", "exactly", "only") or "prior" in adj):
            lo, hi = n, n
    if lo is None and hi is None:
        return []
    return [("prior_lines", "range", {"min": lo, "max": hi})]


def setting_rule(s: Sentence) -> Found:
    t = s.text
    if s.section != INCLUSION:
        return []
    settings = set()
    failure = V.FAILURE_RE.search(t) and V.THERAPY_RE.search(t) and not V.FAILURE_SKIP_RE.search(t)
    if failure:
        settings.add("later_line")
    for regex, name in ((V.ADJUVANT_RE, "adjuvant"), (V.NEOADJUVANT_RE, "neoadjuvant")):
        m = regex.search(t)
        if m and not V.SETTING_PAST_RE.search(t[: m.start()]):
            settings.add(name)
    if not failure and V.FIRST_LINE_RE.search(t) and V.ADVANCED_RE.search(t):
        settings.add("first_line_metastatic")
    return [("setting", "in", {"settings": sorted(settings)})] if settings else []


def immunotherapy_rule(s: Sentence) -> Found:
    t = s.text
    if V.IMMUNO_SKIP_RE.search(t) or not V.PRIOR_CUE_RE.search(t):
        return []
    classes = [str(code) for code, regex in V.IMMUNOTHERAPY_CLASSES if regex.search(t)]
    if V.ADOPTIVE_CELL_RE.search(t):
        classes += [str(c) for c in V.ADOPTIVE_CELL_CLASSES]
    if not classes and V.CHECKPOINT_RE.search(t):
        classes = [str(c) for c in V.CHECKPOINT_CLASSES]
    if not classes and not V.GENERIC_IMMUNOTHERAPY_RE.search(t):
        return []
    if V.ALLOWED_RE.search(t):
        operator = "allowed"
    elif s.section == EXCLUSION or re.search(
        r"\bno (?:prior|previous)|\bnot (?:have )?received|"
        r"na[iï]ve|without prior",
        t,
        re.I,
    ):
        operator = "excluded"
    else:
        operator = "required"
    return [("prior_immunotherapy", operator, {"classes": sorted(set(classes))})]


_CANCER_PARENT = {slug: parent for slug, parent, _ in V.CANCER_TYPES}


def cancer_types_in(text: str) -> list[str]:
    """Slugs of the cancer types named in a text, broader types dropped when a narrower one is there."""
    found = {slug for slug, _, regex in V.CANCER_TYPES if regex.search(text)}
    broader = set()
    for slug in found:
        parent = _CANCER_PARENT.get(slug)
        while parent:
            broader.add(parent)
            parent = _CANCER_PARENT.get(parent)
    return sorted(found - broader)


def cancer_type_rule(s: Sentence) -> Found:
    if s.section != INCLUSION or V.CANCER_SKIP_RE.search(s.text):
        return []
    slugs = cancer_types_in(s.text)
    return [("cancer_type", "in", {"cancer_types": slugs})] if slugs else []


RULES: list[Callable[[Sentence], Found]] = [
    age_rule,
    sex_rule,
    ecog_rule,
    cancer_type_rule,
    setting_rule,
    prior_lines_rule,
    immunotherapy_rule,
    brain_rule,
    autoimmune_rule,
    steroid_rule,
    virus_rule,
    *lab_rules(),
    measurable_rule,
    biomarker_rule,
    pregnancy_rule,
]
ONCE_PER_TRIAL = {"cancer_type"}  # the first sentence naming the diagnosis


def extract(text: str) -> list[Proposal]:
    """Proposed criteria of an eligibility text, in text order, without duplicates."""
    proposals, seen, once = [], set(), set()
    for sentence in split_sentences(text):
        exact = text[sentence.start : sentence.end]
        for rule in RULES:
            for kind, operator, value in rule(sentence):
                if kind in ONCE_PER_TRIAL and kind in once:
                    continue
                p = Proposal(
                    sentence.section,
                    kind,
                    operator,
                    value,
                    exact,
                    sentence.start,
                    sentence.end,
                )
                key = p.key()
                if key in seen:
                    continue
                seen.add(key)
                once.add(kind)
                proposals.append(p)
    return proposals
