"""iCalendar (RFC 5545) output for events: one event's `.ics` and the subscribable, filterable feed.

Stable UIDs (the event's UUID at the site's host), DTSTART/DTEND with a TZID and the matching
VTIMEZONE, DTSTAMP on every VEVENT, SEQUENCE from the last change so calendar apps pick up updates,
and VALUE=DATE for all-day events (DTEND exclusive, RFC 5545 3.6.1).

The VTIMEZONE states each zone's current rule as yearly RRULEs (`FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU`),
read from the tz database and checked year by year over the events' span. icalendar's own
`add_missing_timezones` writes long RDATE lists starting in 1970 instead, which ical.js and vobject
misread (both put summer events an hour late); it remains the fallback for a zone whose rule cannot
be said as one yearly RRULE per observance.
"""

from __future__ import annotations

import calendar as gregorian
import datetime
import zoneinfo
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
    sessions = list(event.sessions.all())
    if sessions:
        description += "\n\n" + "\n".join(_session_line(session) for session in sessions)
    if event.registration_url:
        description += f"\n\nRegistration: {event.registration_url}"
    elif event.registration_enabled:
        description += f"\n\nRegistration: {base_url}{event.get_absolute_url()}register/"
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


def _speaker_names(session) -> str:
    return ", ".join(person.display_name for person in session.speakers.all())


def _session_line(session) -> str:
    """One timetable line for the event's DESCRIPTION: 09:00-10:30 Title (room; speakers)."""
    start, end = session.local_start, session.local_end
    extra = "; ".join(part for part in (session.room, _speaker_names(session)) if part)
    return f"{start:%H:%M}-{end:%H:%M} {session.title}" + (f" ({extra})" if extra else "")


def session_uid(event: Event, session) -> str:
    return f"{event.uid}-session-{session.pk}@{_uid_host()}"


def _session_vevent(
    event: Event, session, *, base_url: str, stamp: datetime.datetime
) -> icalendar.Event:
    """A session of a multi-session event as its own VEVENT, a child of the event (RELATED-TO)."""
    vevent = icalendar.Event()
    vevent.add("uid", session_uid(event, session))
    vevent.add("dtstamp", stamp)
    vevent.add("dtstart", session.local_start)
    vevent.add("dtend", session.local_end)
    vevent.add("summary", f"{session.title} ({event.title})")
    speakers = _speaker_names(session)
    if speakers:
        vevent.add("description", speakers)
    location = ", ".join(part for part in (session.room, event.location) if part)
    if location:
        vevent.add("location", location)
    vevent.add("url", base_url + event.get_absolute_url())
    vevent.add("related-to", event_uid(event), parameters={"RELTYPE": "PARENT"})
    vevent.add("status", "CONFIRMED")
    return vevent


_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
UTC = datetime.UTC


def _offset_changes(zone: zoneinfo.ZoneInfo, year: int) -> list[datetime.datetime]:
    """The UTC instants in `year` at which the zone's UTC offset changes (to the minute)."""
    changes = []
    day = datetime.datetime(year, 1, 1, tzinfo=UTC)
    end = datetime.datetime(year + 1, 1, 1, tzinfo=UTC)
    while day < end:
        after = day + datetime.timedelta(days=1)
        if day.astimezone(zone).utcoffset() != after.astimezone(zone).utcoffset():
            low, high = day, after  # bisect to the minute
            while high - low > datetime.timedelta(minutes=1):
                middle = low + (high - low) / 2
                if middle.astimezone(zone).utcoffset() == low.astimezone(zone).utcoffset():
                    low = middle
                else:
                    high = middle
            changes.append(high.replace(second=0, microsecond=0))
        day = after
    return changes


def _rule_date(year: int, month: int, weekday: int, nth: int) -> datetime.date:
    """The nth (or last, nth=-1) given weekday of a month."""
    if nth == -1:
        last = datetime.date(year, month, gregorian.monthrange(year, month)[1])
        return last - datetime.timedelta(days=(last.weekday() - weekday) % 7)
    first = datetime.date(year, month, 1)
    return first + datetime.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))


