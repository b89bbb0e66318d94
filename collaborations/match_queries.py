"""Matching glue: load platforms and collections from the database as profiles for the pure matching
engine (collaborations.matching) and ask it for matches; the pages, the API and the curators' suggested
pairs call these."""

from __future__ import annotations

from collaborations.compatibility import accepted_inputs, compatibility_table
from collaborations.matching import (
    MAX_SHOWN,
    CollectionProfile,
    Match,
    PlatformProfile,
    Vocabulary,
    rank,
    score_pair,
    score_platform,
)
from collaborations.models import (
    AccessCondition,
    CollaborationRequest,
    DataType,
    Platform,
    SampleCollection,
    SampleType,
    Technique,
    Timepoint,
)
from ion_portal.immunotherapy import ImmunotherapyClass
from ion_portal.models import CancerType


def matching_vocabulary() -> Vocabulary:
    """Load every term name and the compatibility table (seven small queries)."""
    v = Vocabulary()
    v.techniques = dict(Technique.objects.values_list("pk", "name"))
    v.sample_types = dict(SampleType.objects.values_list("pk", "name"))
    for pk, name, parent in CancerType.objects.values_list("pk", "name", "parent_id"):
        v.cancer_types[pk] = name
        v.cancer_parent[pk] = parent
    v.timepoints = dict(Timepoint.objects.values_list("pk", "name"))
    v.data_types = dict(DataType.objects.values_list("pk", "name"))
    v.access_conditions = dict(AccessCondition.objects.values_list("pk", "name"))
    v.therapy_classes = {code: str(label) for code, label in ImmunotherapyClass.choices}
    v.compatibility = compatibility_table()
    return v


def platform_profiles(platforms, vocabulary: Vocabulary) -> list[PlatformProfile]:
    """Profiles of platforms loaded with `with_relations()`."""
    credit_cache: dict[frozenset, dict] = {}
    profiles = []
    for p in platforms:
        techniques = tuple(sorted(t.pk for t in p.techniques.all()))
        # The one rule (collaborations.compatibility), shared with the platform filter.
        inputs = accepted_inputs(
            techniques, (s.pk for s in p.sample_types.all()), vocabulary.compatibility
        )
        focus = frozenset(c.pk for c in p.cancer_types.all())
        if focus not in credit_cache:
            credit_cache[focus] = vocabulary.cancer_credit_map(focus)
        profiles.append(
            PlatformProfile(
                pk=p.pk,
                name=p.name,
                unit_id=p.unit_id,
                obj=p,
                techniques=techniques,
                technique_inputs=inputs,
                cancer_focus=focus,
                cancer_credit=credit_cache[focus],
                timepoints=frozenset(t.pk for t in p.timepoints.all()),
                therapy_classes=frozenset(p.therapy_classes),
                data_types=frozenset(d.pk for d in p.data_types.all()),
                not_met=frozenset(a.pk for a in p.access_conditions_not_met.all()),
            )
        )
    return profiles


def collection_profiles(collections) -> list[CollectionProfile]:
    """Profiles of collections loaded with `with_relations()`."""
    return [
        CollectionProfile(
            pk=c.pk,
            name=c.name,
            unit_id=c.unit_id,
            obj=c,
            sample_types=frozenset(s.pk for s in c.sample_types.all()),
            cancer_types=frozenset(t.pk for t in c.cancer_types.all()),
            timepoints=frozenset(t.pk for t in c.timepoints.all()),
            therapy_classes=frozenset(c.therapy_classes),
            data_types=frozenset(d.pk for d in c.data_types.all()),
            access_conditions=frozenset(a.pk for a in c.access_conditions.all()),
        )
        for c in collections
    ]


def match_all(
    *, platforms: list[PlatformProfile], collections: list[CollectionProfile], vocabulary
) -> list[tuple]:
    """Score every platform x collection pair: rows (platform, collection, score, part values,
    excluded), excluded pairs included and marked; `rank` keeps and explains the shown ones."""
    found = []
    for platform in platforms:
        found.extend(score_platform(platform, collections, vocabulary))
    return found


