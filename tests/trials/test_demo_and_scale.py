"""Demo data (seed_demo's trials part) and the synthetic data generator."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from ion_portal import demo as core_demo
from trials import demo
from trials.models import Trial, TrialSite


@pytest.mark.django_db
def test_demo_loads_a_dozen_real_trials_placed_at_network_sites_and_is_idempotent():
    core_demo.load()
    demo.load()
    first = (Trial.objects.published().count(), TrialSite.objects.count())
    history = Trial.history.count()

    demo.load()

    assert first[0] >= 12
    assert first[1] >= 5
    assert (Trial.objects.published().count(), TrialSite.objects.count()) == first
    assert Trial.history.count() == history  # a second run changes nothing
    assert TrialSite.objects.filter(referral_contact__isnull=False).exists()


@pytest.mark.django_db
def test_seed_synthetic_makes_published_searchable_trials_shaped_like_real_ones(client):
    call_command("seed_synthetic", trials=60, stdout=None)

    trials = Trial.objects.filter(source=Trial.Source.SYNTHETIC)
    assert trials.count() == 60
    assert trials.published().count() == 60
    assert len({t.overall_status for t in trials}) > 3
    assert all(t.interventions.exists() and t.cancer_types.exists() for t in trials)
    assert all(t.nct_id.startswith("NCT9") for t in trials)
    assert client.get("/trials/", {"q": "nivolumab", "status": "all"}).status_code == 200
