"""The one status rule: an open (or not-yet-open) status last verified more than two years ago is
"status not verified recently" and is not counted as open, on the pages, facets, API, CSV and FHIR."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from tests.factories import make_trial
from trials.exports import COLUMNS, check_complete
from trials.models import StatusGroup, Trial, status_stale_before

LIST = reverse("trials:list")
TODAY = date(2026, 12, 1)


@pytest.fixture
def trials(db):
    """One fresh recruiting trial, one stale one, one stale not-yet-recruiting, one completed long ago,
    one recruiting without a verified date (entered by hand: not judged)."""
    with time_machine.travel("2026-12-01 10:00Z", tick=False):
        yield {
            "fresh": make_trial("NCT00000001", status_verified=date(2025, 6, 1)),
            "stale": make_trial("NCT00000002", status_verified=date(2008, 3, 1)),
            "stale_nyr": make_trial(
                "NCT00000003", overall_status="NOT_YET_RECRUITING", status_verified=date(2019, 1, 1)
            ),
            "done": make_trial(
                "NCT00000004", overall_status="COMPLETED", status_verified=date(2010, 1, 1)
            ),
            "manual": make_trial("NCT00000005", status_verified=None),
            "unknown": make_trial(
                "NCT00000006", overall_status="UNKNOWN", status_verified=date(2015, 1, 1)
            ),
        }


def ids(queryset) -> list[str]:
    return sorted(t.nct_id for t in queryset)


def test_two_years_is_the_boundary():
    assert status_stale_before(date(2026, 12, 1)) == date(2024, 12, 1)
    assert status_stale_before(date(2028, 2, 29)) == date(2026, 2, 28)


def test_queryset_rule_moves_stale_open_trials_to_unverified(trials):
    published = Trial.objects.published()
    assert ids(published.recruiting()) == ["NCT00000001", "NCT00000005"]
    assert ids(published.not_yet_open()) == []
    assert ids(published.status_unverified()) == ["NCT00000002", "NCT00000003", "NCT00000006"]
    assert ids(published.closed()) == ["NCT00000004"]
    # A bare code still matches the registered status.
    assert ids(published.in_status_groups(["RECRUITING"])) == [
        "NCT00000001",
        "NCT00000002",
        "NCT00000005",
    ]
    assert trials["stale"].status_group == StatusGroup.UNVERIFIED
    assert trials["stale"].effective_status == "UNKNOWN"
    assert trials["fresh"].status_group == StatusGroup.OPEN
    assert trials["done"].status_group == StatusGroup.CLOSED


def test_the_rule_follows_the_calendar(trials):
    # In June 2027 the trial verified in June 2025 is still fresh; in July 2027 it is not.
    with time_machine.travel("2027-06-01 10:00Z", tick=False):
        assert "NCT00000001" in ids(Trial.objects.recruiting())
    with time_machine.travel("2027-07-01 10:00Z", tick=False):
        assert "NCT00000001" not in ids(Trial.objects.recruiting())
        assert Trial.objects.get(nct_id="NCT00000001").status_not_verified_recently


def test_default_list_and_facets_do_not_count_stale_trials_as_open(client, trials):
    response = client.get(LIST)
    assert [t.nct_id for t in response.context["trials"]] == ["NCT00000005", "NCT00000001"] or [
        t.nct_id for t in response.context["trials"]
    ] == ["NCT00000001", "NCT00000005"]
    counts = {item["value"]: item["count"] for item in response.context["facets"]["status"]}
    assert counts == {"open": 2, "not_yet_open": 0, "unverified": 3, "closed": 1, "all": 6}

    unverified = client.get(LIST, {"status": "unverified"})
    assert "Status not verified recently" in unverified.text
    assert "last verified in March 2008" in unverified.text


def test_card_and_page_show_when_the_status_was_last_verified(client, trials):
    response = client.get(LIST)
    assert "Status last verified June 2025" in response.text

    page = client.get(trials["stale"].get_absolute_url())
    assert "Status not verified recently" in page.text
    assert "Registered as “Recruiting”" in page.text
    assert "March 2008" in page.text


def test_api_csv_and_fhir_use_the_same_rule(client, trials):
    api = client.get("/api/v1/trials/", {"status": "open"}).json()
    assert sorted(t["nct_id"] for t in api["results"]) == ["NCT00000001", "NCT00000005"]
    stale = client.get("/api/v1/trials/NCT00000002/").json()
    assert stale["recruitment"] == "unverified"

    rows = check_complete(client.get(reverse("trials:csv")).getvalue().decode())
    assert sorted(r[0] for r in rows[1:]) == ["NCT00000001", "NCT00000005"]
    rows = check_complete(client.get(reverse("trials:csv"), {"status": "all"}).getvalue().decode())
    by_id = {r[0]: r for r in rows[1:]}
    assert by_id["NCT00000002"][COLUMNS.index("recruitment")] == "unverified"
    assert by_id["NCT00000002"][COLUMNS.index("status_verified")] == "2008-03-01"

    bundle = client.get(
        "/fhir/ResearchStudy", {"progress-status-state-actual": "recruiting"}
    ).json()
    assert sorted(e["resource"]["id"] for e in bundle.get("entry", [])) == [
        "NCT00000001",
        "NCT00000005",
    ]
    resource = client.get("/fhir/ResearchStudy/NCT00000002").json()
    assert resource["progressStatus"][0]["state"] == {"text": "Unknown status"}
