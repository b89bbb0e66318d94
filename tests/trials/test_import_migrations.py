"""Data migrations of the import work: the one-drug link becomes the first of `drugs`; earlier
recognised cancer-type links are recorded as recognised so a recognition run may correct them."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from ion_portal.models import CancerType
from trials.models import Drug, Intervention, Trial

pytestmark = pytest.mark.django_db

copy_links = importlib.import_module("trials.migrations.0008_copy_drug_links_and_recognised_types")


def test_the_old_drug_link_is_copied_and_linked_types_become_recognised():
    trial = Trial.objects.create(
        nct_id="NCT00000009", brief_title="Old row", overall_status="RECRUITING"
    )
    nivolumab = Drug.objects.get(name="nivolumab")
    old = Intervention.objects.create(trial=trial, type="DRUG", name="Nivolumab", drug=nivolumab)
    Intervention.objects.create(trial=trial, type="OTHER", name="Questionnaire")
    sclc = CancerType.objects.get(name="Small cell lung cancer")
    trial.cancer_types.add(sclc)

    copy_links.forwards(apps, None)
    copy_links.forwards(apps, None)  # idempotent

    assert list(old.drugs.all()) == [nivolumab]
    assert Intervention.drugs.through.objects.count() == 1
    trial.refresh_from_db()
    assert trial.recognised_cancer_types == [sclc.pk]
