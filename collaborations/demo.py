"""Demo data of the collaborations app, loaded by `manage.py seed_demo` (must be idempotent).

Fictitious but realistic platforms and collections of an immuno-oncology network, on the units created
by ion_portal/demo.py (which seed_demo loads first). Contacts are demo people. The rows themselves are in
collaborations/demo_content.py; this module writes them.
"""

from __future__ import annotations

from django.utils import timezone

from collaborations.demo_content import COLLECTIONS, CONTACTS, PLATFORMS
from collaborations.models import (
    AccessCondition,
    DataType,
    Platform,
    SampleCollection,
    SampleCount,
    SampleType,
    Technique,
    TechniqueSampleType,
    Timepoint,
)
from collaborations.services import collection_link_trials
from collaborations.vocabularies import seed_collaboration_vocabularies
from ion_portal.demo import demo_email
from ion_portal.models import CancerType, Person, Unit


def seed_vocabularies() -> None:
    """The data migration's terms again: live-server tests flush the database after each test."""
    seed_collaboration_vocabularies(
        Technique, SampleType, TechniqueSampleType, DataType, Timepoint, AccessCondition
    )


def _contacts() -> dict[str, Person]:
    people = {}
    for first, last, title, role, unit in CONTACTS:
        people[last], _ = Person.objects.update_or_create(
            first_name=first,
            last_name=last,
            defaults={
                "title": title,
                "role": role,
                "unit": Unit.objects.filter(slug=unit).first(),
                "is_demo": True,
                "email": demo_email(first, last),
            },
        )
    for person in Person.objects.filter(is_demo=True):
        people.setdefault(person.last_name, person)
    return people


def _terms(model, slugs):
    found = list(model.objects.filter(slug__in=slugs))
    missing = set(slugs) - {term.slug for term in found}
    if missing:
        raise ValueError(f"Unknown {model.__name__} slugs in demo data: {sorted(missing)}")
    return found


def load() -> dict[str, int]:
    """Create or update the demo rows; return counts by kind for the command's report."""
    seed_vocabularies()
    people = _contacts()
    now = timezone.now()
    for row in PLATFORMS:
        platform, _ = Platform.objects.update_or_create(
            slug=row["slug"],
            defaults={
                "name": row["name"],
                "unit": Unit.objects.get(slug=row["unit"]),
                "contact": people.get(row["contact"]),
                "summary": row["summary"],
                "description": row["description"],
                "therapy_classes": row["therapy"],
                "access_model": row["access_model"],
                "capacity": row["capacity"],
                "status": Platform.Status.PUBLISHED,
            },
        )
        if platform.published_at is None or platform.published_at > now:
            platform.published_at = now
            platform.save(update_fields=["published_at"])
        platform.techniques.set(_terms(Technique, row["techniques"]))
        platform.sample_types.set(_terms(SampleType, row["sample_types"]))
        platform.cancer_types.set(_terms(CancerType, row["cancer_types"]))
        platform.timepoints.set(_terms(Timepoint, row["timepoints"]))
        platform.data_types.set(_terms(DataType, row["data_types"]))
        platform.access_conditions_not_met.set(_terms(AccessCondition, row["not_met"]))
    for row in COLLECTIONS:
        collection, _ = SampleCollection.objects.update_or_create(
            slug=row["slug"],
            defaults={
                "name": row["name"],
                "acronym": row["acronym"],
                "unit": Unit.objects.get(slug=row["unit"]),
                "contact": people.get(row["contact"]),
                "summary": row["summary"],
                "description": row["description"],
                "setting": row["setting"],
                "donor_count": row["donors"],
                "therapy_classes": row["therapy"],
                # Demo values: adult donors of both sexes; the biobank's collections carry the
                # quality labels a curator would record after checking.
                "sexes": ["male", "female"],
                "age_low": 18,
                "quality_labels": ["iso-20387", "sprec"] if row["unit"] == "biobank" else [],
                "status": SampleCollection.Status.PUBLISHED,
            },
        )
        if collection.published_at is None or collection.published_at > now:
            collection.published_at = now
            collection.save(update_fields=["published_at"])
        collection.sample_types.set(_terms(SampleType, row["sample_types"]))
        collection.cancer_types.set(_terms(CancerType, row["cancer_types"]))
        collection.timepoints.set(_terms(Timepoint, row["timepoints"]))
        collection.data_types.set(_terms(DataType, row["data_types"]))
        collection.access_conditions.set(_terms(AccessCondition, row["access"]))
        # Demo sample counts: one sample of each type per donor.
        for sample_type in collection.sample_types.all():
            SampleCount.objects.update_or_create(
                collection=collection, sample_type=sample_type, defaults={"count": row["donors"]}
            )
        collection_link_trials(collection=collection, nct_ids=row["nct"])
    return {"platforms": len(PLATFORMS), "sample collections": len(COLLECTIONS)}
