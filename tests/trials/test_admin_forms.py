"""The trial admin: an imported trial's registry fields are read-only and say so, the curated fields are
editable; a trial entered by hand edits its lists one per line and its phases as checkboxes; the list's
columns and its query count; the form in Dutch under /nl/."""

from __future__ import annotations

import pytest

from tests.admin_helpers import admin_form_data
from tests.factories import make_trial
from trials.models import Trial
from trials.services import import_paths

from .conftest import CTGOV_DIR

pytestmark = pytest.mark.django_db

IMPORTED = "NCT04267848"


@pytest.fixture
def imported_trial(db):
    import_paths(paths=[CTGOV_DIR / f"{IMPORTED}.json"], publish=True)
    return Trial.objects.get(nct_id=IMPORTED)


def change_url(trial: Trial, language: str = "") -> str:
    prefix = f"/{language}" if language else ""
    return f"{prefix}/admin/trials/trial/{trial.pk}/change/"


def test_imported_trial_shows_registry_fields_read_only_and_says_so(imported_trial, curator_client):
    page = curator_client.get(change_url(imported_trial)).content.decode()
    assert "From ClinicalTrials.gov: imported, not editable" in page
    assert "these fields cannot be edited here" in page
    for registry_field in ["brief_title", "overall_status", "conditions", "phases", "nct_id"]:
        assert f'name="{registry_field}"' not in page, registry_field
    # Lists read as text, not JSON.
    assert imported_trial.conditions[0] in page
    assert "[&quot;" not in page.split('id="content-main"')[1].split("<script")[0]
    # The curated fields are inputs.
    for curated in ["therapy_classes", "line_of_therapy", "local_notes", "cancer_types", "status"]:
        assert f'name="{curated}"' in page, curated


def test_curator_saves_curated_fields_of_an_imported_trial_and_registry_fields_stay(
    imported_trial, curator_client
):
    url = change_url(imported_trial)
    data = admin_form_data(curator_client.get(url))
    title = imported_trial.brief_title
    data.update(
        {
            "therapy_classes": ["anti-pd-1", "anti-lag-3"],
            "line_of_therapy": "",
            "local_notes": "Ask the study nurse about the screening slots.",
            "brief_title": "Changed behind the form's back",
        }
    )
    response = curator_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    imported_trial.refresh_from_db()
    assert imported_trial.immunotherapy_classes == "|anti-pd-1|anti-lag-3|"
    assert imported_trial.classes_overridden
    assert imported_trial.local_notes == "Ask the study nurse about the screening slots."
    assert imported_trial.brief_title == title  # read-only: a posted value is ignored


def test_hand_entered_trial_edits_lists_one_per_line_and_phases_as_checkboxes(curator_client):
    trial = make_trial(
        "NCT09999998",
        source=Trial.Source.MANUAL,
        conditions=["Melanoma"],
        phases=["PHASE2"],
        collaborators=[{"name": "UZ Gent", "class": "OTHER"}],
    )
    url = change_url(trial)
    page = curator_client.get(url).content.decode()
    assert "Registry record (entered by hand)" in page
    assert 'name="conditions"' in page
    assert 'name="phases" value="PHASE2"' in page
    assert "UZ Gent (OTHER)" in page  # shown as text, not as JSON to edit
    data = admin_form_data(curator_client.get(url))
    data.update({"conditions": "Melanoma\n\n Uveal melanoma \n", "phases": ["PHASE2", "PHASE3"]})
    response = curator_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    trial.refresh_from_db()
    assert trial.conditions == ["Melanoma", "Uveal melanoma"]
    assert trial.phases == "|PHASE2|PHASE3|"
    assert trial.collaborators == [{"name": "UZ Gent", "class": "OTHER"}]


def test_a_condition_line_too_long_is_refused_and_kept(curator_client):
    trial = make_trial("NCT09999997", source=Trial.Source.MANUAL)
    url = change_url(trial)
    data = admin_form_data(curator_client.get(url))
    typed = "Melanoma\n" + "x" * 301
    response = curator_client.post(url, {**data, "conditions": typed})
    assert response.status_code == 200
    page = response.content.decode()
    assert "at most 300 characters" in page
    assert "x" * 301 in page


def test_trial_list_shows_useful_columns_with_a_fixed_number_of_queries(
    imported_trial, curator_client, django_assert_max_num_queries
):
    make_trial("NCT09999996", scope_reason="no immunotherapy intervention recognised")
    with django_assert_max_num_queries(20):
        page = curator_client.get("/admin/trials/trial/").content.decode()
    for column in ["NCT ID", "Title", "Overall status", "Network sites", "Outside scope because"]:
        assert column in page, column
    assert "no immunotherapy intervention recognised" in page
    for nct in ["NCT09999995", "NCT09999994", "NCT09999993"]:
        make_trial(nct)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        curator_client.get("/admin/trials/trial/")
    for nct in ["NCT09999992", "NCT09999991", "NCT09999990"]:
        make_trial(nct)
    with CaptureQueriesContext(connection) as more:
        curator_client.get("/admin/trials/trial/")
    assert len(more) == len(few)  # no query per row


def test_trial_admin_is_in_dutch_under_nl(imported_trial, curator_client):
    page = curator_client.get(change_url(imported_trial, "nl")).content.decode()
    for dutch in [
        "Van ClinicalTrials.gov: geïmporteerd, niet te wijzigen",
        "Publicatie (door curatoren)",
        "Lokale curatie",
        "Immunotherapieklassen",
        "Notities voor verwijzers",
        "Sites van het netwerk",
        "Opslaan",
    ]:
        assert dutch in page, dutch
    listing = curator_client.get("/nl/admin/trials/trial/").content.decode()
    assert "Buiten de afbakening omdat" in listing
