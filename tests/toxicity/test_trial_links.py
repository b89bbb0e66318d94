"""A trial's immunotherapy classes link to the guideline pages a referring clinician should know."""

import pytest

from tests.factories import make_trial

pytestmark = pytest.mark.django_db


def test_anti_ctla4_trial_links_to_colitis_with_its_higher_risk(client, guidelines):
    trial = make_trial("NCT00000011", immunotherapy_classes=["anti-ctla-4", "anti-pd-1"])
    colitis = guidelines.get(slug__contains="colitis")

    html = client.get(trial.get_absolute_url()).content.decode()

    assert "Side effects to watch for" in html
    assert f'href="{colitis.get_absolute_url()}"' in html
    assert colitis.higher_risk_note in html


def test_car_t_trial_links_to_crs_and_icans(client, guidelines):
    trial = make_trial("NCT00000012", immunotherapy_classes=["car-t"])
    html = client.get(trial.get_absolute_url()).content.decode()
    for toxicity in guidelines.filter(therapy_families__contains="|cell-therapy|"):
        assert f'href="{toxicity.get_absolute_url()}"' in html


def test_unpublished_guideline_is_not_linked(client, guidelines):
    colitis = guidelines.get(slug__contains="colitis")
    colitis.status = colitis.Status.DRAFT
    colitis.save()
    trial = make_trial("NCT00000013", immunotherapy_classes=["anti-ctla-4"])
    assert colitis.get_absolute_url() not in client.get(trial.get_absolute_url()).content.decode()


def test_trial_without_immunotherapy_class_links_nothing(
    client, guidelines, django_assert_num_queries
):
    trial = make_trial("NCT00000014")
    # The trial page's own queries (trial, cancer types, interventions, sites, locations, change
    # history: see tests/trials/test_pages.py); no guideline query without a class.
    with django_assert_num_queries(6):
        html = client.get(trial.get_absolute_url()).content.decode()
    assert "Side effects to watch for" not in html