def match_pair(*, platform: Platform, collection: SampleCollection) -> Match:
    """Score one platform and one collection (excluded pairs come back marked, with reasons)."""
    vocabulary = matching_vocabulary()
    platform = Platform.objects.with_relations().get(pk=platform.pk)
    collection = SampleCollection.objects.with_relations().get(pk=collection.pk)
    return score_pair(
        platform_profiles([platform], vocabulary)[0],
        collection_profiles([collection])[0],
        vocabulary,
    )


def matches_for_platform(*, platform: Platform, limit: int = MAX_SHOWN) -> list[Match]:
    """Published collections this platform could analyse, best first, with reasons."""
    vocabulary = matching_vocabulary()
    profile = platform_profiles([platform], vocabulary)[0]
    collections = collection_profiles(SampleCollection.objects.published().with_relations())
    return rank(score_platform(profile, collections, vocabulary), vocabulary)[:limit]


def matches_for_collection(*, collection: SampleCollection, limit: int = MAX_SHOWN) -> list[Match]:
    """Published platforms that could work with this collection's samples, best first."""
    vocabulary = matching_vocabulary()
    profile = collection_profiles([collection])[0]
    platforms = platform_profiles(Platform.objects.published().with_relations(), vocabulary)
    rows = [score_platform(p, [profile], vocabulary)[0] for p in platforms]
    return rank(rows, vocabulary)[:limit]


def _excluded(rows, vocabulary, key) -> list[Match]:
    kept = [row for row in rows if row[4]]
    kept.sort(key=key)
    return [Match(*row, vocabulary) for row in kept]


def exclusions_for_platform(*, platform: Platform) -> list[Match]:
    """Published collections this platform is never matched with, by name; `exclusion_reasons` say why."""
    vocabulary = matching_vocabulary()
    profile = platform_profiles([platform], vocabulary)[0]
    collections = collection_profiles(SampleCollection.objects.published().with_relations())
    rows = score_platform(profile, collections, vocabulary)
    return _excluded(rows, vocabulary, key=lambda row: (row[1].name, row[1].pk))


def exclusions_for_collection(*, collection: SampleCollection) -> list[Match]:
    """Published platforms ruled out for this collection, by name; `exclusion_reasons` say why."""
    vocabulary = matching_vocabulary()
    profile = collection_profiles([collection])[0]
    platforms = platform_profiles(Platform.objects.published().with_relations(), vocabulary)
    rows = [score_platform(p, [profile], vocabulary)[0] for p in platforms]
    return _excluded(rows, vocabulary, key=lambda row: (row[0].name, row[0].pk))


def units_in_contact() -> set[frozenset[int]]:
    """Pairs of units already linked by a collaboration request (any state but declined)."""
    pairs: set[frozenset[int]] = set()
    requests = (
        CollaborationRequest.objects.exclude(state=CollaborationRequest.State.DECLINED)
        .select_related("requester__person")
        .prefetch_related("items__platform", "items__collection")
    )
    for request in requests:
        units = {item.resource.unit_id for item in request.items.all()}
        person = getattr(request.requester, "person", None)
        if person is not None and person.unit_id:
            units.add(person.unit_id)
        for a in units:
            for b in units:
                if a != b:
                    pairs.add(frozenset((a, b)))
    return pairs


def suggested_pairs(*, limit: int = 25) -> list[Match]:
    """The best lab-clinic pairs whose units are not yet in contact, for curators."""
    vocabulary = matching_vocabulary()
    platforms = platform_profiles(Platform.objects.published().with_relations(), vocabulary)
    collections = collection_profiles(SampleCollection.objects.published().with_relations())
    contact = units_in_contact()
    ranked = rank(
        match_all(platforms=platforms, collections=collections, vocabulary=vocabulary), vocabulary
    )
    return [
        m
        for m in ranked
        if m.platform.unit_id != m.collection.unit_id
        and frozenset((m.platform.unit_id, m.collection.unit_id)) not in contact
    ][:limit]
