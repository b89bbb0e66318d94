"""/api/v1/trials/ and /api/v1/drugs/: content, filters, paging, drafts, conditional GET, CSV."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import make_detailed_trial
from trials.exports import COLUMNS, check_complete
from trials.models import Trial

pytestmark = pytest.mark.django_db

LIST = "/api/v1/trials/"


def _ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [t["nct_id"] for t in response.json()["results"]]


def test_trial_detail_nests_interventions_sites_and_eligibility(client):
    trial = make_detailed_trial(
        nct_id="NCT01234567",
        phases=("PHASE1", "PHASE2"),
        drugs=("nivolumab", "ipilimumab"),
        cancer_types=("melanoma",),
    )
    response = client.get(f"{LIST}{trial.nct_id}/")
    assert response.status_code == 200
    body = response.json()
    assert body["nct_id"] == "NCT01234567"
    assert body["phases"] == ["PHASE1", "PHASE2"]
    assert body["recruitment"] == "open"
    assert body["immunotherapy_classes"] == ["anti-pd-1", "anti-ctla-4"]
    assert body["cancer_types"] == ["melanoma"]
    assert [i["drug"]["slug"] for i in body["interventions"]] == ["nivolumab", "ipilimumab"]
    assert body["interventions"][0]["type"] == "DRUG"
    assert body["sites"] == [
        {
            "slug": "medical-oncology",
            "name": "Medical Oncology",
            "institution": "University Hospital",
            "city": "",
            "local_status": "RECRUITING",
            "principal_investigator": "Ada Peeters",
        }
    ]
    assert body["eligibility"]["minimum_age"] == "18 Years"
    assert body["eligibility"]["sex"] == "ALL"
    assert body["ctgov_url"] == "https://clinicaltrials.gov/study/NCT01234567"


def test_draft_and_scheduled_trials_are_absent_from_the_api(client):
    shown = make_detailed_trial()
    draft = make_detailed_trial(status="draft")
    future = make_detailed_trial(published_at=timezone.now() + timedelta(days=2))
    assert _ids(client.get(LIST)) == [shown.nct_id]
    assert client.get(f"{LIST}{draft.nct_id}/").status_code == 404
    assert client.get(f"{LIST}{future.nct_id}/").status_code == 404


def test_unknown_nct_id_is_a_json_404(client):
    response = client.get(f"{LIST}NCT99999999/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_filters_narrow_the_list(client):
    pd1 = make_detailed_trial(
        drugs=("pembrolizumab",), phases=("PHASE3",), cancer_types=("melanoma",)
    )
    ctla4 = make_detailed_trial(drugs=("ipilimumab",), overall_status="COMPLETED", sex="FEMALE")
    car_t = make_detailed_trial(
        drugs=("tisagenlecleucel",), sites=("haematology",), maximum_age_days=30 * 365
    )
    assert _ids(client.get(LIST, {"immunotherapy_class": "anti-pd-1"})) == [pd1.nct_id]
    assert _ids(client.get(LIST, {"drug": "ipilimumab"})) == [ctla4.nct_id]
    assert _ids(client.get(LIST, {"phase": "PHASE3"})) == [pd1.nct_id]
    assert _ids(client.get(LIST, {"cancer_type": "melanoma"})) == [pd1.nct_id]
    assert _ids(client.get(LIST, {"site": "haematology"})) == [car_t.nct_id]
    assert set(_ids(client.get(LIST, {"status": "open"}))) == {pd1.nct_id, car_t.nct_id}
    assert _ids(client.get(LIST, {"status": "COMPLETED"})) == [ctla4.nct_id]
    assert set(_ids(client.get(LIST, {"sex": "MALE"}))) == {pd1.nct_id, car_t.nct_id}
    assert set(_ids(client.get(LIST, {"age": "40"}))) == {pd1.nct_id, ctla4.nct_id}
    assert set(_ids(client.get(f"{LIST}?status=COMPLETED,RECRUITING"))) == {
        pd1.nct_id,
        ctla4.nct_id,
        car_t.nct_id,
    }
    assert set(_ids(client.get(LIST, {"q": "ipilimumab"}))) == {ctla4.nct_id}


def test_updated_since_returns_only_trials_changed_since(client):
    old = make_detailed_trial()
    Trial.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(days=10))
    new = make_detailed_trial()
    since = (timezone.now() - timedelta(days=1)).isoformat()
    assert _ids(client.get(LIST, {"updated_since": since})) == [new.nct_id]


@pytest.mark.parametrize(
    ("query", "name", "allowed"),
    [
        ({"status": "OPEN-ISH"}, "status", "RECRUITING"),
        ({"phase": "PHASE9"}, "phase", "PHASE1"),
        ({"immunotherapy_class": "anti-pd-9"}, "immunotherapy_class", "anti-pd-1"),
        ({"drug": "aspirin-x"}, "drug", "pembrolizumab"),
        ({"sex": "OTHER"}, "sex", "FEMALE"),
        ({"ordering": "random"}, "ordering", "start_date"),
    ],
)
def test_unknown_filter_value_is_a_400_listing_the_allowed_values(client, query, name, allowed):
    response = client.get(LIST, query)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_filter"
    assert name in body["errors"]
    assert allowed in body["allowed"][name]


@pytest.mark.parametrize(
    "query",
    [
        {"age": "old"},
        {"age": "-1"},
        {"age": "99999999999999999999"},
        {"updated_since": "yesterday"},
    ],
)
def test_malformed_filter_value_is_a_400_not_a_500(client, query):
    response = client.get(LIST, query)
    assert response.status_code == 400
    assert next(iter(query)) in response.json()["errors"]


def test_pages_are_stable_and_cover_every_trial_once(client):
    trials = [make_detailed_trial() for _ in range(7)]
    Trial.objects.update(last_update_posted=timezone.now().date())  # all tie on the sort key
    seen = []
    url = f"{LIST}?page_size=3"
    while url:
        page = client.get(url).json()
        seen += [t["nct_id"] for t in page["results"]]
        url = page["next"]
    assert seen == sorted(t.nct_id for t in trials)  # ties broken by NCT ID


def test_page_size_is_capped_by_setting(client, settings):
    settings.API_MAX_PAGE_SIZE = 3
    for _ in range(5):
        make_detailed_trial()
    assert len(_ids(client.get(LIST, {"page_size": 500}))) == 3


def test_list_query_count_does_not_grow_with_the_page(client, django_assert_num_queries):
    for _ in range(3):
        make_detailed_trial(drugs=("nivolumab", "ipilimumab"), cancer_types=("melanoma",))
    # COUNT, the page's ids, its rows by id, then one query per relation (cancer types,
    # interventions+drug, sites+unit+PI), as value rows (trials/api_list.py): fixed, however many
    # trials, interventions or sites the page holds (pin 5 -> 6: the ids come first, from an
    # index-only scan; unchanged by the value rows, which replace the prefetches one for one).
    with django_assert_num_queries(6):
        assert len(_ids(client.get(LIST))) == 3
    for _ in range(12):
        make_detailed_trial(drugs=("nivolumab", "ipilimumab"), sites=("a-site", "b-site"))
    with django_assert_num_queries(6):
        assert len(_ids(client.get(LIST))) == 15


def test_list_answers_304_to_a_matching_etag(client):
    make_detailed_trial()
    first = client.get(LIST)
    etag = first["ETag"]
    assert etag.startswith('"')
    assert first["Last-Modified"]
    again = client.get(LIST, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag


def test_etag_changes_when_a_trial_changes(client):
    trial = make_detailed_trial()
    etag = client.get(f"{LIST}{trial.nct_id}/")["ETag"]
    trial.brief_title = "A new title"
    trial.save()
    response = client.get(f"{LIST}{trial.nct_id}/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response.json()["brief_title"] == "A new title"


def test_detail_answers_304_to_if_modified_since(client):
    trial = make_detailed_trial()
    first = client.get(f"{LIST}{trial.nct_id}/")
    response = client.get(f"{LIST}{trial.nct_id}/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert response.status_code == 304
    stale = client.get(
        f"{LIST}{trial.nct_id}/", HTTP_IF_MODIFIED_SINCE="Mon, 01 Jan 2001 00:00:00 GMT"
    )
    assert stale.status_code == 200


def _csv_rows(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = check_complete(
        b"".join(response.streaming_content).decode()
    )  # the trailer, then drop it
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_csv_streams_every_matching_row_beyond_one_page(client, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "PAGE_SIZE": 2}
    recruiting = [make_detailed_trial() for _ in range(5)]
    make_detailed_trial(overall_status="COMPLETED")
    make_detailed_trial(status="draft")
    response = client.get(LIST, {"format": "csv", "status": "RECRUITING"})
    rows = _csv_rows(response)
    assert sorted(r["nct_id"] for r in rows) == sorted(t.nct_id for t in recruiting)
    assert list(rows[0]) == COLUMNS
    assert rows[0]["drugs"] == "pembrolizumab"


def test_csv_is_also_chosen_by_accept_header(client):
    trial = make_detailed_trial()
    rows = _csv_rows(client.get(LIST, HTTP_ACCEPT="text/csv"))
    assert [r["nct_id"] for r in rows] == [trial.nct_id]


def test_csv_with_a_bad_filter_is_still_a_400(client):
    response = client.get(LIST, {"format": "csv", "phase": "PHASE9"})
    assert response.status_code == 400


def test_drug_list_has_synonyms_and_class(client):
    response = client.get("/api/v1/drugs/pembrolizumab/")
    assert response.status_code == 200
    body = response.json()
    assert body["immunotherapy_class"] == "anti-pd-1"
    assert "Keytruda" in body["synonyms"]
    assert "MK-3475" in body["synonyms"]


def test_drug_list_filters_by_class_and_rejects_unknown_class(client):
    response = client.get("/api/v1/drugs/", {"immunotherapy_class": "car-t", "page_size": 100})
    assert response.status_code == 200
    assert {d["immunotherapy_class"] for d in response.json()["results"]} == {"car-t"}
    bad = client.get("/api/v1/drugs/", {"immunotherapy_class": "nope"})
    assert bad.status_code == 400
    assert "car-t" in bad.json()["allowed"]["immunotherapy_class"]


def test_drug_list_query_count_is_fixed(client, django_assert_num_queries):
    # COUNT + one SELECT: synonyms live in a text column.
    with django_assert_num_queries(2):
        response = client.get("/api/v1/drugs/", {"page_size": 200})
    assert response.json()["count"] >= 30


def test_detail_query_count_is_fixed(client, django_assert_num_queries):
    trial = make_detailed_trial(drugs=("nivolumab", "ipilimumab"), cancer_types=("melanoma",))
    # The trial, then one query per prefetched relation (cancer types, interventions, sites).
    with django_assert_num_queries(4):
        assert client.get(f"{LIST}{trial.nct_id}/").status_code == 200


def test_the_total_is_counted_once_until_the_registry_changes(client, django_assert_num_queries):
    for _ in range(3):
        make_detailed_trial()
    assert client.get(LIST, {"page_size": 2}).json()["count"] == 3
    # Page 2 of the same list: the page's ids, its rows and their prefetches, no COUNT (cached).
    with django_assert_num_queries(5):
        assert client.get(LIST, {"page_size": 2, "page": 2}).json()["count"] == 3
    make_detailed_trial()  # a save makes every cached count stale
    with django_assert_num_queries(6):
        assert client.get(LIST, {"page_size": 2, "page": 2}).json()["count"] == 4
