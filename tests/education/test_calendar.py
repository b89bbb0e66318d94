"""The agenda's calendar files: RFC 5545 shape, time zones, stable UIDs, filters; Atom feeds parse."""

from __future__ import annotations

import datetime
import zoneinfo

import feedparser
import icalendar
import pytest

from education.models import Event
from tests.factories import make_event

pytestmark = pytest.mark.django_db

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
NEXT_JANUARY = datetime.datetime(datetime.date.today().year + 1, 1, 14, 18, 0, tzinfo=BRUSSELS)


def _calendar(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def test_event_ics_at_18_brussels_in_january_is_17_utc(client):
    make_event("winter-seminar", start=NEXT_JANUARY, hours=1)

    calendar = _calendar(client.get("/events/winter-seminar/calendar.ics"))

    (vevent,) = calendar.walk("VEVENT")
    start = vevent.decoded("dtstart")
    assert start.astimezone(datetime.UTC) == datetime.datetime(
        NEXT_JANUARY.year, 1, 14, 17, 0, tzinfo=datetime.UTC
    )
    assert vevent["dtstart"].params["TZID"] == "Europe/Brussels"
    assert vevent.decoded("dtend").astimezone(datetime.UTC).hour == 18


def test_ics_has_the_rfc5545_required_parts(client):
    event = make_event("winter-seminar", start=NEXT_JANUARY)

    response = client.get("/events/winter-seminar/calendar.ics")
    calendar = _calendar(response)

    assert str(calendar["version"]) == "2.0"
    assert "prodid" in calendar
    (timezone_component,) = calendar.walk("VTIMEZONE")
    assert str(timezone_component["tzid"]) == "Europe/Brussels"
    (vevent,) = calendar.walk("VEVENT")
    assert vevent.decoded("dtstamp").tzinfo is not None
    assert str(vevent["uid"]) == f"{event.uid}@127.0.0.1"
    assert str(vevent["summary"]) == event.title
    assert str(vevent["url"]).endswith("/events/winter-seminar/")
    assert response["Content-Disposition"] == 'attachment; filename="winter-seminar.ics"'
    # Lines are folded at 75 octets and end in CRLF.
    assert all(len(line) <= 75 for line in response.content.split(b"\r\n"))


def test_uid_is_stable_when_the_event_is_edited(client):
    event = make_event("seminar", start=NEXT_JANUARY)
    before = _calendar(client.get("/events/feed.ics")).walk("VEVENT")[0]

    event.title = "Renamed seminar"
    event.start += datetime.timedelta(hours=1)
    event.end += datetime.timedelta(hours=1)
    event.save()
    after = _calendar(client.get("/events/feed.ics")).walk("VEVENT")[0]

    assert str(after["uid"]) == str(before["uid"])
    assert str(after["summary"]) == "Renamed seminar"
    assert int(after["sequence"]) >= int(before["sequence"])


def test_all_day_event_uses_dates_with_an_exclusive_end(client):
    start = datetime.datetime(NEXT_JANUARY.year, 3, 2, 0, 0, tzinfo=BRUSSELS)
    make_event("preceptorship", start=start, hours=24, all_day=True)

    (vevent,) = _calendar(client.get("/events/preceptorship/calendar.ics")).walk("VEVENT")

    assert vevent.decoded("dtstart") == datetime.date(NEXT_JANUARY.year, 3, 2)
    assert vevent.decoded("dtend") == datetime.date(NEXT_JANUARY.year, 3, 4)


def test_event_in_another_time_zone_keeps_its_own_tzid(client):
    new_york = zoneinfo.ZoneInfo("America/New_York")
    start = datetime.datetime(NEXT_JANUARY.year, 1, 20, 11, 0, tzinfo=new_york)
    make_event("sitc-webinar", start=start, timezone="America/New_York")

    calendar = _calendar(client.get("/events/sitc-webinar/calendar.ics"))

    (vevent,) = calendar.walk("VEVENT")
    assert vevent["dtstart"].params["TZID"] == "America/New_York"
    assert vevent.decoded("dtstart").astimezone(datetime.UTC).hour == 16
    assert {str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")} == {"America/New_York"}


def test_feed_filters_by_audience_including_events_for_everyone(client):
    make_event("for-professionals", audience="professionals")
    make_event("for-patients", audience="patients")
    make_event("for-everyone", audience="everyone")

    calendar = _calendar(client.get("/events/feed.ics?audience=professionals"))

    urls = sorted(str(vevent["url"]).rsplit("/", 2)[-2] for vevent in calendar.walk("VEVENT"))
    assert urls == ["for-everyone", "for-professionals"]


def test_feed_filters_by_type(client):
    make_event("a-webinar", event_type=Event.Type.WEBINAR)
    make_event("a-course", event_type=Event.Type.COURSE)
    make_event("a-journal-club", event_type=Event.Type.JOURNAL_CLUB)

    calendar = _calendar(client.get("/events/feed.ics?type=journal-club"))

    assert [str(vevent["summary"]) for vevent in calendar.walk("VEVENT")] == [
        "Event a-journal-club"
    ]


def test_feed_with_an_unknown_filter_value_answers_400_with_a_reason(client):
    response = client.get("/events/feed.ics?audience=martians")

    assert response.status_code == 400
    assert "audience" in response.content.decode()


def test_agenda_offers_a_webcal_subscription_that_keeps_the_filters(client):
    response = client.get("/events/?type=webinar&audience=patients")

    assert "webcal://testserver/events/feed.ics?type=webinar&amp;audience=patients" in (
        response.content.decode()
    )


def test_atom_feeds_parse_and_list_published_items(client):
    make_event("upcoming-seminar")
    from tests.factories import make_news

    make_news("hello", title="Hello network")

    news = feedparser.parse(client.get("/news/feed/").content)
    events = feedparser.parse(client.get("/events/feed/").content)

    assert news.version == "atom10" and not news.bozo
    assert [entry.title for entry in news.entries] == ["Hello network"]
    assert events.version == "atom10" and not events.bozo
    assert [entry.title for entry in events.entries] == ["Event upcoming-seminar"]
    assert events.entries[0].link.endswith("/events/upcoming-seminar/")


def test_feed_leaves_out_events_that_ended_more_than_90_days_ago(client):
    from django.utils import timezone

    make_event("long-ago", start=timezone.now() - datetime.timedelta(days=120))
    make_event("last-month", start=timezone.now() - datetime.timedelta(days=30))

    summaries = [
        str(vevent["summary"])
        for vevent in _calendar(client.get("/events/feed.ics")).walk("VEVENT")
    ]

    assert summaries == ["Event last-month"]


def test_cached_feed_changes_when_an_event_is_edited_or_published(client):
    event = make_event("seminar", title="First title")
    assert b"First title" in client.get("/events/feed.ics").content

    event.title = "Second title"
    event.save()
    assert b"Second title" in client.get("/events/feed.ics").content

    make_event("draft", status="draft", title="Now public")
    assert b"Now public" not in client.get("/events/feed.ics").content
    from education.models import Event

    Event.objects.filter(slug="draft").update(status="published", published_at=event.published_at)
    assert b"Now public" in client.get("/events/feed.ics").content
