"""Fixtures of the collaborations tests: units, people, and helpers to build platforms and collections
from the seeded vocabularies (the data migration seeds them in the test database)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from collaborations.models import (
    AccessCondition,
    DataType,
    Platform,
    SampleCollection,
    SampleType,
    Technique,
    Timepoint,
)
from ion_portal.models import MEMBERS_GROUP, CancerType, Person, Unit
from tests.conftest import make_user


def terms(model, *slugs):
    found = list(model.objects.filter(slug__in=slugs))
    assert len(found) == len(slugs), f"unknown {model.__name__}: {slugs}"
    return found


@pytest.fixture
def lab(db) -> Unit:
    return Unit.objects.create(
        name="Flow Cytometry Core", slug="flow-core", kind=Unit.Kind.CORE, institution="University"
    )


@pytest.fixture
def clinic(db) -> Unit:
    return Unit.objects.create(
        name="Department of Dermatology",
        slug="derm",
        kind=Unit.Kind.CLINICAL,
        institution="University Hospital",
    )


@pytest.fixture
def lab_contact(lab) -> Person:
    return Person.objects.create(
        first_name="Lena",
        last_name="Labhead",
        unit=lab,
        email="lena.labhead@lab.example",
        phone="+32 9 111 22 33",
    )


@pytest.fixture
def clinic_contact(clinic) -> Person:
    return Person.objects.create(
        first_name="Carl",
        last_name="Clinician",
        unit=clinic,
        email="carl.clinician@hospital.example",
        phone="+32 9 444 55 66",
    )


@pytest.fixture
def provider(lab_contact):
    """A member who answers for the lab (its contact person has this account)."""
    user = make_user("lena.account@lab.example", groups=(MEMBERS_GROUP,))
    lab_contact.user = user
    lab_contact.save()
    return user


@pytest.fixture
def clinic_provider(clinic_contact):
    user = make_user("carl.account@hospital.example", groups=(MEMBERS_GROUP,))
    clinic_contact.user = user
    clinic_contact.save()
    return user


def make_platform(
    unit,
    *,
    slug="cytof",
    name="Mass cytometry",
    techniques=("mass-cytometry",),
    sample_types=(),
    cancer_types=(),
    timepoints=(),
    therapy_classes=(),
    data_types=(),
    not_met=(),
    contact=None,
    published=True,
    **extra,
) -> Platform:
    platform = Platform.objects.create(
        name=name,
        slug=slug,
        unit=unit,
        summary=f"{name} for immune monitoring.",
        access_model=extra.pop("access_model", Platform.AccessModel.COLLABORATION),
        therapy_classes=list(therapy_classes),
        contact=contact,
        status=Platform.Status.PUBLISHED if published else Platform.Status.DRAFT,
        **extra,
    )
    platform.techniques.set(terms(Technique, *techniques))
    platform.sample_types.set(terms(SampleType, *sample_types))
    platform.cancer_types.set(terms(CancerType, *cancer_types))
    platform.timepoints.set(terms(Timepoint, *timepoints))
    platform.data_types.set(terms(DataType, *data_types))
    platform.access_conditions_not_met.set(terms(AccessCondition, *not_met))
    return platform


def make_collection(
    unit,
    *,
    slug="mel-blood",
    name="Melanoma blood cohort",
    sample_types=("pbmc",),
    cancer_types=("melanoma",),
    timepoints=(),
    therapy_classes=(),
    data_types=(),
    access=(),
    donor_count=420,
    contact=None,
    published=True,
    published_at=None,
    **extra,
) -> SampleCollection:
    collection = SampleCollection.objects.create(
        name=name,
        slug=slug,
        unit=unit,
        summary=f"{name} of patients on immunotherapy.",
        donor_count=donor_count,
        size_band=extra.pop("size_band", 0),
        therapy_classes=list(therapy_classes),
        contact=contact,
        status=SampleCollection.Status.PUBLISHED if published else SampleCollection.Status.DRAFT,
        published_at=published_at or (timezone.now() if published else None),
        **extra,
    )
    collection.sample_types.set(terms(SampleType, *sample_types))
    collection.cancer_types.set(terms(CancerType, *cancer_types))
    collection.timepoints.set(terms(Timepoint, *timepoints))
    collection.data_types.set(terms(DataType, *data_types))
    collection.access_conditions.set(terms(AccessCondition, *access))
    return collection
