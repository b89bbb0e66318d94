"""The one rule for "can this platform handle this sample type", used by the platform filter and the
matching alike (so the directory never contradicts the match lists).

A platform accepts, for each of its techniques, the sample types the curated technique x sample-type
compatibility table allows for that technique (with the table's weight). When the platform declares
accepted sample types, that declaration overrides the table's breadth: only the declared types the table
allows are accepted. A platform *handles* a sample type when at least one of its techniques accepts it.

Pure functions over plain ids; `compatibility_table()` and `platforms_handling()` read the database.
"""

from __future__ import annotations

from collections.abc import Iterable


def accepted_inputs(
    techniques: Iterable[int], declared: Iterable[int], compatibility: dict[int, dict[int, float]]
) -> tuple[dict[int, float], ...]:
    """Per technique (in the given order): {sample type id: weight} the platform accepts."""
    declared = set(declared)
    return tuple(
        {
            sample_type: weight
            for sample_type, weight in compatibility.get(technique, {}).items()
            if weight > 0 and (not declared or sample_type in declared)
        }
        for technique in techniques
    )


def handled_sample_types(
    techniques: Iterable[int], declared: Iterable[int], compatibility: dict[int, dict[int, float]]
) -> frozenset[int]:
    """Every sample type id at least one of the platform's techniques accepts."""
    handled: set[int] = set()
    for inputs in accepted_inputs(techniques, declared, compatibility):
        handled.update(inputs)
    return frozenset(handled)


def compatibility_table() -> dict[int, dict[int, float]]:
    """technique id -> {sample type id: weight}, from the curated table (one query)."""
    from collaborations.models import TechniqueSampleType  # models import this module

    table: dict[int, dict[int, float]] = {}
    for technique, sample_type, weight in TechniqueSampleType.objects.values_list(
        "technique_id", "sample_type_id", "weight"
    ):
        table.setdefault(technique, {})[sample_type] = weight
    return table


def platform_sample_types(platform_ids=None) -> dict[int, frozenset[int]]:
    """platform id -> the sample type ids it handles (three queries, whatever the number of platforms)."""
    from collaborations.models import Platform  # models import this module

    table = compatibility_table()
    techniques: dict[int, list[int]] = {}
    declared: dict[int, list[int]] = {}
    through_t = Platform.techniques.through.objects.all()
    through_s = Platform.sample_types.through.objects.all()
    if platform_ids is not None:
        through_t = through_t.filter(platform_id__in=platform_ids)
        through_s = through_s.filter(platform_id__in=platform_ids)
    for platform, technique in through_t.values_list("platform_id", "technique_id"):
        techniques.setdefault(platform, []).append(technique)
    for platform, sample_type in through_s.values_list("platform_id", "sampletype_id"):
        declared.setdefault(platform, []).append(sample_type)
    return {
        platform: handled_sample_types(sorted(ts), declared.get(platform, ()), table)
        for platform, ts in techniques.items()
    }


def platforms_handling(sample_type_ids: Iterable[int]) -> list[int]:
    """Ids of the platforms that handle at least one of the given sample types."""
    wanted = set(sample_type_ids)
    return sorted(pk for pk, handled in platform_sample_types().items() if handled & wanted)
