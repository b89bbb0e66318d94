"""Admin: events are typed in their own time zone; scheduling; publish-now action."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from education.models import Event, NewsItem
from tests.factories import make_event, make_news

pytestmark = pytest.mark.django_db


def _event_form(**overrides) -> dict:
    data = {
        "title": "SITC webinar",
        "slug": "sitc-webinar",
        "event_type": "webinar",
        "audience": "professionals",
        "summary": "A webinar.",
        "description": "",
        "timezone": "America/New_York",
        "start_0": "2030-01-20",
        "start_1": "11:00",
        "end_0": "2030-01-20",
        "end_1": "12:00",
        "location": "",
        "online_url": "https://example.org/live",
        "languages": ["en", "nl"],
        "speakers": "",
        "accreditation_system": "",
        "accreditation_points": "",
        "registration_url": "",
        "status": "published",
        "published_at_0": "",
        "published_at_1": "",
    }
    # The timetable and material inlines' management forms (no rows).
    for prefix in ("sessions", "materials"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    data.update(overrides)
    return data


def test_event_times_are_entered_in_the_event_time_zone(curator_client):
    response = curator_client.post(reverse("admin:education_event_add"), _event_form())

    assert response.status_code == 302, response.content.decode()[:2000]
    event = Event.objects.get()
    assert event.start == datetime.datetime(2030, 1, 20, 16, 0, tzinfo=datetime.UTC)
    assert event.languages == ["en", "nl"]
    change = curator_client.get(reverse("admin:education_event_change", args=[event.pk]))
    assert 'value="11:00:00"' in change.content.decode()


def test_event_ending_before_it_starts_is_refused(curator_client):
    response = curator_client.post(reverse("admin:education_event_add"), _event_form(end_1="10:00"))

    assert response.status_code == 200
    assert "The event cannot end before it starts." in response.content.decode()
    assert not Event.objects.exists()


def test_points_without_a_system_are_refused(curator_client):
    response = curator_client.post(
        reverse("admin:education_event_add"), _event_form(accreditation_points="2")
    )

    assert "Say which system awards these points." in response.content.decode()


def test_scheduling_a_news_item_in_admin(curator_client):
    later = timezone.localtime() + datetime.timedelta(days=3)
    response = curator_client.post(
        reverse("admin:education_newsitem_add"),
        {
            "title": "Coming soon",
            "slug": "coming-soon",
            "language": "en",
            "audience": "everyone",
            "summary": "Soon.",
            "body": "Text.",
            "status": "published",
            "published_at_0": later.strftime("%Y-%m-%d"),
            "published_at_1": later.strftime("%H:%M:%S"),
        },
    )

    assert response.status_code == 302
    item = NewsItem.objects.get()
    assert not item.is_published
    assert NewsItem.objects.published().count() == 0


def test_publish_action(curator_client):
    item = make_news("draft", status="draft")
    make_event("other-draft", status="draft")

    curator_client.post(
        reverse("admin:education_newsitem_changelist"),
        {"action": "publish", "_selected_action": [item.pk]},
    )

    assert list(NewsItem.objects.published()) == [item]
    assert not Event.objects.published().exists()


def test_event_slug_that_would_hide_an_agenda_page_is_refused(curator_client):
    response = curator_client.post(reverse("admin:education_event_add"), _event_form(slug="past"))

    assert "This slug is taken by a page of the agenda" in response.content.decode()
    assert not Event.objects.exists()
