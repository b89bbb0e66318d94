"""schema.org JSON-LD for the agenda: `{% event_json_ld event %}` writes an Event's
<script type="application/ld+json">, using only schema.org terms (checked against the vocabulary in
tests/standards/test_jsonld.py)."""

from __future__ import annotations

import json

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

SCHEMA = "https://schema.org/"


def _session_data(event, session, *, url: str) -> dict:
    """A session of the timetable as a schema.org sub-event."""
    data = {
        "@type": "EducationEvent",
        "name": session.title,
        "url": f"{url}#timetable-heading",
        "startDate": session.local_start.replace(microsecond=0).isoformat(),
        "endDate": session.local_end.replace(microsecond=0).isoformat(),
        "performer": [
            {"@type": "Person", "name": person.display_name} for person in session.speakers.all()
        ]
        or None,
    }
    if session.room or event.location:
        name = ", ".join(part for part in (session.room, event.location) if part)
        data["location"] = {"@type": "Place", "name": name, "address": event.location or name}
    return {key: value for key, value in data.items() if value not in (None, [], "")}


def event_data(event, *, url: str, organizer_url: str) -> dict:
    """The schema.org Event of one agenda event (published events only reach the page)."""
    online, offline = bool(event.online_url), bool(event.location)
    if online and offline:
        mode = "MixedEventAttendanceMode"
    elif online:
        mode = "OnlineEventAttendanceMode"
    else:
        mode = "OfflineEventAttendanceMode"
    places = []
    if offline:
        places.append({"@type": "Place", "name": event.location, "address": event.location})
    if online:
        places.append({"@type": "VirtualLocation", "url": event.online_url})
    if event.all_day:
        start, end = event.local_start.date().isoformat(), event.local_end.date().isoformat()
    else:
        start = event.local_start.replace(microsecond=0).isoformat()
        end = event.local_end.replace(microsecond=0).isoformat()
    data = {
        "@context": "https://schema.org",
        "@type": "EducationEvent",
        "name": event.title,
        "description": event.summary,
        "url": url,
        "identifier": f"urn:uuid:{event.uid}",
        "startDate": start,
        "endDate": end,
        "eventStatus": SCHEMA + "EventScheduled",
        "eventAttendanceMode": SCHEMA + mode,
        "location": places[0] if len(places) == 1 else places,
        "inLanguage": list(event.languages or []) or None,
        "organizer": {
            "@type": "Organization",
            "name": "Immuno-Oncology Network",
            "url": organizer_url,
        },
        "performer": [
            {"@type": "Person", "name": line.strip()}
            for line in (event.speakers or "").splitlines()
            if line.strip()
        ]
        or None,
    }
    sessions = list(event.sessions.all()) if not event.all_day else []
    if sessions:
        data["subEvent"] = [_session_data(event, session, url=url) for session in sessions]
    if event.registration_url:
        data["offers"] = {"@type": "Offer", "url": event.registration_url}
    elif event.registration_enabled:
        data["offers"] = {"@type": "Offer", "url": url.rstrip("/") + "/register/"}
    return {key: value for key, value in data.items() if value not in (None, [], "")}


@register.simple_tag(takes_context=True)
def event_json_ld(context, event):
    request = context["request"]
    data = event_data(
        event,
        url=request.build_absolute_uri(event.get_absolute_url()),
        organizer_url=request.build_absolute_uri("/"),
    )
    # "<" escaped, so no value can close the script element.
    body = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(body))  # noqa: S308
