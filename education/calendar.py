"""iCalendar (RFC 5545) output for events: one event's `.ics` and the subscribable, filterable feed.

Stable UIDs (the event's UUID at the site's host), DTSTART/DTEND with a TZID and the matching
VTIMEZONE (icalendar's `add_missing_timezones`), DTSTAMP on every VEVENT, SEQUENCE from the last change
so calendar apps pick up updates, and VALUE=DATE for all-day events (DTEND exclusive, RFC 5545 3.6.1).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.utils import timezone

from .models import Event

PRODID = "-//Immuno-Oncology Network//ION Portal agenda//EN"


def _uid_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "ion-portal.example"


def event_uid(event: Event) -> str:
    """The event's UID: never changes, whatever is edited."""
    return f"{event.uid}@{_uid_host()}"


def _vevent(event: Event, *, base_url: str, stamp: datetime.datetime) -> icalendar.Event:
    vevent = icalendar.Event()
    vevent.add("uid", event_uid(event))
    vevent.add("dtstamp", stamp)
    if event.all_day:
        first = event.local_start.date()
        last = event.local_end.date()
        vevent.add("dtstart", first)
        vevent.add("dtend", max(last, first) + datetime.timedelta(days=1))
    else:
        vevent.add("dtstart", event.local_start)
        vevent.add("dtend", event.local_end)
    vevent.add("summary", event.title)
    description = event.summary
    if event.registration_url:
        description += f"\n\nRegistration: {event.registration_url}"
    vevent.add("description", description)
    if event.location:
        vevent.add("location", event.location)
    elif event.online_url:
        vevent.add("location", event.online_url)
    vevent.add("url", base_url + event.get_absolute_url())
    vevent.add("categories", [event.get_event_type_display()])
    vevent.add("last-modified", event.updated_at)
    # SEQUENCE must grow when the event changes; the last change in whole minutes since 2020 does.
    sequence = int(
        (event.updated_at - datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)).total_seconds()
        // 60
    )
    vevent.add("sequence", max(sequence, 0))
    vevent.add("status", "CONFIRMED")
    vevent.add("transp", "OPAQUE")
    return vevent


def build_calendar(events: Iterable[Event], *, base_url: str, name: str) -> bytes:
    """A VCALENDAR with the given events, their VTIMEZONEs and a calendar name for subscribers."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    # Subscribers' apps poll at most every few hours; ask for twice a day.
    calendar.add("refresh-interval", datetime.timedelta(hours=12), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT12H")
    stamp = timezone.now().replace(microsecond=0)
    for event in events:
        calendar.add_component(_vevent(event, base_url=base_url, stamp=stamp))
    calendar.add_missing_timezones()
    return calendar.to_ical()
