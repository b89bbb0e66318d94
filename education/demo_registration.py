"""Demo events with registration on the portal, a timetable and after-event material (loaded by
education/demo.py's `load()`; idempotent). Fictitious people and content, for trying the journeys:

- an upcoming course people can register for (limited places, a timetable with speakers);
- a small upcoming workshop that is full, so the waiting list shows;
- a past course with slides (members only) and a recording link (public), one demo attendee whose
  certificate can be verified at /events/certificates/DEMO-CERT-2026/.
"""

from __future__ import annotations

import datetime
import zoneinfo
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from ion_portal.models import Person

from .models import Event, EventMaterial, Registration, Session
from .pdf import simple_pdf

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
DEMO_CERTIFICATE_CODE = "DEMO-CERT-2026"
# A fixed personal link for the demo attendee (fictitious; the pages tests visit it).
DEMO_REGISTRATION_TOKEN = "demo-registration-past-course"  # noqa: S105


def _at(days: int, hour: int, minute: int = 0) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=BRUSSELS)


EVENTS = [
    {
        "slug": "immunotherapy-masterclass",
        "title": "Immunotherapy masterclass for oncology nurses and physicians",
        "event_type": Event.Type.COURSE,
        "days": 20,
        "hours": (9, 16),
        "capacity": 30,
        "accreditation_points": Decimal("5"),
        "summary": "A day of short lectures and cases: how checkpoint inhibitors work, which side "
        "effects to look for, and how the network's task force helps. Demo event.",
        "sessions": [
            ("How checkpoint inhibitors work", (9, 0), (10, 30), "Auditorium C"),
            ("Recognising and grading irAEs", (11, 0), (12, 30), "Auditorium C"),
            ("Cases from the task force", (13, 30), (16, 0), "Seminar room 2"),
        ],
    },
    {
        "slug": "irae-case-workshop",
        "title": "irAE case workshop (small group)",
        "event_type": Event.Type.COURSE,
        "days": 35,
        "hours": (14, 17),
        "capacity": 1,
        "accreditation_points": Decimal("3"),
        "summary": "A small-group workshop on difficult immune-related adverse events. Demo event: "
        "it is full, so new registrations join the waiting list.",
        "sessions": [],
    },
    {
        "slug": "past-irae-masterclass",
        "title": "Past masterclass: immune-related adverse events",
        "event_type": Event.Type.COURSE,
        "days": -30,
        "hours": (9, 13),
        "capacity": 40,
        "accreditation_points": Decimal("4"),
        "summary": "The spring masterclass on irAEs; slides and the recording are below. Demo event.",
        "sessions": [
            ("Colitis and hepatitis", (9, 0), (10, 45), "Auditorium C"),
            ("Pneumonitis and endocrine toxicities", (11, 15), (13, 0), "Auditorium C"),
        ],
    },
]


def load(now) -> int:
    speakers = list(Person.objects.filter(is_demo=True).order_by("pk")[:3])
    for spec in EVENTS:
        start_hour, end_hour = spec["hours"]
        event, _created = Event.objects.update_or_create(
            slug=spec["slug"],
            defaults={
                "title": spec["title"],
                "event_type": spec["event_type"],
                "audience": "professionals",
                "summary": spec["summary"],
                "start": _at(spec["days"], start_hour),
                "end": _at(spec["days"], end_hour),
                "timezone": "Europe/Brussels",
                "all_day": False,
                "location": "University Hospital, Ghent",
                "languages": ["en", "nl"],
                "accreditation_system": Event.Accreditation.RIZIV,
                "accreditation_points": spec["accreditation_points"],
                "registration_url": "",
                "registration_enabled": True,
                "capacity": spec["capacity"],
                "registration_deadline": None,
                "status": "published",
                "published_at": now - datetime.timedelta(days=60),
            },
        )
        event.sessions.all().delete()
        for index, (title, (h1, m1), (h2, m2), room) in enumerate(spec["sessions"]):
            session = Session.objects.create(
                event=event,
                title=title,
                start=_at(spec["days"], h1, m1),
                end=_at(spec["days"], h2, m2),
                room=room,
            )
            if speakers:
                session.speakers.set([speakers[index % len(speakers)]])
    _load_full_workshop()
    _load_past_course()
    return len(EVENTS)


def _load_full_workshop() -> None:
    event = Event.objects.get(slug="irae-case-workshop")
    Registration.objects.update_or_create(
        event=event,
        email="demo.participant@example.org",
        defaults={
            "name": "Demo Participant",
            "profession": Registration.Profession.NURSE,
            "institution": "Demo Hospital",
            "status": Registration.Status.CONFIRMED,
            "language": "en",
        },
    )


def _load_past_course() -> None:
    event = Event.objects.get(slug="past-irae-masterclass")
    registration, _created = Registration.objects.update_or_create(
        event=event,
        email="demo.attendee@example.org",
        defaults={
            "name": "Dr. Demo Attendee",
            "profession": Registration.Profession.PHYSICIAN,
            "institution": "Demo Hospital",
            "riziv_number": "10829059001",
            "status": Registration.Status.CONFIRMED,
            "attended": True,
            "language": "en",
        },
    )
    Registration.objects.filter(pk=registration.pk).update(
        certificate_code=DEMO_CERTIFICATE_CODE, token=DEMO_REGISTRATION_TOKEN
    )
    if not event.materials.filter(title="Slides (PDF)").exists():
        slides = EventMaterial(event=event, title="Slides (PDF)", audience="members", position=1)
        slides.file.save(
            "past-irae-masterclass-slides.pdf",
            ContentFile(
                simple_pdf(
                    "Immune-related adverse events: slides (demo)",
                    ["Demo slides of a fictitious course. Not medical guidance."],
                )
            ),
            save=False,
        )
        slides.save()
    EventMaterial.objects.update_or_create(
        event=event,
        title="Recording (video)",
        defaults={"url": "https://example.org/recordings/irae-masterclass", "audience": "public"},
    )
