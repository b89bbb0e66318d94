"""FHIR R5: ResearchStudy read and search, CapabilityStatement, OperationOutcome errors.

Every resource and Bundle is parsed with the `fhir.resources` package (R5 models), which rejects
unknown elements, wrong types and missing required elements.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from fhir.resources.bundle import Bundle
from fhir.resources.capabilitystatement import CapabilityStatement
from fhir.resources.operationoutcome import OperationOutcome
from fhir.resources.researchstudy import ResearchStudy

from tests.factories import make_detailed_trial
from trials.fhir import STATUS_TO_FHIR
from trials.models import OverallStatus

pytestmark = pytest.mark.django_db

FHIR_JSON = "application/fhir+json"


def _fhir(response, status=200) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(FHIR_JSON)
    return response.json()


def _outcome(response, status) -> dict:
    body = _fhir(response, status)
    OperationOutcome.model_validate(body)
    return body


def test_metadata_is_a_valid_r5_capability_statement(client):
    body = _fhir(client.get("/fhir/metadata"))
    statement = CapabilityStatement.model_validate(body)
    assert statement.fhirVersion == "5.0.0"
    resource = statement.rest[0].resource[0]
    assert resource.type == "ResearchStudy"
    assert {p.name for p in resource.searchParam} >= {
        "status",
        "identifier",
        "condition",
        "keyword",
        "progress-status-state-actual",
        "_id",
    }


@pytest.mark.parametrize("overall_status", OverallStatus.values)
def test_every_status_gives_a_valid_research_study(client, overall_status):
    trial = make_detailed_trial(
        overall_status=overall_status,
        phases=("PHASE1", "PHASE2"),
        drugs=("nivolumab", "ipilimumab"),
        cancer_types=("melanoma",),
        acronym="CHECKMATE-X",
        why_stopped="Sponsor decision" if overall_status == "TERMINATED" else "",
        eu_ct_number="2023-510173-34-00",
    )
    body = _fhir(client.get(f"/fhir/ResearchStudy/{trial.nct_id}"))
    study = ResearchStudy.model_validate(body)
    assert study.id == trial.nct_id
    assert study.status == "active"
    assert study.identifier[0].system == "http://clinicaltrials.gov"
    assert study.identifier[0].value == trial.nct_id
    assert study.phase.coding[0].code == "phase-1-phase-2"
    mapped = STATUS_TO_FHIR[overall_status]
    state = study.progressStatus[0].state
    if mapped:
        assert state.coding[0].code == mapped[0]
    else:
        assert state.coding is None and state.text


def test_minimal_trial_gives_a_valid_research_study(client):
    trial = make_detailed_trial(
        phases=(),
        drugs=(),
        sites=(),
        conditions=[],
        keywords=[],
        collaborators=[],
        other_ids=[],
        lead_sponsor="",
        enrollment_count=None,
        start_date=None,
        completion_date=None,
        official_title="",
        brief_summary="",
        primary_purpose="",
    )
    ResearchStudy.model_validate(_fhir(client.get(f"/fhir/ResearchStudy/{trial.nct_id}")))


def test_search_returns_a_valid_searchset_bundle(client):
    trials = [make_detailed_trial(cancer_types=("melanoma",)) for _ in range(3)]
    body = _fhir(client.get("/fhir/ResearchStudy"))
    bundle = Bundle.model_validate(body)
    assert bundle.type == "searchset"
    assert bundle.total == 3
    assert [e.resource.id for e in bundle.entry] == sorted(t.nct_id for t in trials)
    for entry in bundle.entry:
        assert entry.fullUrl.endswith(f"/fhir/ResearchStudy/{entry.resource.id}")
        assert entry.search.mode == "match"


def test_search_by_status_identifier_condition_and_keyword(client):
    recruiting = make_detailed_trial(cancer_types=("melanoma",), drugs=("pembrolizumab",))
    completed = make_detailed_trial(
        overall_status="COMPLETED", conditions=["Renal Cell Carcinoma"], drugs=("nivolumab",)
    )

    def ids(query):
        bundle = Bundle.model_validate(_fhir(client.get("/fhir/ResearchStudy", query)))
        return [e.resource.id for e in bundle.entry or []]

    progress = "progress-status-state-actual"
    assert ids({progress: "recruiting"}) == [recruiting.nct_id]
    assert ids({progress: "completed$true"}) == [completed.nct_id]
    assert ids({progress: "recruiting,completed"}) == sorted([recruiting.nct_id, completed.nct_id])
    assert ids({"status": "active"}) == sorted([recruiting.nct_id, completed.nct_id])
    assert ids({"identifier": completed.nct_id}) == [completed.nct_id]
    assert ids({"identifier": f"http://clinicaltrials.gov|{recruiting.nct_id}"}) == [
        recruiting.nct_id
    ]
    assert ids({"identifier": f"http://example.org|{recruiting.nct_id}"}) == []
    assert ids({"condition": "melanoma"}) == [recruiting.nct_id]
    assert ids({"condition": "C43"}) == [recruiting.nct_id]
    assert ids({"condition:text": "renal cell"}) == [completed.nct_id]
    assert ids({"_content": "nivolumab"}) == [completed.nct_id]


def test_count_pages_with_next_links(client):
    trials = sorted(make_detailed_trial().nct_id for _ in range(5))
    first = Bundle.model_validate(_fhir(client.get("/fhir/ResearchStudy", {"_count": 2})))
    assert first.total == 5
    assert [e.resource.id for e in first.entry] == trials[:2]
    next_url = next(link.url for link in first.link if link.relation == "next")
    second = Bundle.model_validate(_fhir(client.get(next_url)))
    assert [e.resource.id for e in second.entry] == trials[2:4]
    only_total = Bundle.model_validate(_fhir(client.get("/fhir/ResearchStudy", {"_count": 0})))
    assert only_total.total == 5
    assert not only_total.entry


def test_drafts_are_absent_from_fhir(client):
    shown = make_detailed_trial()
    draft = make_detailed_trial(status="draft")
    future = make_detailed_trial(published_at=timezone.now() + timedelta(days=1))
    bundle = Bundle.model_validate(_fhir(client.get("/fhir/ResearchStudy")))
    assert [e.resource.id for e in bundle.entry] == [shown.nct_id]
    for hidden in (draft, future):
        _outcome(client.get(f"/fhir/ResearchStudy/{hidden.nct_id}"), 404)
        empty = _fhir(client.get("/fhir/ResearchStudy", {"identifier": hidden.nct_id}))
        assert empty["total"] == 0


@pytest.mark.parametrize(
    "query",
    [
        {"sponsor": "Merck"},
        {"status:not": "recruiting"},
        {"_sort": "date"},
        {"_include": "ResearchStudy:site"},
    ],
)
def test_unsupported_search_parameter_is_an_operation_outcome_400(client, query):
    body = _outcome(client.get("/fhir/ResearchStudy", query), 400)
    assert body["issue"][0]["code"] == "not-supported"
    assert next(iter(query)) in body["issue"][0]["diagnostics"]


@pytest.mark.parametrize(
    "query",
    [{"status": "open"}, {"status": ""}, {"_count": "many"}, {"_count": "-1"}, {"_page": "0"}],
)
def test_invalid_search_value_is_an_operation_outcome_400(client, query):
    _outcome(client.get("/fhir/ResearchStudy", query), 400)


def test_unknown_study_and_unknown_endpoint_are_operation_outcome_404s(client):
    _outcome(client.get("/fhir/ResearchStudy/NCT00000000"), 404)
    _outcome(client.get("/fhir/Patient"), 404)


def test_invalid_key_is_an_operation_outcome_401(client):
    body = _outcome(client.get("/fhir/metadata", HTTP_AUTHORIZATION="Api-Key nope.nope"), 401)
    assert body["issue"][0]["code"] == "login"


def test_fhir_is_rate_limited_with_retry_after(client, settings):
    settings.API_ANON_RATE = "1/min"
    _fhir(client.get("/fhir/metadata"))
    response = client.get("/fhir/metadata")
    body = _outcome(response, 429)
    assert body["issue"][0]["code"] == "throttled"
    assert int(response["Retry-After"]) > 0


def test_search_query_count_does_not_grow_with_results(client, django_assert_num_queries):
    for _ in range(3):
        make_detailed_trial(drugs=("nivolumab", "ipilimumab"), cancer_types=("melanoma",))
    # COUNT, page, and one query per prefetched relation (cancer types, interventions, sites).
    with django_assert_num_queries(5):
        client.get("/fhir/ResearchStudy")
    for _ in range(10):
        make_detailed_trial(drugs=("nivolumab",), sites=("a-site", "b-site"))
    with django_assert_num_queries(5):
        body = _fhir(client.get("/fhir/ResearchStudy"))
    assert len(body["entry"]) == 13


def test_search_total_is_counted_once_until_the_registry_changes(client, django_assert_num_queries):
    for _ in range(3):
        make_detailed_trial()
    assert _fhir(client.get("/fhir/ResearchStudy", {"_count": 2}))["total"] == 3
    # The next page: no COUNT (cached until a trial or site changes; pin 5 -> 4).
    with django_assert_num_queries(4):
        body = _fhir(client.get("/fhir/ResearchStudy", {"_count": 2, "_page": 2}))
    assert body["total"] == 3 and len(body["entry"]) == 1
