"""FHIR R5 ResearchStudy search parameters mean what R5 says; every Bundle, OperationOutcome and the
CapabilityStatement are parsed with the `fhir.resources` R5 models (a package we did not write).

- `status` is the record's publication status, `progress-status-state-actual` the recruitment state;
- `_id` and `identifier` work, secondary ids included (EAY131 is NCI-MATCH's protocol number);
- token parameters honour `system|code` and match whole codes (C4 is not C43);
- comma-separated values are capped, with an OperationOutcome;
- the CapabilityStatement lists exactly the parameters the search accepts.
"""

from __future__ import annotations

import pytest
from fhir.resources.bundle import Bundle
from fhir.resources.capabilitystatement import CapabilityStatement
from fhir.resources.operationoutcome import OperationOutcome

import trials.demo
from ion_portal.models import CancerType
from tests.factories import make_detailed_trial
from trials.fhir import ICD10_SYSTEM
from trials.fhir_views import MAX_VALUES

pytestmark = pytest.mark.django_db

# Every R5 ResearchStudy search parameter (hl7.org/fhir/R5/researchstudy-search.html), the common
# Resource ones and the result parameters: the server must accept exactly what it advertises.
R5_RESEARCHSTUDY = [
    "classifier", "condition", "date", "description", "eligibility", "focus-code",
    "focus-reference", "identifier", "keyword", "name", "objective-description",
    "objective-type", "part-of", "phase", "progress-status-state-actual",
    "progress-status-state-period", "progress-status-state-period-actual", "protocol",
    "recruitment-actual", "recruitment-target", "region", "site", "status", "study-design",
    "title",
]  # fmt: skip
COMMON = ["_id", "_lastUpdated", "_tag", "_profile", "_security", "_text", "_content", "_list",
          "_has", "_type", "_filter", "_sort", "_count", "_include", "_revinclude", "_summary",
          "_total", "_elements", "_contained", "_format", "_page"]  # fmt: skip
SAMPLE = {
    "_count": "5",
    "_page": "1",
    "_format": "json",
    "status": "active",
    "progress-status-state-actual": "recruiting$true",
    "date": "ge2020-01-01",
    "recruitment-actual": "10",
    "recruitment-target": "10",
}


def _ids(client, query) -> list[str]:
    response = client.get("/fhir/ResearchStudy", query)
    assert response.status_code == 200, response.content
    bundle = Bundle.model_validate(response.json())
    return [entry.resource.id for entry in bundle.entry or []]


def _outcome(client, query, status=400) -> dict:
    response = client.get("/fhir/ResearchStudy", query)
    assert response.status_code == status, response.content
    body = response.json()
    OperationOutcome.model_validate(body)
    return body["issue"][0]


def test_status_is_the_record_status(client):
    recruiting = make_detailed_trial(overall_status="RECRUITING")
    completed = make_detailed_trial(overall_status="COMPLETED")
    make_detailed_trial(status="draft")
    assert _ids(client, {"status": "active"}) == sorted([recruiting.nct_id, completed.nct_id])
    with_system = "http://hl7.org/fhir/publication-status|active"
    assert _ids(client, {"status": with_system}) == sorted([recruiting.nct_id, completed.nct_id])
    assert _outcome(client, {"status": "http://example.org|active"})["code"] == "code-invalid"
    assert _ids(client, {"status": "draft"}) == []
    assert _ids(client, {"status": "retired,unknown"}) == []
    issue = _outcome(client, {"status": "recruiting"})
    assert issue["code"] == "code-invalid"
    assert "progress-status-state-actual" in issue["diagnostics"]


def test_recruitment_has_its_own_r5_parameter(client):
    recruiting = make_detailed_trial(overall_status="RECRUITING")
    completed = make_detailed_trial(overall_status="COMPLETED")
    name = "progress-status-state-actual"
    assert _ids(client, {name: "recruiting$true"}) == [recruiting.nct_id]
    assert _ids(client, {name: "recruiting"}) == [recruiting.nct_id]
    system = "http://hl7.org/fhir/research-study-status"
    assert _ids(client, {name: f"{system}|completed$true"}) == [completed.nct_id]
    assert _ids(client, {name: "recruiting$false"}) == []
    assert _outcome(client, {name: "http://example.org|recruiting"})["code"] == "code-invalid"
    assert _outcome(client, {name: "open$true"})["code"] == "code-invalid"


