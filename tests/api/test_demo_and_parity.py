"""On the real demo data (imported ClinicalTrials.gov records): every ResearchStudy and Bundle is valid
FHIR R5, and the API's filters give exactly the trials the /trials/ page gives for the same query."""

from __future__ import annotations

import pytest
from fhir.resources.bundle import Bundle
from fhir.resources.researchstudy import ResearchStudy

from trials.exports import check_complete
from trials.models import Trial

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings, core_and_trials_demo):
    settings.API_ANON_RATE = "100000/min"
    # One unpublished trial, which must stay out of everything.
    draft = Trial.objects.published().order_by("nct_id").last()
    draft.status = Trial.Status.DRAFT
    draft.save()
    published = list(Trial.objects.published().order_by("nct_id").values_list("nct_id", flat=True))
    assert len(published) >= 10
    return published, draft.nct_id


def test_every_demo_trial_is_a_valid_r5_research_study(client, demo):
    published, draft = demo
    for nct_id in published:
        response = client.get(f"/fhir/ResearchStudy/{nct_id}")
        assert response.status_code == 200, nct_id
        study = ResearchStudy.model_validate(response.json())
        assert study.id == nct_id
        assert study.url.endswith(f"/trials/{nct_id}/")
    assert client.get(f"/fhir/ResearchStudy/{draft}").status_code == 404


def test_every_demo_bundle_page_is_valid_and_drafts_are_absent(client, demo):
    published, draft = demo
    seen = []
    url = "/fhir/ResearchStudy?_count=4"
    while url:
        bundle = Bundle.model_validate(client.get(url).json())
        assert bundle.total == len(published)
        seen += [entry.resource.id for entry in bundle.entry]
        url = next((link.url for link in bundle.link if link.relation == "next"), None)
    assert seen == published
    assert draft not in seen
    for query in (
        "progress-status-state-actual=recruiting",
        "condition=melanoma",
        "_content=pembrolizumab",
    ):
        Bundle.model_validate(client.get(f"/fhir/ResearchStudy?{query}").json())


def test_draft_is_absent_from_api_list_detail_and_csv(client, demo):
    published, draft = demo
    response = client.get("/api/v1/trials/", {"page_size": 200, "status": "all"})
    assert sorted(t["nct_id"] for t in response.json()["results"]) == published
    assert client.get(f"/api/v1/trials/{draft}/").status_code == 404
    csv_text = b"".join(client.get("/api/v1/trials/?format=csv").streaming_content).decode()
    assert draft not in csv_text
    assert csv_text.count("\n") == len(published) + 2  # header + one line per trial + trailer
    assert len(check_complete(csv_text)) == len(published) + 1


def _api_ids(client, query: str) -> list[str]:
    ids, url = [], f"/api/v1/trials/?{query}&page_size=7"
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        ids += [t["nct_id"] for t in body["results"]]
        url = body["next"]
    return ids


def _html_ids(client, query: str) -> list[str]:
    response = client.get(f"/trials/?{query}")
    assert response.status_code == 200
    return [t.nct_id for t in response.context["paginator"].object_list]


@pytest.mark.parametrize(
    "query",
    [
        "status=all",
        "status=open",
        "status=closed",
        "status=RECRUITING,COMPLETED",
        "status=all&phase=PHASE3",
        "status=all&phase=PHASE1&phase=PHASE2",
        "status=all&immunotherapy_class=anti-pd-1",
        "status=all&drug=pembrolizumab",
        "status=all&cancer_type=lung-cancer",
        "status=all&site=medical-oncology",
        "status=all&age=70&sex=FEMALE",
        "status=all&q=nivolumab",
        "status=all&q=keytruda",
        "status=all&ordering=start_date",
        "status=all&updated_since=2000-01-01",
    ],
)
def test_api_filters_match_the_html_list(client, demo, query):
    html = _html_ids(client, query)
    assert html, "every query matches some demo trials, so the comparison means something"
    assert _api_ids(client, query) == html
