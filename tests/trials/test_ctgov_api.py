"""The --nct path against a real local HTTP server (pytest-httpserver) serving recorded responses."""

from __future__ import annotations

import time

import pytest
from django.core.management import CommandError, call_command
from werkzeug import Response

from trials.models import Trial
from trials.services import import_nct_ids

from .conftest import CTGOV_DIR

RECORD = (CTGOV_DIR / "NCT04267848.json").read_bytes()
PATH = "/api/v2/studies/NCT04267848"


@pytest.fixture
def ctgov(httpserver, settings):
    settings.CTGOV_API_URL = httpserver.url_for("/api/v2")
    settings.CTGOV_RETRIES = 2
    settings.CTGOV_RETRY_BACKOFF = 0.01
    settings.CTGOV_TIMEOUT = 5
    return httpserver


def test_a_study_is_fetched_and_imported(db, ctgov, capsys):
    ctgov.expect_oneshot_request(PATH, query_string="format=json").respond_with_data(
        RECORD, content_type="application/json"
    )

    call_command("import_ctgov", "--nct", "NCT04267848", "--publish")

    trial = Trial.objects.get(nct_id="NCT04267848")
    assert trial.source == Trial.Source.API
    assert trial.is_published
    assert "CREATED  NCT04267848" in capsys.readouterr().out
    ctgov.check_assertions()


def test_404_is_a_per_record_failure_and_the_others_still_import(db, ctgov, capsys):
    ctgov.expect_request("/api/v2/studies/NCT00000404").respond_with_data("not found", status=404)
    ctgov.expect_request(PATH).respond_with_data(RECORD, content_type="application/json")

    with pytest.raises(CommandError):
        call_command("import_ctgov", "--nct", "NCT00000404", "NCT04267848")

    out = capsys.readouterr().out
    assert "FAILED  NCT00000404" in out and "Not found on ClinicalTrials.gov (HTTP 404)" in out
    assert list(Trial.objects.values_list("nct_id", flat=True)) == ["NCT04267848"]


def test_429_waits_as_long_as_retry_after_says_then_succeeds(db, ctgov):
    ctgov.expect_ordered_request(PATH).respond_with_response(
        Response("slow down", status=429, headers={"Retry-After": "7"})
    )
    ctgov.expect_ordered_request(PATH).respond_with_data(RECORD, content_type="application/json")
    waits: list[float] = []

    report = import_nct_ids(nct_ids=["NCT04267848"], sleep=waits.append)

    assert [r.outcome for r in report.results] == ["created"]
    assert waits == [7.0]


def test_5xx_is_retried_with_backoff_then_succeeds(db, ctgov):
    ctgov.expect_ordered_request(PATH).respond_with_data("oops", status=500)
    ctgov.expect_ordered_request(PATH).respond_with_data("oops", status=503)
    ctgov.expect_ordered_request(PATH).respond_with_data(RECORD, content_type="application/json")
    waits: list[float] = []

    report = import_nct_ids(nct_ids=["NCT04267848"], sleep=waits.append)

    assert [r.outcome for r in report.results] == ["created"]
    assert waits == [0.01, 0.02]


def test_persistent_5xx_gives_up_with_a_reason_and_writes_nothing(db, ctgov):
    ctgov.expect_request(PATH).respond_with_data("oops", status=500)

    report = import_nct_ids(nct_ids=["NCT04267848"], sleep=lambda s: None)

    assert report.results[0].outcome == "failed"
    assert report.results[0].message == "Gave up after 3 attempts: server error (HTTP 500)."
    assert not Trial.objects.exists()


def test_an_invalid_nct_id_is_refused_without_a_request(db, ctgov):
    report = import_nct_ids(nct_ids=["NCT12"], sleep=lambda s: None)

    assert report.results[0].outcome == "failed"
    assert "Invalid NCT ID" in report.results[0].message
    assert ctgov.log == []


def test_a_malformed_api_answer_is_a_per_record_failure(db, ctgov):
    ctgov.expect_request(PATH).respond_with_data(
        '{"protocolSection": ', content_type="application/json"
    )

    report = import_nct_ids(nct_ids=["NCT04267848"], sleep=lambda s: None)

    assert report.results[0].outcome == "failed"
    assert "Malformed JSON" in report.results[0].message


def test_a_timeout_is_retried_then_reported(db, ctgov, settings):
    settings.CTGOV_TIMEOUT = 0.3
    settings.CTGOV_RETRIES = 1

    def slow(request):
        time.sleep(0.6)
        return Response(RECORD, content_type="application/json")

    ctgov.expect_request(PATH).respond_with_handler(slow)

    report = import_nct_ids(nct_ids=["NCT04267848"], sleep=lambda s: None)

    assert report.results[0].outcome == "failed"
    assert report.results[0].message == "Gave up after 2 attempts: timed out after 0.3 s."
    assert not Trial.objects.exists()
