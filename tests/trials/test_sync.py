"""sync_ctgov against a real local HTTP server (pytest-httpserver) serving successive versions of
records: the last-update filter, paging, 429 handling, the per-run report, the change history on the
trial page and in the Atom feed."""

from __future__ import annotations

import copy
import json
from datetime import date

import feedparser
import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse
from werkzeug import Response

from trials.models import SyncRun, Trial, TrialChange
from trials.services import import_paths, import_upload
from trials.sync import ctgov_sync

from .conftest import CTGOV_DIR

STUDIES = "/api/v2/studies"
MOVING = "NCT03281889"  # recruiting, two sites, one arm
STILL = "NCT05147467"


def record(nct_id) -> dict:
    return json.loads((CTGOV_DIR / f"{nct_id}.json").read_text())


def version(study, *, status=None, updated=None, enrollment=None, site=None, arm=None) -> dict:
    study = copy.deepcopy(study)
    protocol = study["protocolSection"]
    if status:
        protocol["statusModule"]["overallStatus"] = status
    if updated:
        protocol["statusModule"]["lastUpdatePostDateStruct"] = {"date": updated, "type": "ACTUAL"}
        protocol["statusModule"]["statusVerifiedDate"] = updated[:7]
    if enrollment is not None:
        protocol["designModule"]["enrollmentInfo"]["count"] = enrollment
    if site:
        protocol["contactsLocationsModule"]["locations"].append(site)
    if arm:
        protocol["armsInterventionsModule"]["armGroups"].append(arm)
    return study


@pytest.fixture
def ctgov(httpserver, settings):
    settings.CTGOV_API_URL = httpserver.url_for("/api/v2")
    settings.CTGOV_RETRIES = 2
    settings.CTGOV_RETRY_BACKOFF = 0.01
    settings.CTGOV_TIMEOUT = 5
    return httpserver


@pytest.fixture
def imported(db, tmp_path):
    """Version 1: the moving trial not yet recruiting; both published."""
    first = version(record(MOVING), status="NOT_YET_RECRUITING", updated="2025-11-01")
    (tmp_path / f"{MOVING}.json").write_text(json.dumps(first))
    report = import_paths(paths=[tmp_path / f"{MOVING}.json", CTGOV_DIR / f"{STILL}.json"])
    assert report.count("created") == 2
    Trial.objects.update(status=Trial.Status.PUBLISHED, published_at="2025-01-01T00:00:00Z")
    return first


def page(studies, token="") -> Response:
    body = {"studies": studies}
    if token:
        body["nextPageToken"] = token
    return Response(json.dumps(body), content_type="application/json")


def test_a_sync_refreshes_changed_trials_and_records_their_history(db, ctgov, imported, client):
    second = version(
        record(MOVING),
        updated="2026-03-03",
        enrollment=120,
        site={"facility": "Ghent University Hospital", "city": "Ghent", "country": "Belgium"},
        arm={"label": "Cohort B", "type": "EXPERIMENTAL"},
    )
    asked = []

    def answer(studies, token=""):
        def handler(request):
            asked.append(request.args.to_dict())
            return page(studies, token)

        return handler

    ctgov.expect_ordered_request(STUDIES).respond_with_response(
        Response("slow down", status=429, headers={"Retry-After": "3"})
    )
    ctgov.expect_ordered_request(STUDIES).respond_with_handler(answer([second], token="p2"))
    ctgov.expect_ordered_request(STUDIES).respond_with_handler(answer([record(STILL)]))
    waits = []

    with time_machine.travel("2026-03-04 06:00Z", tick=False):
        run = ctgov_sync(triggered_by="test", sleep=waits.append)

    ctgov.check_assertions()
    assert waits == [3.0]  # Retry-After honoured
    assert asked[0]["filter.ids"] == f"{MOVING},{STILL}"
    assert "filter.advanced" not in asked[0]  # the first run checks everything
    assert asked[1]["pageToken"] == "p2" and asked[1]["filter.ids"] == asked[0]["filter.ids"]
    assert run.outcome == SyncRun.Outcome.DONE
    assert (run.checked, run.changed_upstream, run.updated, run.unchanged, run.failed) == (
        2,
        2,
        1,
        1,
        0,
    )
    assert run.requests == 2
    assert "UPDATED" in run.report and MOVING in run.report

    trial = Trial.objects.get(nct_id=MOVING)
    assert trial.overall_status == "RECRUITING"
    changes = {c.field: c for c in trial.changes.all()}
    assert set(changes) == {"overall_status", "enrollment", "sites", "arms"}
    status = changes["overall_status"]
    assert (status.old_value, status.new_value) == ("NOT_YET_RECRUITING", "RECRUITING")
    assert status.changed_on == date(2026, 3, 3)
    assert changes["enrollment"].new_value.startswith("120")
    assert (changes["sites"].old_value, changes["sites"].new_value) == ("2", "3")
    assert "+ Ghent University Hospital, Ghent, Belgium" in changes["sites"].detail
    assert "+ Cohort B (EXPERIMENTAL)" in changes["arms"].detail
    assert not TrialChange.objects.filter(trial__nct_id=STILL).exists()

    text = client.get(trial.get_absolute_url()).text
    assert "Recruiting since 3 March 2026" in text
    assert "Changes on ClinicalTrials.gov" in text

    feed = feedparser.parse(client.get(reverse("trials:changes_feed")).content)
    titles = [entry.title for entry in feed.entries]
    assert f"{MOVING}: overall status changed from Not yet recruiting to Recruiting" in titles
    assert all(entry.link.endswith("#history") for entry in feed.entries)

    # The next day's run asks only for records updated since the day before the last run.
    third = version(second, status="ACTIVE_NOT_RECRUITING", updated="2026-03-05")
    ctgov.expect_ordered_request(STUDIES).respond_with_handler(answer([third]))
    with time_machine.travel("2026-03-05 06:00Z", tick=False):
        run = ctgov_sync(sleep=waits.append)
    assert asked[-1]["filter.advanced"] == "AREA[LastUpdatePostDate]RANGE[2026-03-03,MAX]"
    assert run.updated == 1
    newest = trial.changes.filter(field="overall_status").first()
    assert (newest.old_value, newest.new_value) == ("RECRUITING", "ACTIVE_NOT_RECRUITING")
    assert "Active, not recruiting since 5 March 2026" in client.get(trial.get_absolute_url()).text


