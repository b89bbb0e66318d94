"""The timetable of a multi-session event: on the page, in the .ics (a VEVENT per session, read by
vobject and ical.js) and in the JSON-LD (subEvent, valid schema.org)."""

from __future__ import annotations

import datetime
import json
import subprocess
import zoneinfo

import pytest
import vobject

from education.calendar import event_uid, session_uid
from education.models import Session
from ion_portal.models import Person
from tests.factories import make_event
from tests.standards.test_icalendar import icaljs  # noqa: F401 (the fixture)
from tests.standards.test_jsonld import _json_ld, problems

pytestmark = pytest.mark.django_db

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")


@pytest.fixture
def course(db):
    start = datetime.datetime(2027, 9, 22, 9, 0, tzinfo=BRUSSELS)
    event = make_event("timetabled-course", start=start, hours=7, registration_enabled=True)
    speaker = Person.objects.create(first_name="Anna", last_name="Peeters", title="Dr.")
    morning = Session.objects.create(
        event=event,
        title="Colitis and hepatitis",
        start=start,
        end=start + datetime.timedelta(hours=1, minutes=30),
        room="Room 1",
    )
    morning.speakers.set([speaker])
    Session.objects.create(
        event=event,
        title="Endocrine toxicities",
        start=start + datetime.timedelta(hours=4),
        end=start + datetime.timedelta(hours=6),
    )
    event.refresh_from_db()
    return event


def test_event_page_shows_the_timetable(client, course):
    body = client.get(course.get_absolute_url()).content.decode()
    assert "Timetable" in body
    assert "Colitis and hepatitis" in body and "Room 1" in body and "Dr. Anna Peeters" in body
    assert "09:00" in body and "13:00" in body


def test_ics_has_one_vevent_per_session_related_to_the_event(client, course, icaljs):  # noqa: F811
    body = client.get(f"/events/{course.slug}/calendar.ics").content
    calendar = vobject.readOne(body.decode())
    by_uid = {vevent.uid.value: vevent for vevent in calendar.vevent_list}
    sessions = list(course.sessions.all())
    assert set(by_uid) == {event_uid(course)} | {session_uid(course, s) for s in sessions}
    main = by_uid[event_uid(course)]
    assert "09:00-10:30 Colitis and hepatitis (Room 1; Dr. Anna Peeters)" in main.description.value
    first = by_uid[session_uid(course, sessions[0])]
    assert first.related_to.value == event_uid(course)
    assert first.dtstart.value == sessions[0].start
    assert first.dtstart.value.astimezone(BRUSSELS).hour == 9
    # ical.js, with the file's own VTIMEZONE: every session at the instant the database holds.
    result = subprocess.run(["node", str(icaljs)], input=body, capture_output=True, check=True)
    parsed = json.loads(result.stdout)
    for session in sessions:
        times = parsed[session_uid(course, session)]
        assert datetime.datetime.fromisoformat(times["start"]) == session.start
        assert datetime.datetime.fromisoformat(times["end"]) == session.end


def test_the_feed_lists_the_timetable_in_the_description_only(client, course):
    calendar = vobject.readOne(client.get("/events/feed.ics").content.decode())
    (vevent,) = calendar.vevent_list
    assert "Endocrine toxicities" in vevent.description.value


def test_json_ld_has_the_sessions_as_sub_events(client, course):
    (data,) = _json_ld(client.get(course.get_absolute_url()).content)
    assert [sub["name"] for sub in data["subEvent"]] == [
        "Colitis and hepatitis",
        "Endocrine toxicities",
    ]
    assert data["subEvent"][0]["startDate"] == "2027-09-22T09:00:00+02:00"
    assert data["subEvent"][0]["performer"] == [{"@type": "Person", "name": "Dr. Anna Peeters"}]
    assert data["offers"]["url"].endswith(f"/events/{course.slug}/register/")
    assert problems(data) == []


def test_a_timetable_change_changes_the_calendar_files(client, course):
    etag = client.get(f"/events/{course.slug}/calendar.ics")["ETag"]
    session = course.sessions.first()
    session.room = "Room 9"
    session.save()
    assert client.get(f"/events/{course.slug}/calendar.ics")["ETag"] != etag
