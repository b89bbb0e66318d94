"""The education API: read-only, published rows only, the lists' FilterSets, pinned query counts."""

from __future__ import annotations

import pytest

from education.models import Event, ResourceVariant
from tests.factories import make_event, make_news, make_resource

pytestmark = pytest.mark.django_db


def test_news_api_lists_published_items_with_explicit_fields(client):
    make_news("hello", title="Hello", language="nl")
    make_news("secret", status="draft")

    data = client.get("/api/v1/news/").json()

    assert data["count"] == 1
    item = data["results"][0]
    assert set(item) == {
        "slug",
        "title",
        "language",
        "audience",
        "summary",
        "body",
        "author",
        "published_at",
        "updated_at",
        "url",
        "page",
    }
    # `url` is the API resource, `page` the web page, as in every app's API.
    assert item["url"] == "http://testserver/api/v1/news/hello/"
    assert item["page"] == "http://testserver/news/hello/"
    assert client.get(item["url"]).json()["slug"] == "hello"


def test_events_api_filters_with_the_agenda_filterset(client):
    make_event("webinar", event_type=Event.Type.WEBINAR, audience="patients")
    make_event("course", event_type=Event.Type.COURSE)

    data = client.get("/api/v1/events/?type=webinar").json()

    assert [event["slug"] for event in data["results"]] == ["webinar"]
    assert data["results"][0]["uid"].endswith("@127.0.0.1")
    assert data["results"][0]["ics_url"] == "http://testserver/events/webinar/calendar.ics"


def test_events_api_answers_400_with_a_reason_for_an_unknown_filter_value(client):
    response = client.get("/api/v1/events/?audience=martians")

    assert response.status_code == 400
    body = response.json()
    assert "martians" in body["errors"]["audience"][0]
    assert set(body["allowed"]["audience"]) == {"professionals", "patients", "everyone"}


def test_resources_api_lists_language_variants(client):
    resource = make_resource("guide", languages=("en",))
    ResourceVariant.objects.create(resource=resource, language="pl", url="https://example.org/pl")

    (item,) = client.get("/api/v1/resources/?language=pl").json()["results"]

    assert [(v["language"], v["content_type"]) for v in item["variants"]] == [
        ("en", "application/pdf"),
        ("pl", ""),
    ]
    assert item["variants"][0]["download"] == "http://testserver/resources/guide/en/file/"
    assert item["variants"][1]["download"] == "https://example.org/pl"
    assert item["url"] == "http://testserver/api/v1/resources/guide/"
    assert item["page"] == "http://testserver/resources/guide/"


def test_api_is_read_only(client):
    make_news("hello")

    assert client.post("/api/v1/news/", {"title": "x"}).status_code == 405
    assert client.delete("/api/v1/news/hello/").status_code == 405


@pytest.mark.parametrize("count", [1, 10])
def test_api_list_query_counts_do_not_grow_with_rows(client, django_assert_num_queries, count):
    for index in range(count):
        make_news(f"news-{index}")
        make_event(f"event-{index}")
        make_resource(f"resource-{index}", languages=("en", "nl"))
    # news: count + page with authors; events: count + page;
    # resources: count + page + prefetched cancer types + prefetched variants.
    with django_assert_num_queries(2):
        client.get("/api/v1/news/")
    with django_assert_num_queries(2):
        client.get("/api/v1/events/")
    with django_assert_num_queries(4):
        client.get("/api/v1/resources/")
