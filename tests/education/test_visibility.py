"""One visibility rule: drafts and scheduled items stay off every page, feed, the sitemap and the API."""

from __future__ import annotations

import datetime

import icalendar
import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_event, make_news, make_resource

pytestmark = pytest.mark.django_db

PUBLIC_URLS = [
    "/news/",
    "/news/feed/",
    "/events/",
    "/events/feed/",
    "/events/feed.ics",
    "/resources/",
    "/sitemap.xml",
    "/api/v1/news/",
    "/api/v1/events/",
    "/api/v1/resources/",
    "/",
]


def _everywhere(client) -> str:
    return "\n".join(client.get(url).content.decode() for url in PUBLIC_URLS)


def test_scheduled_news_item_is_invisible_until_its_time(client):
    publish_at = timezone.now() + datetime.timedelta(days=2)
    make_news("scheduled-item", published_at=publish_at, title="Scheduled headline")

    assert "scheduled-item" not in _everywhere(client)
    assert client.get("/news/scheduled-item/").status_code == 404
    assert client.get("/api/v1/news/scheduled-item/").status_code == 404

    with time_machine.travel(publish_at + datetime.timedelta(minutes=1)):
        assert client.get("/news/scheduled-item/").status_code == 200
        assert "Scheduled headline" in client.get("/news/").content.decode()
        assert "scheduled-item" in client.get("/sitemap.xml").content.decode()
        assert "scheduled-item" in client.get("/api/v1/news/").content.decode()
        assert "Scheduled headline" in client.get("/news/feed/").content.decode()


def test_drafts_are_absent_from_pages_feeds_sitemap_and_api(client):
    make_news("draft-news", status="draft", title="Secret news")
    make_event("draft-event", status="draft", title="Secret event")
    make_resource("draft-resource", status="draft", title="Secret resource")
    make_news("public-news")
    make_event("public-event")
    make_resource("public-resource")

    everything = _everywhere(client)

    for slug in ("draft-news", "draft-event", "draft-resource", "Secret"):
        assert slug not in everything
    for slug in ("public-news", "public-event", "public-resource"):
        assert slug in everything
    assert client.get("/news/draft-news/").status_code == 404
    assert client.get("/events/draft-event/").status_code == 404
    assert client.get("/events/draft-event/calendar.ics").status_code == 404
    assert client.get("/resources/draft-resource/").status_code == 404
    assert client.get("/resources/draft-resource/en/file/").status_code == 404
    assert client.get("/api/v1/events/draft-event/").status_code == 404


def test_draft_event_is_not_in_the_ics_feed(client):
    make_event("draft-event", status="draft")
    public = make_event("public-event")

    calendar = icalendar.Calendar.from_ical(client.get("/events/feed.ics").content)

    summaries = [str(event["summary"]) for event in calendar.walk("VEVENT")]
    assert summaries == [public.title]


def test_staff_can_preview_a_draft_and_the_page_says_so(client, curator):
    make_news("draft-news", status="draft", title="Draft headline")
    client.force_login(curator)

    response = client.get("/news/draft-news/")

    assert response.status_code == 200
    assert "Preview for staff." in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"
    assert "Draft headline" not in client.get("/news/").content.decode()


def test_members_who_are_not_staff_cannot_preview_drafts(member_client):
    make_news("draft-news", status="draft")
    make_event("draft-event", status="draft")

    assert member_client.get("/news/draft-news/").status_code == 404
    assert member_client.get("/events/draft-event/").status_code == 404


def test_staff_preview_link_is_shown_in_admin_for_a_scheduled_item(curator_client):
    item = make_news("later", published_at=timezone.now() + datetime.timedelta(days=1))

    response = curator_client.get(reverse("admin:education_newsitem_changelist"))

    assert "Scheduled for" in response.content.decode()
    assert item.get_absolute_url() in response.content.decode()
