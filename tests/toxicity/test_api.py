"""The toxicity API: published guidelines with grades and recommendations; public fields only."""

from __future__ import annotations

import json

from toxicity.models import TaskForceMember, Toxicity


def test_toxicity_list_has_grades_and_recommendations(
    guidelines, client, django_assert_num_queries
):
    # count, toxicities (+organ, scheme, source, reviewer), grades, recommendations (+source), based-on:
    # the same five queries for any number of guidelines.
    with django_assert_num_queries(5):
        response = client.get("/api/v1/toxicities/")
    data = response.json()
    assert response.status_code == 200
    assert data["count"] == 19
    colitis = next(item for item in data["results"] if item["slug"] == "colitis")
    assert [grade["grade"] for grade in colitis["grading_scheme"]["grades"]] == [1, 2, 3, 4]
    assert {rec["grade"] for rec in colitis["recommendations"]} == {1, 2, 3, 4}
    assert colitis["recommendations"][0]["source"] == "local"
    assert colitis["page"].endswith("/toxicity/colitis/")
    assert colitis["url"].endswith("/api/v1/toxicities/colitis/")


def test_organ_systems_list(guidelines, client, django_assert_num_queries):
    with django_assert_num_queries(2):  # count and page
        data = client.get("/api/v1/organ-systems/").json()
    assert {
        "slug": "endocrine",
        "name": "Endocrine glands",
        "description": "Pituitary, thyroid, pancreas, adrenal glands",
    } in data["results"]


def test_api_hides_drafts(guidelines, client):
    Toxicity.objects.filter(slug="uveitis").update(status=Toxicity.Status.DRAFT)
    slugs = {
        item["slug"] for item in client.get("/api/v1/toxicities/?page_size=100").json()["results"]
    }
    assert "uveitis" not in slugs
    assert client.get("/api/v1/toxicities/uveitis/").status_code == 404
    organs = {item["slug"] for item in client.get("/api/v1/organ-systems/").json()["results"]}
    assert "eyes" not in organs


def test_api_carries_no_contact_details(guidelines, client):
    body = json.dumps(client.get("/api/v1/toxicities/").json())
    assert "@" not in body.replace("@context", "")
    for member in TaskForceMember.objects.select_related("person"):
        assert member.phone not in body
        assert member.person.email not in body
    colitis = client.get("/api/v1/toxicities/colitis/").json()
    assert colitis["reviewer"] == Toxicity.objects.get(slug="colitis").reviewer.display_name


def test_api_is_read_only(guidelines, client):
    assert client.post("/api/v1/toxicities/", {}).status_code == 405
    assert client.delete("/api/v1/toxicities/colitis/").status_code == 405