def test_id_and_identifier_find_a_trial_by_nct_id_eu_number_and_secondary_id(client):
    match = make_detailed_trial(
        other_ids=[{"id": "EAY131", "type": "OTHER"}, "NCI-2015-00054"],
        eu_ct_number="2023-510173-34-00",
    )
    other = make_detailed_trial(other_ids=[{"id": "EAY131-A", "type": "OTHER"}])
    assert _ids(client, {"_id": match.nct_id}) == [match.nct_id]
    assert _ids(client, {"_id": f"{match.nct_id},{other.nct_id}"}) == sorted(
        [match.nct_id, other.nct_id]
    )
    assert _ids(client, {"identifier": "EAY131"}) == [match.nct_id]  # whole ids only
    assert _ids(client, {"identifier": "|EAY131"}) == [match.nct_id]
    assert _ids(client, {"identifier": "EAY13"}) == []
    assert _ids(client, {"identifier": "NCI-2015-00054"}) == [match.nct_id]
    assert _ids(client, {"identifier": f"http://clinicaltrials.gov|{match.nct_id}"}) == [
        match.nct_id
    ]
    assert _ids(client, {"identifier": "http://clinicaltrials.gov|EAY131"}) == []
    assert _ids(client, {"identifier": "https://euclinicaltrials.eu|2023-510173-34-00"}) == [
        match.nct_id
    ]


def test_identifier_finds_the_real_nci_match_record_by_its_protocol_number(client):
    trials.demo.load()
    assert _ids(client, {"identifier": "EAY131"}) == ["NCT02465060"]


def test_condition_matches_whole_codes_with_system(client):
    CancerType.objects.update_or_create(
        slug="test-c4", defaults={"name": "Test C4 type", "icd10": "C4"}
    )
    melanoma = make_detailed_trial(cancer_types=("melanoma",), conditions=["Cutaneous Melanoma"])
    sarcoma = make_detailed_trial(cancer_types=("sarcoma",), conditions=["Soft Tissue Sarcoma"])
    assert CancerType.objects.get(slug="melanoma").icd10 == "C43"
    assert _ids(client, {"condition": "C43"}) == [melanoma.nct_id]
    assert _ids(client, {"condition": f"{ICD10_SYSTEM}|C43"}) == [melanoma.nct_id]
    assert _ids(client, {"condition": "C4"}) == []  # no C4 trial; C43 is another code
    assert _ids(client, {"condition": "c46"}) == [sarcoma.nct_id]  # inside C45-C49
    assert _ids(client, {"condition": "http://snomed.info/sct|C43"}) == []
    assert _ids(client, {"condition": "melanoma"}) == [melanoma.nct_id]  # slug
    assert _ids(client, {"condition": "cutaneous melanoma"}) == [melanoma.nct_id]  # full text
    assert _ids(client, {"condition": "Melan"}) == []
    assert _ids(client, {"condition:text": "Melan"}) == [melanoma.nct_id]


def test_keyword_matches_whole_keywords_and_content_is_free_text(client):
    tagged = make_detailed_trial(keywords=["PD-1", "melanoma"], drugs=("nivolumab",))
    make_detailed_trial(keywords=["PD-1 inhibitor"])
    assert _ids(client, {"keyword": "pd-1"}) == [tagged.nct_id]
    assert len(_ids(client, {"keyword:text": "PD-1"})) == 2
    assert _ids(client, {"_content": "nivolumab"}) == [tagged.nct_id]


def test_escaped_comma_is_part_of_a_value(client):
    trial = make_detailed_trial(conditions=["Melanoma, Stage IV"])
    assert _ids(client, {"condition": r"Melanoma\, Stage IV"}) == [trial.nct_id]
    assert _ids(client, {"condition": "Stage IV"}) == []


@pytest.mark.parametrize("name", ["_id", "identifier", "condition", "keyword", "status"])
def test_too_many_comma_separated_values_is_an_operation_outcome(client, name):
    make_detailed_trial()
    value = "active" if name == "status" else "x"
    assert _ids(client, {name: ",".join([value] * MAX_VALUES)}) is not None
    issue = _outcome(client, {name: ",".join([value] * (MAX_VALUES + 1))})
    assert issue["code"] == "too-costly"
    assert name in issue["diagnostics"]
    # Repeating the parameter counts too.
    query = [(name, ",".join([value] * 10))] * 3
    response = client.get("/fhir/ResearchStudy?" + "&".join(f"{k}={v}" for k, v in query))
    assert response.status_code == 400
    assert response.json()["issue"][0]["code"] == "too-costly"


def test_capability_statement_lists_exactly_what_the_search_accepts(client):
    make_detailed_trial()
    response = client.get("/fhir/metadata")
    statement = CapabilityStatement.model_validate(response.json())
    (resource,) = statement.rest[0].resource
    advertised = {param.name: param for param in resource.searchParam}
    for param in advertised.values():
        assert param.documentation, param.name
        if not param.name.startswith("_") and param.name != "status":
            assert param.definition.endswith(f"/ResearchStudy-{param.name}")
    accepted = set()
    for name in R5_RESEARCHSTUDY + COMMON:
        value = SAMPLE.get(name, "x")
        response = client.get("/fhir/ResearchStudy", {name: value})
        if response.status_code == 200:
            accepted.add(name)
        else:
            issue = response.json()["issue"][0]
            assert issue["code"] == "not-supported", (name, issue)
    assert accepted == set(advertised)
    assert advertised["progress-status-state-actual"].type == "composite"
    assert advertised["identifier"].type == "token"
