"""Attendance certificates: a real PDF (read back with pypdf) with event, date, hours, accreditation
body and points and a verification code that the public verification page confirms."""

from __future__ import annotations

import datetime
import io
import zoneinfo
from decimal import Decimal

import pypdf
import pytest
from django.urls import reverse

from education import registration as service
from education.certificates import render_certificate
from education.models import Event, Registration, Session
from tests.factories import make_event

pytestmark = pytest.mark.django_db

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")


def _pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def attendee(db):
    start = datetime.datetime(2026, 3, 12, 9, 0, tzinfo=BRUSSELS)
    event = make_event(
        "spring-course",
        start=start,
        hours=8,
        registration_enabled=True,
        accreditation_system=Event.Accreditation.RIZIV,
        accreditation_points=Decimal("6"),
        title="Spring course on irAEs",
    )
    # A timetable of 2 h + 3.5 h: the certificate counts the teaching time, 5.5 hours.
    Session.objects.create(
        event=event, title="A", start=start, end=start + datetime.timedelta(hours=2)
    )
    Session.objects.create(
        event=event,
        title="B",
        start=start + datetime.timedelta(hours=3),
        end=start + datetime.timedelta(hours=6, minutes=30),
    )
    # Registered before the event (registration_open is checked on today's date: register directly).
    registration = Registration.objects.create(
        event=event,
        name="Łukasz Nowak-Peeters",
        email="lukasz@example.org",
        profession="physician",
        riziv_number="10829059001",
        status=Registration.Status.CONFIRMED,
        language="en",
    )
    return registration


def test_attendee_downloads_a_certificate_with_the_facts_and_code(client, attendee):
    url = reverse("education:registration_certificate", args=[attendee.token])
    assert client.get(url).status_code == 404  # no attendance recorded yet
    attendee.attended = True
    attendee.save()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    assert "Certificate of attendance" in text
    assert "Lukasz Nowak-Peeters" in text  # outside Latin-1: written in its base letters
    assert "Spring course on irAEs" in text
    assert "12 March 2026" in text
    assert "5.5" in text  # hours of the timetable
    assert "RIZIV/INAMI credit points" in text
    assert "6.0" in text
    assert attendee.certificate_code in text
    assert f"/events/certificates/{attendee.certificate_code}/" in text.replace("\n", "")


def test_the_verification_url_confirms_a_genuine_certificate(client, attendee):
    attendee.attended = True
    attendee.save()
    text = _pdf_text(render_certificate(attendee))
    code = attendee.certificate_code
    assert code in text
    response = client.get(reverse("education:certificate_verify", args=[code]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "This certificate is genuine" in body
    assert "Spring course on irAEs" in body and "Łukasz Nowak-Peeters" in body
    # Typed in lower case, through the form: the same page.
    lookup = client.get(reverse("education:certificate_lookup"), {"code": code.lower()})
    assert lookup.status_code == 302
    assert client.get(lookup["Location"]).status_code == 200


def test_unknown_codes_and_non_attendees_are_not_confirmed(client, attendee):
    response = client.get(reverse("education:certificate_verify", args=["AAAA-BBBB-CCCC"]))
    assert response.status_code == 404
    assert "No certificate has the code" in response.content.decode()
    # A registration without attendance has no valid certificate, even with its code.
    response = client.get(reverse("education:certificate_verify", args=[attendee.certificate_code]))
    assert response.status_code == 404
    assert attendee.name not in response.content.decode()
    # Nor does a cancelled one.
    attendee.attended = True
    attendee.save()
    service.cancel(attendee, notify=False)
    response = client.get(reverse("education:certificate_verify", args=[attendee.certificate_code]))
    assert response.status_code == 404


def test_certificate_in_dutch(client, attendee):
    attendee.attended = True
    attendee.save()
    response = client.get(
        "/nl" + reverse("education:registration_certificate", args=[attendee.token])
    )
    text = _pdf_text(response.content)
    assert "Aanwezigheidsattest" in text
    assert "12 maart 2026" in text
