"""The literal pre-filters of the criteria extractor (trials/criteria/guards.py): the words read from a
pattern, and a guarded pattern finding exactly what the pattern finds, on every sentence of the real
eligibility texts and on the same sentences upper-cased (tests/trials/test_criteria_golden.py proves
the extractor's output unchanged as a whole)."""

from __future__ import annotations

import re

import pytest

from tests.trials.test_criteria_golden import _texts
from trials.criteria import vocab as V
from trials.criteria.extract import split_sentences
from trials.criteria.guards import Guarded, guarded, required_words


@pytest.mark.parametrize(
    ("pattern", "flags", "words"),
    [
        (
            r"(?:cortico)?steroid|prednis(?:on|olon)e",
            re.I,
            {"steroid", "prednisone", "prednisolone"},
        ),
        (r"\bHER-?2(?:/neu)?\b|\bERBB2\b", re.I, {"her2", "her-2", "erbb2"}),
        (r"(?<!carcino)sarcoma(?!toid)", re.I, {"sarcoma"}),  # lookarounds add nothing
        (r"\bALL\b|(?i:leuka?emia)", 0, {"all", "leukemia", "leukaemia"}),  # cased: lower-cased too
        (r"a+bcd", 0, {"bcd"}),  # a repeat is only what it must match
        (r"x{2,}yz|abc", 0, None),  # "yz": too short to pay
        (
            r"cort[iï]costeroid|naive",
            re.I,
            {"costeroid", "naive"},
        ),  # a non-ASCII letter ends a word
        (r"(?:prior|previous) therap", re.I, {"prior therap", "previous therap"}),
        (r"[A-Z]+\d", 0, None),
    ],
)
def test_required_words(pattern, flags, words):
    found = required_words(re.compile(pattern, flags))
    assert (set(found) if found is not None else None) == words


def test_a_pattern_without_words_is_not_wrapped():
    regex = re.compile(r"\d+\s*mg")
    assert guarded(regex) is regex


def test_characters_that_fold_onto_ascii_letters_are_searched():
    # IGNORECASE matches "ſ" (long s) with "s" and the Kelvin sign with "k": str.lower() does not.
    assert Guarded(re.compile("steroid", re.I)).search("ſteroid") is not None
    assert Guarded(re.compile("kinase", re.I)).search("\u212ainase") is not None
    assert Guarded(re.compile("steroid", re.I)).search("no such word") is None


def _patterns():
    out = {name: value for name, value in vars(V).items() if isinstance(value, Guarded)}
    out |= {f"cancer {slug}": regex for slug, _p, regex in V.CANCER_TYPES}
    out |= {f"biomarker {kind}": regex for kind, regex in V.BIOMARKERS.items()}
    out |= {f"lab {kind}": regex for kind, regex in V.LABS.items()}
    out |= {f"class {code}": regex for code, regex in V.IMMUNOTHERAPY_CLASSES}
    return {name: regex for name, regex in out.items() if isinstance(regex, Guarded)}


def test_guarded_patterns_find_what_the_patterns_find():
    patterns = _patterns()
    assert len(patterns) >= 90  # most of the vocabulary is guarded
    sentences = [s.text for text in _texts().values() for s in split_sentences(text)]
    sentences += [s.upper() for s in sentences]
    for name, guard in patterns.items():
        for text in sentences:
            expected = [m.span() for m in guard.regex.finditer(text)]
            assert [m.span() for m in guard.finditer(text)] == expected, (name, text)
            found = guard.search(text)
            assert (found.span() if found else None) == (expected[0] if expected else None)
            match, plain = guard.match(text), guard.regex.match(text)
            assert (match.span() if match else None) == (plain.span() if plain else None)
