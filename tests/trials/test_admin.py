"""Admin: upload import, refresh from ClinicalTrials.gov as a task, publish/unpublish, history, pages load."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import make_trial
from trials.models import Trial

from .conftest import BAD_DIR, CTGOV_DIR


@pytest.mark.django_db
def test_uploading_a_file_imports_it_and_shows_the_report(admin_client):
    upload = SimpleUploadedFile("study.xml", (CTGOV_DIR / "NCT01642004.xml").read_bytes())

    response = admin_client.post(reverse("admin:trials_trial_import"), {"file": upload})

    assert response.status_code == 200
    assert "1 created, 0 updated, 0 unchanged, 0 failed" in response.text
    assert Trial.objects.get().status == Trial.Status.DRAFT


@pytest.mark.django_db
def test_uploading_a_bad_file_reports_why_and_writes_nothing(admin_client):
    upload = SimpleUploadedFile("bad.json", (BAD_DIR / "truncated.json").read_bytes())

    response = admin_client.post(reverse("admin:trials_trial_import"), {"file": upload})

    assert "Malformed JSON" in response.text
    assert not Trial.objects.exists()


@pytest.mark.django_db
def test_refresh_action_fetches_selected_trials_through_a_task(admin_client, httpserver, settings):
    settings.CTGOV_API_URL = httpserver.url_for("/api/v2")
    trial = make_trial("NCT04267848", brief_title="Stale title")
    httpserver.expect_request("/api/v2/studies/NCT04267848").respond_with_data(
        (CTGOV_DIR / "NCT04267848.json").read_bytes(), content_type="application/json"
    )

    response = admin_client.post(
        reverse("admin:trials_trial_changelist"),
        {"action": "refresh_from_ctgov", "_selected_action": [trial.pk]},
        follow=True,
    )

    assert "1 updated" in response.text
    trial.refresh_from_db()
    assert trial.brief_title.startswith(
        "Testing the Addition of a Type of Drug Called Immunotherapy"
    )
    assert trial.status == Trial.Status.PUBLISHED  # publication state is curated, never refreshed


@pytest.mark.django_db
def test_publish_and_unpublish_actions_are_recorded_in_history(admin_client):
    trial = make_trial("NCT00000001", publish=False)
    url = reverse("admin:trials_trial_changelist")

    admin_client.post(url, {"action": "publish", "_selected_action": [trial.pk]})
    trial.refresh_from_db()
    assert trial.is_published

    admin_client.post(url, {"action": "unpublish", "_selected_action": [trial.pk]})
    trial.refresh_from_db()
    assert trial.status == Trial.Status.DRAFT
    assert [h.status for h in trial.history.order_by("history_date")][-2:] == ["published", "draft"]


@pytest.mark.django_db
def test_admin_pages_load_and_search_by_drug(admin_client):
    from trials.services import import_paths

    import_paths(paths=[CTGOV_DIR / "NCT04267848.json", CTGOV_DIR / "NCT01642004.xml"])
    trial = Trial.objects.get(nct_id="NCT04267848")

    assert (
        admin_client.get(reverse("admin:trials_trial_change", args=[trial.pk])).status_code == 200
    )
    assert (
        admin_client.get(reverse("admin:trials_trial_history", args=[trial.pk])).status_code == 200
    )
    found = admin_client.get(reverse("admin:trials_trial_changelist"), {"q": "Keytruda"})
    assert list(found.context["cl"].result_list) == [trial]
