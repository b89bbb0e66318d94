"""The matching engine: a transparent score in [0, 1] between a platform and a sample collection.

Every number that shapes a score lives in this module's constants, documented here once:

- ``WEIGHTS``: the weighted parts. Sample-type compatibility 0.40, cancer-type overlap 0.25,
  timepoints 0.15, therapy classes 0.10, data types 0.10 (they sum to 1).
- Sample types: for each of the platform's techniques, the best weight in the compatibility table
  among the collection's sample types the platform accepts (1.0 preferred, 0.5 possible, 0.25 with
  caveats); the part is the mean over the platform's techniques. Adding a sample type to a
  collection can only raise a technique's best weight, so it never lowers a score.
- Cancer types: the best credit between the collection's types and the platform's focus: the same
  type 1.0 (``CANCER_EXACT``), one type broader or narrower than the other (up the ``CancerType``
  hierarchy) 0.5 (``CANCER_RELATED``), both in the same top-level family 0.25 (``CANCER_FAMILY``).
- Timepoints, therapy classes and data types: the share of what the platform asks for that the
  collection offers, |asked ∩ offered| / |asked|.
- A platform that states no preference for a part (no cancer focus, no timepoint …) gets the
  neutral credit ``NEUTRAL`` = 0.5 for it, so a pair is never ranked up or down for what nobody said.
- Exclusions (the pair is never shown): the collection imposes an access condition the platform has
  declared it cannot meet, or none of the collection's sample types suits any of the platform's
  techniques.

The engine works on plain, pre-loaded profiles (no database access per pair), so all pairs of 200
platforms and 500 collections are scored well under a second (benchmarks/collaborations_matching.py).
The result is deterministic: ties are broken by name and then primary key.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

WEIGHTS: dict[str, float] = {
    "sample_types": 0.40,
    "cancer_types": 0.25,
    "timepoints": 0.15,
    "therapy_classes": 0.10,
    "data_types": 0.10,
}
PART_LABELS = {
    "sample_types": gettext_lazy("Sample types"),
    "cancer_types": gettext_lazy("Cancer types"),
    "timepoints": gettext_lazy("Timepoints"),
    "therapy_classes": gettext_lazy("Therapy classes"),
    "data_types": gettext_lazy("Data types"),
}
NEUTRAL = 0.5
CANCER_EXACT = 1.0
CANCER_RELATED = 0.5
CANCER_FAMILY = 0.25
# Labels: a score of at least STRONG is a strong match, at least POSSIBLE a possible one.
STRONG = 0.70
POSSIBLE = 0.45
# Pages list pairs scoring at least SHOW_THRESHOLD, at most MAX_SHOWN per resource.
SHOW_THRESHOLD = 0.30
MAX_SHOWN = 10

PART_ORDER = ("sample_types", "cancer_types", "timepoints", "therapy_classes", "data_types")
# Local names for the hot loop (a dict lookup per pair adds up over 100,000 pairs).
W_SAMPLE, W_CANCER, W_TIMEPOINT, W_THERAPY, W_DATA = (
    WEIGHTS[k]
    for k in ("sample_types", "cancer_types", "timepoints", "therapy_classes", "data_types")
)
assert abs(sum(WEIGHTS.values()) - 1.0) < 1e-9  # noqa: S101 - a broken edit must fail at import


@dataclass(slots=True)
class Vocabulary:
    """Names of every term and the compatibility table, loaded once per computation."""

    techniques: dict[int, str] = field(default_factory=dict)
    sample_types: dict[int, str] = field(default_factory=dict)
    cancer_types: dict[int, str] = field(default_factory=dict)
    cancer_parent: dict[int, int | None] = field(default_factory=dict)
    timepoints: dict[int, str] = field(default_factory=dict)
    data_types: dict[int, str] = field(default_factory=dict)
    access_conditions: dict[int, str] = field(default_factory=dict)
    therapy_classes: dict[str, str] = field(default_factory=dict)
    # technique id -> {sample type id: weight}
    compatibility: dict[int, dict[int, float]] = field(default_factory=dict)

    def cancer_chain(self, pk: int) -> list[int]:
        """The type itself then its broader types, nearest first."""
        chain, node = [], pk
        while node is not None and node not in chain:
            chain.append(node)
            node = self.cancer_parent.get(node)
        return chain

    def cancer_credit_map(self, focus: frozenset[int]) -> dict[int, tuple[float, int]]:
        """For every cancer type, the best credit against `focus` and the focus type giving it."""
        credit: dict[int, tuple[float, int]] = {}
        roots = {}
        for pk in self.cancer_parent:
            roots[pk] = self.cancer_chain(pk)[-1]
        for target in sorted(self.cancer_parent):
            best = (0.0, 0)
            target_chain = self.cancer_chain(target)
            for f in sorted(focus):
                if f == target:
                    value = CANCER_EXACT
                elif f in target_chain or target in self.cancer_chain(f):
                    value = CANCER_RELATED
                elif roots.get(f) == roots.get(target):
                    value = CANCER_FAMILY
                else:
                    value = 0.0
                if value > best[0]:
                    best = (value, f)
            if best[0]:
                credit[target] = best
        return credit


@dataclass(slots=True)
class PlatformProfile:
    pk: int
    name: str
    unit_id: int
    obj: object
    techniques: tuple[int, ...]
    # per technique (same order): {sample type id: weight}, restricted to accepted sample types
    technique_inputs: tuple[dict[int, float], ...]
    cancer_focus: frozenset[int]
    cancer_credit: dict[int, tuple[float, int]]
    timepoints: frozenset[int]
    therapy_classes: frozenset[str]
    data_types: frozenset[int]
    not_met: frozenset[int]
    # Bit masks of the sets above, derived once: the hot loop ANDs integers instead of sets.
    sample_levels: tuple[tuple[tuple[float, int], ...], ...] = field(init=False)
    cancer_levels: tuple[tuple[float, int], ...] = field(init=False)
    timepoint_mask: int = field(init=False)
    therapy_mask: int = field(init=False)
    data_mask: int = field(init=False)
    not_met_mask: int = field(init=False)

    def __post_init__(self):
        # Per technique, its accepted sample types grouped by weight, best weight first.
        self.sample_levels = tuple(
            tuple(
                (weight, mask(s for s, w in weights.items() if w == weight))
                for weight in sorted(set(weights.values()), reverse=True)
                if weight > 0
            )
            for weights in self.technique_inputs
        )
        credits = {value for value, _via in self.cancer_credit.values()}
        self.cancer_levels = tuple(
            (value, mask(c for c, (v, _via) in self.cancer_credit.items() if v == value))
            for value in sorted(credits, reverse=True)
        )
        self.timepoint_mask = mask(self.timepoints)
        self.therapy_mask = therapy_mask(self.therapy_classes)
        self.data_mask = mask(self.data_types)
        self.not_met_mask = mask(self.not_met)


@dataclass(slots=True)
class CollectionProfile:
    pk: int
    name: str
    unit_id: int
    obj: object
    sample_types: frozenset[int]
    cancer_types: frozenset[int]
    timepoints: frozenset[int]
    therapy_classes: frozenset[str]
    data_types: frozenset[int]
    access_conditions: frozenset[int]
    sample_mask: int = field(init=False)
    cancer_mask: int = field(init=False)
    timepoint_mask: int = field(init=False)
    therapy_mask: int = field(init=False)
    data_mask: int = field(init=False)
    access_mask: int = field(init=False)

    def __post_init__(self):
        self.sample_mask = mask(self.sample_types)
        self.cancer_mask = mask(self.cancer_types)
        self.timepoint_mask = mask(self.timepoints)
        self.therapy_mask = therapy_mask(self.therapy_classes)
        self.data_mask = mask(self.data_types)
        self.access_mask = mask(self.access_conditions)


def mask(ids) -> int:
    """A set of primary keys as an integer bit mask (bit n set for pk n)."""
    value = 0
    for pk in ids:
        value |= 1 << pk
    return value


def therapy_mask(codes) -> int:
    """Therapy-class codes as a bit mask, in the order of THERAPY_BITS (unknown codes get new bits)."""
    value = 0
    for code in codes:
        if code not in THERAPY_BITS:
            THERAPY_BITS[code] = len(THERAPY_BITS)
        value |= 1 << THERAPY_BITS[code]
    return value


THERAPY_BITS: dict[str, int] = {}


@dataclass(slots=True)
class Reason:
    """One part of a match explained: which part, its credit, and a sentence naming what matched."""

    part: str
    label: str
    credit: float
    weight: float
    text: str

    @property
    def percent(self) -> int:
        return round(self.credit * 100)


@dataclass(slots=True)
class Match:
    """A scored pair. `excluded` pairs carry the reason and are never shown."""

    platform: PlatformProfile
    collection: CollectionProfile
    score: float
    # The part credits in PART_ORDER (a tuple: cheaper than a dict for 100,000 pairs).
    values: tuple[float, ...]
    excluded: bool
    vocabulary: Vocabulary

    @property
    def parts(self) -> dict[str, float]:
        return dict(zip(PART_ORDER, self.values, strict=False))

    @property
    def percent(self) -> int:
        return round(self.score * 100)

    @property
    def level(self) -> str:
        if self.score >= STRONG:
            return "strong"
        return "possible" if self.score >= POSSIBLE else "weak"

    @property
    def level_label(self) -> str:
        return {
            "strong": _("Strong match"),
            "possible": _("Possible match"),
            "weak": _("Weak match"),
        }[self.level]

    @property
    def reasons(self) -> list[Reason]:
        if self.excluded:
            return []
        return explain(self.platform, self.collection, self.vocabulary, self.parts)

    @property
    def exclusion_reasons(self) -> list[str]:
        return exclusion_reasons(self.platform, self.collection, self.vocabulary)

    @property
    def summary(self) -> str:
        """The reasons as one plain-language paragraph."""
        if self.excluded:
            return " ".join(self.exclusion_reasons)
        return " ".join(reason.text for reason in self.reasons)


def _sample_part(platform: PlatformProfile, offered: frozenset[int]) -> float:
    inputs = platform.technique_inputs
    if not inputs:
        return 0.0
    total = 0.0
    for weights in inputs:
        best = 0.0
        for sample_type in offered:
            value = weights.get(sample_type, 0.0)
            if value > best:
                best = value
        total += best
    return total / len(inputs)


def score_pair(
    platform: PlatformProfile, collection: CollectionProfile, vocabulary: Vocabulary
) -> Match:
    """Score one pair (the same code path as score_platform, so the two never disagree)."""
    return Match(*score_platform(platform, [collection], vocabulary)[0], vocabulary)


def score_platform(
    platform: PlatformProfile, collections: list[CollectionProfile], vocabulary: Vocabulary
) -> list[Match]:
    """Score one platform against many collections: the engine's hot loop, kept flat on purpose
    (everything pre-computed per platform as bit masks; no set or dict built per pair)."""
    levels = platform.sample_levels
    n_inputs = len(levels)
    not_met = platform.not_met_mask
    cancer_levels = platform.cancer_levels
    focus = bool(platform.cancer_focus)
    tp, th, da = platform.timepoint_mask, platform.therapy_mask, platform.data_mask
    n_tp, n_th, n_da = tp.bit_count(), th.bit_count(), da.bit_count()
    found = []
    append = found.append
    for collection in collections:
        offered = collection.sample_mask
        total = 0.0
        for technique_levels in levels:
            for weight, accepted in technique_levels:
                if offered & accepted:
                    total += weight
                    break
        if total == 0.0 or not_met & collection.access_mask:
            # Excluded pairs are never shown, so their other parts are not worth computing.
            append((platform, collection, 0.0, (total / (n_inputs or 1),), True))
            continue
        sample = total / n_inputs
        if focus:
            cancer = 0.0
            cancers = collection.cancer_mask
            for value, types in cancer_levels:
                if cancers & types:
                    cancer = value
                    break
        else:
            cancer = NEUTRAL
        timepoints = (tp & collection.timepoint_mask).bit_count() / n_tp if n_tp else NEUTRAL
        therapy = (th & collection.therapy_mask).bit_count() / n_th if n_th else NEUTRAL
        data = (da & collection.data_mask).bit_count() / n_da if n_da else NEUTRAL
        score = round(
            W_SAMPLE * sample
            + W_CANCER * cancer
            + W_TIMEPOINT * timepoints
            + W_THERAPY * therapy
            + W_DATA * data,
            4,
        )
        append((platform, collection, score, (sample, cancer, timepoints, therapy, data), False))
    return found


def _names(ids, names: dict) -> str:
    return ", ".join(sorted(str(names.get(pk, pk)) for pk in ids))


def exclusion_reasons(
    platform: PlatformProfile, collection: CollectionProfile, vocabulary: Vocabulary
) -> list[str]:
    """Why a pair is excluded, in plain language (empty when it is not)."""
    found = []
    blocked = platform.not_met & collection.access_conditions
    if blocked:
        found.append(
            _(
                "Excluded: the collection requires “%(conditions)s”, which this platform cannot meet."
            )
            % {"conditions": _names(blocked, vocabulary.access_conditions)}
        )
    if _sample_part(platform, collection.sample_types) == 0.0:
        found.append(
            _("Excluded: none of the collection's sample types suits this platform's techniques.")
        )
    return found


def explain(
    platform: PlatformProfile,
    collection: CollectionProfile,
    vocabulary: Vocabulary,
    parts: dict[str, float],
) -> list[Reason]:
    """A sentence per part naming what matched and what did not."""
    v = vocabulary
    reasons = []

    # Sample types: which sample suits which technique, and which technique finds nothing.
    suited, unsuited = [], []
    for technique, weights in zip(platform.techniques, platform.technique_inputs, strict=True):
        usable = sorted(
            (s for s in collection.sample_types if s in weights),
            key=lambda s: (-weights[s], v.sample_types.get(s, "")),
        )
        if usable:
            suited.append(
                _("%(samples)s for %(technique)s")
                % {
                    "samples": _names(usable[:2], v.sample_types),
                    "technique": v.techniques.get(technique, technique),
                }
            )
        else:
            unsuited.append(str(v.techniques.get(technique, technique)))
    if suited:
        text = _("Sample types that fit: %(list)s.") % {"list": "; ".join(suited)}
    else:
        text = _("No sample type in this collection fits the platform's techniques.")
    if unsuited:
        text += " " + _("No suitable sample for: %(list)s.") % {"list": ", ".join(sorted(unsuited))}
    reasons.append(("sample_types", text))

    # Cancer types.
    if not platform.cancer_focus:
        text = _("The platform works across cancer types (neutral credit).")
    else:
        best = (0.0, 0, 0)
        for c in sorted(collection.cancer_types):
            found = platform.cancer_credit.get(c)
            if found and found[0] > best[0]:
                best = (found[0], c, found[1])
        credit, theirs, ours = best
        if credit == CANCER_EXACT:
            text = _("Both cover %(type)s.") % {"type": v.cancer_types.get(theirs)}
        elif credit == CANCER_RELATED:
            text = _(
                "The collection's %(theirs)s and the platform's focus %(ours)s are in the same "
                "branch of the cancer-type hierarchy (partial credit)."
            ) % {"theirs": v.cancer_types.get(theirs), "ours": v.cancer_types.get(ours)}
        elif credit == CANCER_FAMILY:
            text = _(
                "The collection's %(theirs)s and the platform's focus %(ours)s share a broader "
                "cancer family (small credit)."
            ) % {"theirs": v.cancer_types.get(theirs), "ours": v.cancer_types.get(ours)}
        else:
            text = _("No cancer-type overlap: the platform focuses on %(ours)s.") % {
                "ours": _names(platform.cancer_focus, v.cancer_types)
            }
    reasons.append(("cancer_types", text))

    # Timepoints, therapy classes, data types: what the platform asks for and what is offered.
    for part, asked, offered, names in (
        ("timepoints", platform.timepoints, collection.timepoints, v.timepoints),
        (
            "therapy_classes",
            platform.therapy_classes,
            collection.therapy_classes,
            v.therapy_classes,
        ),
        ("data_types", platform.data_types, collection.data_types, v.data_types),
    ):
        label = str(PART_LABELS[part]).lower()
        if not asked:
            text = _("The platform states no preference for %(part)s (neutral credit).") % {
                "part": label
            }
        else:
            matched, missing = asked & offered, asked - offered
            bits = []
            if matched:
                bits.append(
                    _("%(part)s that match: %(list)s.")
                    % {"part": PART_LABELS[part], "list": _names(matched, names)}
                )
            if missing:
                bits.append(_("Not available: %(list)s.") % {"list": _names(missing, names)})
            text = " ".join(bits)
        reasons.append((part, text))

    return [
        Reason(
            part=part,
            label=str(PART_LABELS[part]),
            credit=parts[part],
            weight=WEIGHTS[part],
            text=str(text),
        )
        for part, text in reasons
    ]


def rank(rows, vocabulary: Vocabulary) -> list[Match]:
    """Shown matches only (not excluded, above the threshold), best first, deterministic ties."""
    kept = [row for row in rows if not row[4] and row[2] >= SHOW_THRESHOLD]
    kept.sort(key=lambda row: (-row[2], row[0].name, row[1].name, row[0].pk, row[1].pk))
    return [Match(*row, vocabulary) for row in kept]
