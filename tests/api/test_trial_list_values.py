"""The JSON trial list page built from value rows (trials/api_list.py) is byte for byte the page the
serializer path builds: the same paginator over the same filtered queryset, TrialSerializer for the
page's trials, rendered by DRF's JSONRenderer. Compared on the demo trials, the 73 imported real
records and edge cases (no sites, no interventions or drug, no eligibility, hidden sites, nulls,
stale statuses, another language, ?format=json)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.db.models import JSONField, Value
from django.test import RequestFactory
from django.utils import translation
from django.utils.http import http_date
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request

from ion_portal.models import CancerType, Person
from tests.factories import make_detailed_trial, make_unit
from tests.trials.conftest import _imported_snapshot, imported  # noqa: F401 (fixtures)
from trials.api import TrialViewSet
from trials.api_list import trial_list_items
from trials.models import Intervention, Trial, TrialSite
from trials.pagination import TrialPagination
from trials.serializers import TrialSerializer

pytestmark = pytest.mark.django_db

LIST = "/api/v1/trials/"


def _serializer_page(path: str, language: str, **headers) -> bytes:
    """The list response body as the serializer path makes it for `path`, in `language`."""
    request = Request(RequestFactory().get(path, **headers))
    view = TrialViewSet(request=request, format_kwarg=None, kwargs={}, action="list")
    with translation.override(language):
        queryset = view.filter_queryset(view.get_queryset())
        paginator = TrialPagination()
        page = paginator.paginate_queryset(queryset, request, view=view)
        context = {"request": request, "format": None, "view": view}
        data = TrialSerializer(page, many=True, context=context).data
        return JSONRenderer().render(paginator.get_paginated_response(data).data)


def _assert_same_as_serializer(client, path: str, **headers) -> dict:
    response = client.get(path, **headers)
    assert response.status_code == 200, response.content
    expected = _serializer_page(path, response["Content-Language"], **headers)
    assert response.json() == json.loads(expected), path  # a readable difference first
    assert response.content == expected, path
    return response.json()


def _all_pages(client, query: str = "", size: int = 7) -> int:
    """Every page of the list compared; returns how many trials they held."""
    seen, page = 0, 1
    while True:
        body = _assert_same_as_serializer(client, f"{LIST}?page_size={size}&page={page}{query}")
        seen += len(body["results"])
        if not body["next"]:
            return seen
        page += 1


def test_every_demo_page_equals_the_serializers(client, core_and_trials_demo):
    total = Trial.objects.published().count()
    assert total >= 10
    assert _all_pages(client) == total
    assert _all_pages(client, "&status=open", size=3) >= 1
    body = _assert_same_as_serializer(client, f"{LIST}?page_size=100")
    # The demo places trials at sites with a principal investigator: those are compared too.
    assert any(t["sites"] and t["sites"][0]["principal_investigator"] for t in body["results"])


@pytest.mark.usefixtures("imported")
def test_every_imported_real_record_page_equals_the_serializers(client):
    total = Trial.objects.published().count()
    assert total >= 70
    assert _all_pages(client, size=50) == total
    assert _all_pages(client, "&status=all&ordering=start_date", size=25) == total
    assert _all_pages(client, "&q=pembrolizumab", size=10) >= 1  # relevance order (rank)


def _edge_cases() -> list[Trial]:
    bare = make_detailed_trial(
        drugs=(),
        sites=(),
        phases=(),
        brief_summary="",
        conditions=[],
        keywords=[],
        collaborators=[],
        other_ids=[],
        sex="",
        minimum_age="",
        minimum_age_days=None,
        maximum_age_days=None,
        start_date=None,
        completion_date=None,
        last_update_posted=None,
        enrollment_count=None,
        healthy_volunteers=None,
        eligibility_criteria="",
    )
    # Sites are ordered by unit name, then slug: neither alone gives this order.
    make_unit("zeta-site", "Ambulatory care")
    make_unit("mid-site", "Oncology")
    make_unit("alpha-site", "Oncology")
    full = make_detailed_trial(
        drugs=("nivolumab", "ipilimumab"),
        cancer_types=("melanoma",),
        sites=("mid-site", "zeta-site", "alpha-site"),
        phases=("PHASE1", "PHASE2"),
        eu_ct_number="2024-512345-12-00",
        last_known_status="RECRUITING",
        why_stopped="",
        primary_completion_date=date(2027, 5, 1),
        first_posted=date(2024, 1, 15),
        status_verified=date(2025, 5, 1),
        maximum_age="75 Years",
        maximum_age_days=75 * 365,
        healthy_volunteers=False,
        eligibility_criteria="Inclusion Criteria:\n\n* Adults\n\nExclusion Criteria:\n\n* None",
        line_of_therapy="first-line",
        conditions=["Melanoma", "Stage IV Melanoma"],
    )
    # A malformed list (written past the model, as a bad import could): items as strings, nulls null.
    Trial.objects.filter(pk=full.pk).update(keywords=["immunotherapy", 7, None])
    # Cancer types in name order, an intervention without a drug, hidden (proposed, rejected) sites,
    # a site without a principal investigator and one with a titled one.
    for slug in ("lung-cancer", "breast-cancer"):
        full.cancer_types.add(CancerType.objects.get(slug=slug))
    Intervention.objects.create(
        trial=full, type="PROCEDURE", name="Surgery", other_names=[], position=9
    )
    questionnaire = Intervention.objects.create(
        trial=full, type="OTHER", name="Questionnaire", description="QoL"
    )
    # A JSON null in place of the list: the serializer gives null.
    Intervention.objects.filter(pk=questionnaire.pk).update(
        other_names=Value(None, output_field=JSONField())
    )
    for slug, state in (("proposed-site", "proposed"), ("rejected-site", "rejected")):
        TrialSite.objects.create(
            trial=full, unit=make_unit(slug), local_status="RECRUITING", state=state
        )
    TrialSite.objects.filter(trial=full, unit__slug="mid-site").update(principal_investigator=None)
    titled = Person.objects.create(title="Prof. Dr.", first_name="Jan", last_name="Claes")
    TrialSite.objects.filter(trial=full, unit__slug="zeta-site").update(
        principal_investigator=titled, local_status="COMPLETED"
    )
    stale = make_detailed_trial(
        overall_status="RECRUITING", status_verified=date(2019, 1, 1), healthy_volunteers=True
    )
    closed = make_detailed_trial(overall_status="WITHDRAWN", why_stopped="No funding")
    make_detailed_trial(status="draft")
    return [bare, full, stale, closed]


def test_edge_cases_equal_the_serializers(client):
    bare, full, stale, closed = _edge_cases()
    body = _assert_same_as_serializer(client, LIST)
    results = {t["nct_id"]: t for t in body["results"]}
    assert len(results) == 4  # the draft stays out
    # The cases are what they claim to be (the comparison above proves the equality).
    assert results[bare.nct_id]["sites"] == []
    assert results[bare.nct_id]["interventions"] == []
    assert results[bare.nct_id]["start_date"] is None
    assert results[bare.nct_id]["eligibility"]["minimum_age_days"] is None
    assert [s["slug"] for s in results[full.nct_id]["sites"]] == [
        "zeta-site",
        "alpha-site",
        "mid-site",
    ]
    assert results[full.nct_id]["sites"][0]["principal_investigator"] == "Prof. Dr. Jan Claes"
    assert results[full.nct_id]["sites"][2]["principal_investigator"] is None
    interventions = {i["name"]: i for i in results[full.nct_id]["interventions"]}
    assert [i["name"] for i in results[full.nct_id]["interventions"]][-1] == "Surgery"  # position
    assert interventions["Surgery"]["drug"] is None
    assert interventions["Questionnaire"]["other_names"] is None
    assert results[full.nct_id]["keywords"] == ["immunotherapy", "7", None]
    assert results[full.nct_id]["cancer_types"] == ["breast-cancer", "lung-cancer", "melanoma"]
    assert results[stale.nct_id]["recruitment"] == "unverified"
    assert results[closed.nct_id]["recruitment"] == "closed"
    # Paged, filtered, with ?format=json (every url then keeps it) and with a page size.
    _assert_same_as_serializer(client, f"{LIST}?page_size=1&page=3")
    _assert_same_as_serializer(client, f"{LIST}?status=all&phase=PHASE2")
    with_format = _assert_same_as_serializer(client, f"{LIST}?format=json&page_size=2")
    assert with_format["results"][0]["url"].endswith("/?format=json")


def test_another_language_and_host_give_the_serializers_urls(client, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver", "api.example.org"]
    _edge_cases()
    # The API is not under a language prefix: an Accept-Language of fr still answers in English.
    _assert_same_as_serializer(client, LIST, HTTP_ACCEPT_LANGUAGE="fr")
    _assert_same_as_serializer(client, LIST, HTTP_HOST="api.example.org", secure=True)
    # Where French is active, the trials' page links are the French pages, as the serializer's.
    request = Request(RequestFactory().get(LIST, secure=True))
    ids = list(Trial.objects.published().order_by("nct_id").values_list("pk", flat=True))
    with translation.override("fr"):
        items, _last = trial_list_items(ids, request=request)
        expected = TrialSerializer(
            TrialViewSet().get_queryset().order_by("nct_id"),
            many=True,
            context={"request": request},
        ).data
    assert JSONRenderer().render(items) == JSONRenderer().render(expected)
    assert items[0]["page"].startswith("https://testserver/fr/trials/NCT")
    assert items[0]["url"].startswith("https://testserver/api/v1/trials/NCT")


def test_a_page_with_an_nct_id_the_urls_do_not_accept_is_left_to_the_serializer():
    good = make_detailed_trial()
    bad = make_detailed_trial(nct_id="NCT1234567")  # saved without validation: seven digits
    request = Request(RequestFactory().get(LIST))
    assert trial_list_items([good.pk], request=request) is not None
    assert trial_list_items([good.pk, bad.pk], request=request) is None


def test_last_modified_is_the_newest_trial_of_the_page(client):
    trials = [make_detailed_trial() for _ in range(3)]
    newest = Trial.objects.get(pk=trials[1].pk)
    newest.brief_title = "Changed"
    newest.save()
    response = client.get(LIST)
    assert response.status_code == 200
    assert response["Last-Modified"] == http_date(int(newest.updated_at.timestamp()))
