"""Fixtures of the collaborations tests: units and people (the builders of platforms and collections are
in tests.factories)."""

from __future__ import annotations

import pytest

from ion_portal.models import MEMBERS_GROUP, Person, Unit
from tests.factories import make_user


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