def test_an_unreachable_api_fails_the_run_with_a_report(db, ctgov, imported, capsys):
    ctgov.expect_request(STUDIES).respond_with_data("down", status=503)

    with pytest.raises(CommandError, match="Sync failed"):
        call_command("sync_ctgov")

    run = SyncRun.objects.get()
    assert run.outcome == SyncRun.Outcome.FAILED
    assert "Gave up after 3 attempts: server error (HTTP 503)" in run.report
    assert "STOPPED" in capsys.readouterr().out
    # A failed run is not the base of the next one: it still checks everything.
    from trials.sync import default_since

    assert default_since() is None


def test_manual_trials_are_not_synced(db, ctgov):
    Trial.objects.create(nct_id="NCT09999999", brief_title="By hand", source=Trial.Source.MANUAL)
    run = ctgov_sync()
    assert run.checked == 0 and run.requests == 0 and run.outcome == SyncRun.Outcome.DONE


def test_the_admin_button_runs_a_sync_in_the_background(db, ctgov, imported, admin_client):
    ctgov.expect_request(STUDIES).respond_with_handler(lambda request: page([]))
    changelist = reverse("admin:trials_syncrun_changelist")
    assert "Sync with ClinicalTrials.gov now" in admin_client.get(changelist).text
    assert admin_client.get(reverse("admin:trials_syncrun_run")).status_code == 405

    response = admin_client.post(reverse("admin:trials_syncrun_run"), follow=True)

    assert response.status_code == 200
    run = SyncRun.objects.get()  # the immediate task backend ran it
    assert run.outcome == SyncRun.Outcome.DONE and run.triggered_by.startswith("admin: ")
    assert run.checked == 2


def test_the_admin_refresh_action_records_the_change_history(db, ctgov, imported, admin_client):
    second = version(record(MOVING), updated="2026-03-03")
    ctgov.expect_request(f"{STUDIES}/{MOVING}").respond_with_data(
        json.dumps(second), content_type="application/json"
    )
    trial = Trial.objects.get(nct_id=MOVING)

    admin_client.post(
        reverse("admin:trials_trial_changelist"),
        {"action": "refresh_from_ctgov", "_selected_action": [trial.pk]},
    )

    change = trial.changes.get(field="overall_status")
    assert (change.old_value, change.new_value) == ("NOT_YET_RECRUITING", "RECRUITING")
    assert change.changed_on == date(2026, 3, 3)


def test_a_file_import_and_an_admin_upload_record_the_change_history_too(db, imported, tmp_path):
    # Not only the sync: a newer snapshot imported from a file (import_ctgov PATH) or uploaded in the
    # admin writes the trial's history, once per changed field.
    second = version(imported, status="RECRUITING", updated="2026-03-03", enrollment=120)
    path = tmp_path / "second.json"
    path.write_text(json.dumps(second))
    assert import_paths(paths=[path]).count("updated") == 1
    changes = TrialChange.objects.filter(trial__nct_id=MOVING)
    assert sorted(changes.values_list("field", flat=True)) == ["enrollment", "overall_status"]
    status = changes.get(field="overall_status")
    assert (status.old_value, status.new_value) == ("NOT_YET_RECRUITING", "RECRUITING")
    assert status.sync_run is None

    third = version(second, status="ACTIVE_NOT_RECRUITING", updated="2026-06-01")
    report = import_upload(name="third.json", content=json.dumps(third).encode())
    assert report.count("updated") == 1
    assert changes.filter(field="overall_status").count() == 2
    # The same snapshot again changes nothing and records nothing.
    import_upload(name="third.json", content=json.dumps(third).encode())
    assert changes.count() == 3
