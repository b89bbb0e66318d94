"""Admin of registrations: counts per event, attendance (list and CSV import), CSV export, e-mail to
all registrants, approval and cancellation from the list."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from education import registration as service
from education.models import Registration
from tests.factories import make_event

pytestmark = pytest.mark.django_db

Status = Registration.Status


def _form(email, name="Someone"):
    return {"name": name, "email": email, "profession": "nurse"}


@pytest.fixture
def event(db, mailoutbox):
    event = make_event("admin-course", registration_enabled=True, capacity=2)
    service.register(event, _form("a@example.org", "=HYPERLINK(evil)"))
    service.register(event, _form("b@example.org"))
    service.register(event, _form("c@example.org"))  # waiting
    cancelled = service.register(event, _form("d@example.org"))  # waiting, then cancelled
    service.cancel(cancelled, notify=False)
    mailoutbox.clear()
    return event


def test_event_list_shows_the_counts(curator_client, event, django_assert_max_num_queries):
    Registration.objects.filter(email="a@example.org").update(attended=True)
    with django_assert_max_num_queries(12):
        response = curator_client.get(reverse("admin:education_event_changelist"))
    assert "2 registered, 1 waiting, 1 cancelled, 1 attended" in response.content.decode()


def test_csv_export_lists_every_registration_safely(curator_client, event):
    response = curator_client.get(
        reverse("admin:education_event_registrations_csv", args=[event.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["email"] for r in rows] == [
        "a@example.org",
        "b@example.org",
        "c@example.org",
        "d@example.org",
    ]
    assert [r["status"] for r in rows] == ["confirmed", "confirmed", "waiting", "cancelled"]
    assert rows[0]["name"] == "'=HYPERLINK(evil)"  # no formula for the spreadsheet


def test_attendance_import_marks_attendees(curator_client, event):
    url = reverse("admin:education_event_attendance_import", args=[event.pk])
    upload = SimpleUploadedFile("att.csv", b"Email,Attended\nA@example.org,yes\nb@example.org,no\n")
    response = curator_client.post(url, {"file": upload})
    assert response.status_code == 302
    attended = dict(event.registrations.values_list("email", "attended"))
    assert attended["a@example.org"] is True and attended["b@example.org"] is False


def test_attendance_import_with_a_bad_row_changes_nothing_and_says_why(curator_client, event):
    url = reverse("admin:education_event_attendance_import", args=[event.pk])
    upload = SimpleUploadedFile(
        "att.csv",
        b"email\na@example.org\nnobody@example.org\nc@example.org\n",
    )
    response = curator_client.post(url, {"file": upload})
    assert response.status_code == 200
    body = response.content.decode()
    assert "nobody@example.org is not registered" in body
    assert "c@example.org is not a confirmed registration" in body
    assert not event.registrations.filter(attended=True).exists()
    missing = SimpleUploadedFile("att.csv", b"name\nX\n")
    assert "needs an" in curator_client.post(url, {"file": missing}).content.decode()


def test_email_to_all_registrants_goes_to_each_separately(curator_client, event, mailoutbox):
    url = reverse("admin:education_event_email_registrants", args=[event.pk])
    assert curator_client.get(url).status_code == 200
    response = curator_client.post(
        url,
        {"statuses": ["confirmed", "waiting"], "subject": "Room change", "body": "Room 2 now."},
    )
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mailoutbox) == [
        "a@example.org",
        "b@example.org",
        "c@example.org",
    ]
    assert all(len(m.to) == 1 and m.subject == "[ION Portal] Room change" for m in mailoutbox)


def test_list_actions_cancel_promotes_and_mark_attended(curator_client, event, mailoutbox):
    changelist = reverse("admin:education_registration_changelist")
    a = Registration.objects.get(email="a@example.org")
    curator_client.post(
        changelist, {"action": "cancel_selected", "_selected_action": [a.pk]}, follow=True
    )
    assert Registration.objects.get(email="c@example.org").status == Status.CONFIRMED
    assert any("A place is free" in m.subject for m in mailoutbox)
    b = Registration.objects.get(email="b@example.org")
    curator_client.post(changelist, {"action": "mark_attended", "_selected_action": [b.pk]})
    b.refresh_from_db()
    assert b.attended is True


def test_members_of_the_public_cannot_use_the_tools(client, event):
    url = reverse("admin:education_event_registrations_csv", args=[event.pk])
    assert client.get(url).status_code == 302  # to the admin login
