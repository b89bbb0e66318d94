"""Exact literal pre-filters for the extractor's patterns: most sentences name none of a pattern's words,
and a substring test of the lower-cased sentence (C speed) costs a fraction of a failed regex search,
which tries the pattern at every position.

`required_words(regex)` reads the pattern's syntax tree once and returns lower-case strings of which
every match of the pattern contains at least one (None when there are no such words of 3 characters or
more). `Guarded` wraps a compiled pattern: `search`, `match` and `finditer` return "no match" at once
when the lower-cased text holds none of the words, and ask the pattern otherwise, so results are those
of the pattern itself. The test is a necessary condition only:

- a literal letter matches itself in either case, and the lower-casing of ASCII letters is the same for
  `str.lower()` and the pattern (case-sensitive letters are tested lower-cased too: weaker, still exact);
- a non-ASCII literal ends a word (its case folding under IGNORECASE is not `str.lower()`'s), and a text
  holding a character that IGNORECASE folds onto an ASCII letter (İ ı ſ K) is always searched;
- lookarounds and anchors add nothing to a word, optional parts and repeats are only taken as far as
  they must match.
"""

from __future__ import annotations

import re

# The regex module's own parser (stdlib; private name, stable since 3.11): the syntax tree of a pattern.
from re import _constants as C
from re import _parser

FOLDS_TO_ASCII = frozenset("\u0130\u0131\u017f\u212a")  # İ ı ſ K (Kelvin sign)
MIN_WORD = 3  # shorter words reject too few sentences to pay for the test
MAX_WORDS = 64  # alternatives kept when joining parts (product of their alternatives)

_ZERO_WIDTH = (C.AT, C.ASSERT, C.ASSERT_NOT)
_REPEATS = (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT)


class _Info:
    """What a part of a pattern can match: `exact`, a set holding every string it can match (None:
    unknown), and `required`, words of which every match holds one (None: none known)."""

    __slots__ = ("exact", "required")

    def __init__(self, exact: set[str] | None, required: set[str] | None):
        self.exact, self.required = exact, required


def _better(a: set[str] | None, b: set[str] | None) -> set[str] | None:
    """The more selective of two word sets (the longer shortest word, then fewer words)."""
    if a is None or "" in a:
        return None if b is None or "" in b else b
    if b is None or "" in b:
        return a
    return a if (min(map(len, a)), -len(a)) >= (min(map(len, b)), -len(b)) else b


def _char(code: int) -> str | None:
    char = chr(code)
    return char.lower() if char.isascii() else None  # case-sensitive letters too (see above)


def _item(op, av) -> _Info:
    if op is C.LITERAL:
        char = _char(av)
        return _Info(None if char is None else {char}, None)
    if op is C.IN:
        chars = set()
        for kind, value in av:
            char = _char(value) if kind is C.LITERAL else None
            if char is None:
                return _Info(None, None)
            chars.add(char)
        return _Info(chars, None)
    if op in _ZERO_WIDTH:
        return _Info({""}, None)
    if op is C.SUBPATTERN:  # (group, flags added, flags removed, content): flags change nothing
        return _sequence(av[3])
    if op is C.ATOMIC_GROUP:
        return _sequence(av)
    if op is C.BRANCH:
        infos = [_sequence(alt) for alt in av[1]]
        exact = None
        if all(i.exact is not None for i in infos):
            exact = set().union(*(i.exact for i in infos))
        required: set[str] | None = set()
        for i in infos:
            words = _better(i.required, i.exact)
            if words is None:
                required = None
                break
            required |= words
        return _Info(exact if exact is None or len(exact) <= MAX_WORDS else None, required)
    if op in _REPEATS:
        low, high, sub = av
        inner = _sequence(sub)
        if low == high == 1:
            return inner
        if low == 0 and high == 1:
            return _Info(None if inner.exact is None else inner.exact | {""}, None)
        if low >= 1:
            return _Info(None, _better(inner.required, inner.exact))
        return _Info(None, None)
    return _Info(None, None)  # NOT_LITERAL, ANY, GROUPREF, ...: any character


def _sequence(items) -> _Info:
    best: set[str] | None = None
    run: set[str] | None = {""}  # the product of the consecutive exact parts so far
    whole = True  # every part exact
    for op, av in items:
        info = _item(op, av)
        best = _better(best, info.required)
        if info.exact is not None:
            joined = {a + b for a in run for b in info.exact}
            if len(joined) > MAX_WORDS:
                best, whole, joined = _better(best, run), False, set(info.exact)
            run = joined
            continue
        best, run, whole = _better(best, run), {""}, False
    best = _better(best, run)
    return _Info(run if whole else None, best)


def required_words(regex: re.Pattern) -> tuple[str, ...] | None:
    """Lower-case words of which every match of `regex` holds one, or None (see the module docstring)."""
    tree = _parser.parse(regex.pattern, regex.flags)
    words = _sequence(tree).required
    if not words or min(map(len, words)) < MIN_WORD:
        return None
    # A word containing another is implied by it: test the shorter only.
    kept = sorted(words, key=len)
    return tuple(w for i, w in enumerate(kept) if not any(k in w for k in kept[:i]))


# The last text tested and its lower-case (None: a text to search as it is), kept by identity: the
# extractor's rules test one sentence's text against many patterns in a row. One tuple, replaced whole.
_LAST: list[tuple[str, str | None]] = [("", "")]


def _lowered(text: str) -> str | None:
    last = _LAST[0]
    if last[0] is text:
        return last[1]
    lower = None if not text.isascii() and not FOLDS_TO_ASCII.isdisjoint(text) else text.lower()
    _LAST[0] = (text, lower)
    return lower


def may_hold(words: tuple[str, ...] | None, text: str) -> bool:
    """False only when no match of the pattern whose `required_words` these are can be in text."""
    if words is None:
        return True
    lower = _lowered(text)
    if lower is None:
        return True
    for word in words:  # noqa: SIM110 (a loop: any() over a generator costs more per call)
        if word in lower:
            return True
    return False


class Guarded:
    """A compiled pattern behind its literal pre-filter; other attributes are the pattern's own."""

    __slots__ = ("pattern", "regex", "words")

    def __init__(self, regex: re.Pattern):
        self.regex, self.pattern, self.words = regex, regex.pattern, required_words(regex)

    def search(self, text: str):
        return self.regex.search(text) if may_hold(self.words, text) else None

    def match(self, text: str):
        return self.regex.match(text) if may_hold(self.words, text) else None

    def finditer(self, text: str):
        return self.regex.finditer(text) if may_hold(self.words, text) else iter(())

    def __getattr__(self, name: str):
        return getattr(self.regex, name)

    def __repr__(self) -> str:
        return f"Guarded({self.regex!r}, words={self.words!r})"


def guarded(regex: re.Pattern) -> Guarded | re.Pattern:
    """The pattern behind its pre-filter, or the pattern itself when it has no required words."""
    return Guarded(regex) if required_words(regex) is not None else regex
