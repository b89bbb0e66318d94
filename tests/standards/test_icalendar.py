"""The agenda's iCalendar files read by two parsers we did not write, `vobject` (Python) and
`ical.js` (Thunderbird's and many web calendars' parser, run in Node), each resolving times through
the file's own VTIMEZONE: every event starts and ends at the instant the API gives, in summer too
(22 September and 17 October were an hour late before the VTIMEZONE used yearly RRULEs). The
feeds carry an ETag and Last-Modified and answer 304 to a current client.
"""

from __future__ import annotations

import datetime
import json
import os
import shutil
import subprocess
import zoneinfo
from pathlib import Path

import pytest
import vobject

from tests.factories import make_event

from .npm import npm_ci

pytestmark = pytest.mark.django_db

ICALJS = Path(__file__).parent / "icaljs"
BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


@pytest.fixture(scope="session")
def icaljs() -> Path:
    """ical.js installed from the lock file (npm ci, once); skipped without Node unless CI=true."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not (node and npm):
        if os.environ.get("CI") == "true":
            pytest.fail("Node and npm are needed for the ical.js check")
        pytest.skip("Node and npm are not installed")
    npm_ci(ICALJS, ICALJS / "node_modules" / "ical.js" / "package.json")
    return ICALJS / "times.mjs"


@pytest.fixture
def events(db):
    """Summer, autumn and winter events in Brussels, and one in New York's summer."""
    made = [
        make_event("autumn-seminar", start=datetime.datetime(2027, 9, 22, 14, 0, tzinfo=BRUSSELS)),
        make_event("october-course", start=datetime.datetime(2027, 10, 17, 9, 30, tzinfo=BRUSSELS)),
        make_event("winter-webinar", start=datetime.datetime(2028, 1, 12, 18, 0, tzinfo=BRUSSELS)),
        make_event(
            "asco-satellite",
            start=datetime.datetime(2027, 6, 4, 7, 0, tzinfo=NEW_YORK),
            timezone="America/New_York",
        ),
        # Across the October change: starts in CEST, ends in CET.
        make_event(
            "night-shift-course",
            start=datetime.datetime(2027, 10, 31, 1, 0, tzinfo=BRUSSELS),
            hours=3,
        ),
    ]
    return made


def _api_times(client) -> dict[str, tuple[datetime.datetime, datetime.datetime]]:
    """slug -> (start, end) as the API states them."""
    body = client.get("/api/v1/events/", {"page_size": 100}).json()
    return {
        row["slug"]: (
            datetime.datetime.fromisoformat(row["start"]),
            datetime.datetime.fromisoformat(row["end"]),
        )
        for row in body["results"]
    }


def _by_uid(events) -> dict[str, str]:
    from education.calendar import event_uid

    return {event_uid(event): event.slug for event in events}


def test_vobject_reads_every_event_at_the_apis_instant(client, events):
    body = client.get("/events/feed.ics").content.decode()
    api = _api_times(client)
    slugs = _by_uid(events)
    calendar = vobject.readOne(body)
    seen = {}
    for vevent in calendar.vevent_list:
        slug = slugs[vevent.uid.value]
        seen[slug] = (vevent.dtstart.value, vevent.dtend.value)
    assert set(seen) == {e.slug for e in events}
    for slug, (start, end) in seen.items():
        assert start.tzinfo is not None, slug
        assert (start, end) == api[slug], slug
    # The local wall-clock time is the one the organisers gave.
    assert seen["autumn-seminar"][0].astimezone(BRUSSELS).hour == 14
    assert seen["october-course"][0].astimezone(datetime.UTC).hour == 7


def test_icaljs_reads_every_event_at_the_apis_instant(client, events, icaljs):
    body = client.get("/events/feed.ics").content
    result = subprocess.run(
        ["node", str(icaljs)], input=body, capture_output=True, check=True, timeout=60
    )
    parsed = json.loads(result.stdout)
    api = _api_times(client)
    slugs = _by_uid(events)
    assert {slugs[uid] for uid in parsed} == {e.slug for e in events}
    for uid, times in parsed.items():
        start, end = api[slugs[uid]]
        assert datetime.datetime.fromisoformat(times["start"]) == start, slugs[uid]
        assert datetime.datetime.fromisoformat(times["end"]) == end, slugs[uid]


def test_vtimezone_uses_yearly_rules_not_rdate_lists(client, events):
    calendar = vobject.readOne(client.get("/events/feed.ics").content.decode())
    zones = {zone.tzid.value: zone for zone in calendar.vtimezone_list}
    assert set(zones) == {"Europe/Brussels", "America/New_York"}
    text = client.get("/events/feed.ics").content.decode()
    assert "RDATE" not in text
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3" in text
    assert "RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11" in text  # New York's November change


def test_single_event_file_reads_the_same(client, events):
    api = _api_times(client)
    for event in events:
        body = client.get(f"/events/{event.slug}/calendar.ics").content.decode()
        vevent = vobject.readOne(body).vevent
        assert (vevent.dtstart.value, vevent.dtend.value) == api[event.slug]


@pytest.mark.parametrize(
    "path",
    ["/events/feed.ics", "/events/autumn-seminar/calendar.ics", "/events/feed/", "/news/feed/"],
)
def test_feeds_send_etag_and_last_modified_and_answer_304(client, events, path):
    from tests.factories import make_news

    make_news("etag-news")
    first = client.get(path)
    assert first.status_code == 200
    etag, last_modified = first["ETag"], first["Last-Modified"]
    assert etag.startswith('"') and last_modified.endswith("GMT")
    again = client.get(path)
    assert again["ETag"] == etag, "the same content gives the same ETag"
    not_modified = client.get(path, HTTP_IF_NONE_MATCH=etag)
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert client.get(path, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    assert client.get(path, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


def test_an_edit_changes_the_feeds_etag(client, events):
    etag = client.get("/events/feed.ics")["ETag"]
    event = events[0]
    event.title = "Autumn seminar (room changed)"
    event.save()
    response = client.get("/events/feed.ics", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag
