"""Search normalisation per language: folding, stop words and light English and Dutch stemmers.

English gets British→American spelling and an English stemmer; Dutch its own stemmer (plurals,
diminutives, -heid, -ing). No English rule ever touches Dutch: "moe" (tired) stays "moe".
"""

from __future__ import annotations

import functools
import re
import unicodedata

LANGUAGES = ("en", "nl")


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOP_WORDS = {
    "en": _word_set(
        """a an and the of in on at to for from with without or my me i im ive is am are was were be been
        being have has had having got get gets getting it its this that these those he she his her they
        their them we our you your very really quite bit little some since after before when now today
        yesterday also too so just like feel feels feeling felt keep keeps kind sort of about all over
        there here can cant cannot could do does did dont no any started start starting suddenly
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