def _observance(zone, instant: datetime.datetime, first_year: int):
    """One STANDARD/DAYLIGHT observance with its yearly rule, from one offset change."""
    before = (instant - datetime.timedelta(minutes=1)).astimezone(zone)
    after = instant.astimezone(zone)
    local = (instant + before.utcoffset()).replace(tzinfo=None)  # in the old offset (RFC 5545)
    last_week = local.day + 7 > gregorian.monthrange(local.year, local.month)[1]
    nth = -1 if last_week else (local.day - 1) // 7 + 1
    # DAYLIGHT is the observance with the larger offset (Europe/Dublin's tz data says it the other
    # way round, with a negative DST in winter).
    daylight = after.utcoffset() > before.utcoffset()
    component = icalendar.TimezoneDaylight() if daylight else icalendar.TimezoneStandard()
    start = datetime.datetime.combine(
        _rule_date(first_year, local.month, local.weekday(), nth), local.time()
    )
    component.add("dtstart", start)
    component.add(
        "rrule",
        {"freq": "yearly", "bymonth": local.month, "byday": f"{nth}{_WEEKDAYS[local.weekday()]}"},
    )
    component.add("tzoffsetfrom", before.utcoffset())
    component.add("tzoffsetto", after.utcoffset())
    component.add("tzname", after.tzname())
    rule = (local.month, local.weekday(), nth, local.time(), before.utcoffset(), after.utcoffset())
    return component, rule


def vtimezone(tzid: str, first_year: int, last_year: int) -> icalendar.Timezone | None:
    """The zone as a VTIMEZONE with yearly RRULEs valid from first_year to last_year, or None when
    its rules changed in that span (the caller falls back to icalendar's RDATE form)."""
    zone = zoneinfo.ZoneInfo(tzid)
    timezone_component = icalendar.Timezone()
    timezone_component.add("tzid", tzid)
    changes = _offset_changes(zone, first_year)
    if not changes:
        offset = datetime.datetime(first_year, 7, 1, tzinfo=UTC).astimezone(zone)
        for year in range(first_year, last_year + 1):
            if _offset_changes(zone, year):
                return None
        standard = icalendar.TimezoneStandard()
        standard.add("dtstart", datetime.datetime(first_year, 1, 1))
        standard.add("tzoffsetfrom", offset.utcoffset())
        standard.add("tzoffsetto", offset.utcoffset())
        standard.add("tzname", offset.tzname())
        timezone_component.add_component(standard)
        return timezone_component
    if len(changes) != 2:
        return None
    rules = []
    for instant in changes:
        component, rule = _observance(zone, instant, first_year)
        timezone_component.add_component(component)
        rules.append(rule)
    # The same two changes, by the same rules, every year of the span: else the RRULEs would lie.
    for year in range(first_year, last_year + 1):
        expected = sorted(
            datetime.datetime.combine(_rule_date(year, month, weekday, nth), time) - before
            for month, weekday, nth, time, before, _after in rules
        )
        actual = [c.replace(tzinfo=None) for c in _offset_changes(zone, year)]
        if actual != expected:
            return None
    return timezone_component


def build_calendar(
    events: Iterable[Event], *, base_url: str, name: str, with_sessions: bool = False
) -> bytes:
    """A VCALENDAR with the given events, their VTIMEZONEs and a calendar name for subscribers.

    Every event's DESCRIPTION lists its timetable; with `with_sessions` (one event's file) each
    session is also a VEVENT of its own, related to the event, so calendars show the slots.
    """
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
    events = list(events)
    # DTSTAMP: when this content was created, i.e. last changed; a clock reading instead would make
    # every download differ, and the ETag (a hash of the body) useless.
    changed = [event.updated_at for event in events if event.updated_at]
    stamp = (max(changed) if changed else timezone.now()).astimezone(UTC).replace(microsecond=0)
    spans: dict[str, tuple[int, int]] = {}
    for event in events:
        if not event.all_day:
            first, last = spans.get(event.timezone, (event.local_start.year, event.local_end.year))
            spans[event.timezone] = (
                min(first, event.local_start.year),
                max(last, event.local_end.year),
            )
    for tzid, (first, last) in sorted(spans.items()):
        # From the year before: an event in January then lies after both observances' DTSTART.
        component = vtimezone(tzid, first - 1, last)
        if component is not None:
            calendar.add_component(component)
    for event in events:
        calendar.add_component(_vevent(event, base_url=base_url, stamp=stamp))
        if with_sessions and not event.all_day:
            for session in event.sessions.all():
                calendar.add_component(
                    _session_vevent(event, session, base_url=base_url, stamp=stamp)
                )
    calendar.add_missing_timezones()  # only for zones vtimezone() could not state as RRULEs
    return calendar.to_ical()
