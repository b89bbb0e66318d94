"""Registration for events: capacity, waiting list with promotion, approval, deadline, the e-mails
(with the event's .ics attached), the personal link, rate limits and bad input."""

from __future__ import annotations

import datetime

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from education import registration as service
from education.models import Registration
from education.validators import normalise_riziv, riziv_check_ok
from ion_portal.models import MEMBERS_GROUP
from tests.factories import make_event

pytestmark = pytest.mark.django_db

Status = Registration.Status


def _form(email="ann@example.org", **extra):
    data = {
        "name": "Ann Peeters",
        "email": email,
        "profession": "physician",
        "institution": "University Hospital",
        "riziv_number": "",
        "needs": "",
    }
    data.update(extra)
    return data


def _event(slug="course", **extra):
    extra.setdefault("registration_enabled", True)
    return make_event(slug, **extra)


def _register_url(event):
    return reverse("education:event_register", args=[event.slug])


def _ics_of(message):
    (attachment,) = [a for a in message.attachments if a[0].endswith(".ics")]
    _filename, content, mimetype = attachment
    assert mimetype == "text/calendar"
    return icalendar.Calendar.from_ical(content)


def test_register_confirm_cancel_and_promotion_end_to_end(client, mailoutbox):
    event = _event(capacity=1)
    # Ann takes the only place: confirmation with the event's .ics.
    response = client.post(_register_url(event), _form("ann@example.org"))
    assert response.status_code == 302
    ann = Registration.objects.get(email="ann@example.org")
    assert ann.status == Status.CONFIRMED
    assert response["Location"] == ann.get_absolute_url() + "?new=1"
    (confirmation,) = mailoutbox
    assert confirmation.to == ["ann@example.org"]
    assert "Registration confirmed" in confirmation.subject
    assert ann.get_absolute_url() in confirmation.body
    vevent = _ics_of(confirmation).walk("VEVENT")[0]
    assert str(vevent["summary"]) == event.title

    # Bob finds the event full: the page says so and offers the waiting list.
    page = client.get(event.get_absolute_url()).content.decode()
    assert "This event is full" in page and "Join the waiting list" in page
    assert "ann@example.org" not in page and "Ann Peeters" not in page
    client.post(_register_url(event), _form("bob@example.org", name="Bob Janssens"))
    bob = Registration.objects.get(email="bob@example.org")
    assert bob.status == Status.WAITING
    assert "waiting list" in mailoutbox[1].subject
    assert mailoutbox[1].attachments == []

    # Ann cancels through her personal link: Bob gets the place and an e-mail with the .ics.
    response = client.post(ann.get_absolute_url(), {"action": "cancel"})
    assert response.status_code == 302
    ann.refresh_from_db()
    bob.refresh_from_db()
    assert ann.status == Status.CANCELLED and ann.cancelled_at is not None
    assert bob.status == Status.CONFIRMED
    subjects = [m.subject for m in mailoutbox[2:]]
    assert any("Registration cancelled" in s for s in subjects)
    (promotion,) = [m for m in mailoutbox if "A place is free" in m.subject]
    assert promotion.to == ["bob@example.org"]
    assert _ics_of(promotion).walk("VEVENT")[0]["uid"]
    assert bob.get_absolute_url() in promotion.body


def test_a_cancellation_frees_exactly_one_place(mailoutbox):
    event = _event(capacity=2)
    placed = [service.register(event, _form(f"p{i}@example.org")) for i in range(2)]
    waiting = [service.register(event, _form(f"w{i}@example.org")) for i in range(3)]
    assert {r.status for r in waiting} == {Status.WAITING}
    promoted = service.cancel(placed[0])
    assert [r.pk for r in promoted] == [waiting[0].pk]  # first come, first served
    assert event.registrations.holding_places().count() == 2
    assert event.registrations.waiting().count() == 2
    # Cancelling someone on the waiting list frees no place.
    assert service.cancel(waiting[2]) == []
    assert event.registrations.holding_places().count() == 2
    # Cancelling twice changes nothing.
    assert service.cancel(placed[0]) == []
    assert service.places_left(event) == 0


def test_raising_the_capacity_fills_places_from_the_waiting_list(mailoutbox):
    event = _event(capacity=1)
    service.register(event, _form("a@example.org"))
    waiting = [service.register(event, _form(f"w{i}@example.org")) for i in range(3)]
    event.capacity = 3
    event.save()
    promoted = service.fill_places(event)
    assert [r.pk for r in promoted] == [waiting[0].pk, waiting[1].pk]


def test_no_double_registration_with_the_same_address(client, mailoutbox):
    event = _event()
    client.post(_register_url(event), _form("ann@example.org"))
    response = client.post(_register_url(event), _form("ANN@example.org", name="Ann again"))
    assert response.status_code == 409
    assert "already registered" in response.content.decode()
    assert Registration.objects.count() == 1
    # Once cancelled, the address may register again.
    service.cancel(Registration.objects.get())
    client.post(_register_url(event), _form("ann@example.org"))
    assert Registration.objects.filter(status=Status.CONFIRMED).count() == 1


def test_form_errors_keep_what_was_typed(client, mailoutbox):
    event = _event()
    response = client.post(
        _register_url(event),
        _form("not-an-address", name="Carla Dubois", riziv_number="1-08290-58-001", needs="Vegan"),
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'value="Carla Dubois"' in body
    assert 'value="not-an-address"' in body
    assert 'value="1-08290-58-001"' in body
    assert "Vegan</textarea>" in body
    assert "check digits do not match" in body
    assert Registration.objects.count() == 0 and mailoutbox == []


def test_riziv_number_is_optional_validated_and_stored_as_digits(client, mailoutbox):
    event = _event()
    response = client.post(_register_url(event), _form(riziv_number="1-08290-59-001"))
    assert response.status_code == 302
    assert Registration.objects.get().riziv_number == "10829059001"
    response = client.post(_register_url(event), _form("b@example.org", riziv_number="12345"))
    assert "11 digits" in response.content.decode()


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("10829059001", True),  # published example (eHealth FHIR): 108290 mod 97 = 38, 97-38 = 59
        ("1.08290.59.001", True),
        ("10829058001", False),
        ("10829023001", True),  # the mod-89 form: 108290 mod 89 = 66, 89-66 = 23
        ("1082905900", False),
        ("1082905900a", False),
    ],
)
def test_riziv_check_digits(number, valid):
    assert riziv_check_ok(normalise_riziv(number)) is valid


def test_deadline_closes_registration(client):
    event = _event(registration_deadline=timezone.now() - datetime.timedelta(hours=1))
    assert (
        "Registration for this event is closed"
        in client.get(event.get_absolute_url()).content.decode()
    )
    response = client.post(_register_url(event), _form())
    assert response.status_code == 409
    assert Registration.objects.count() == 0


def test_registration_not_enabled_or_draft_is_not_found(client):
    assert client.get(_register_url(make_event("plain"))).status_code == 404
    draft = _event("draft", status="draft")
    assert client.get(_register_url(draft)).status_code == 404


def test_approval_holds_a_place_then_confirms_with_the_ics(mailoutbox):
    event = _event(capacity=1, registration_requires_approval=True)
    pending = service.register(event, _form())
    assert pending.status == Status.PENDING
    assert "awaiting approval" in mailoutbox[0].subject and mailoutbox[0].attachments == []
    assert service.register(event, _form("b@example.org")).status == Status.WAITING
    assert service.approve(pending) is True
    assert service.approve(pending) is False
    assert "Registration confirmed" in mailoutbox[-1].subject
    _ics_of(mailoutbox[-1])


def test_public_page_shows_places_left_never_who(client):
    event = _event(capacity=5)
    service.register(event, _form("secret.person@example.org", name="Secret Person"))
    page = client.get(event.get_absolute_url()).content.decode()
    assert "4 places left." in page
    assert "Secret Person" not in page and "secret.person" not in page


def test_members_details_are_prefilled(client):
    from tests.factories import make_user

    member = make_user("member@example.org", groups=(MEMBERS_GROUP,))
    member.first_name, member.last_name, member.affiliation = "Mia", "Maes", "AZ Example"
    member.save()
    client.force_login(member)
    body = client.get(_register_url(_event())).content.decode()
    assert 'value="Mia Maes"' in body
    assert 'value="member@example.org"' in body
    assert 'value="AZ Example"' in body


def test_registration_is_rate_limited_per_client(client, settings, mailoutbox):
    settings.EVENT_REGISTRATION_RATE_LIMIT = 2
    event = _event()
    for index in range(2):
        assert client.post(_register_url(event), _form(f"r{index}@example.org")).status_code == 302
    response = client.post(_register_url(event), _form("r9@example.org", name="Kept Name"))
    assert response.status_code == 429
    assert "Too many registrations" in response.content.decode()
    assert 'value="Kept Name"' in response.content.decode()
    assert Registration.objects.count() == 2


def test_personal_page_is_private_and_unknown_tokens_are_not_found(client):
    event = _event()
    registration = service.register(event, _form())
    response = client.get(registration.get_absolute_url())
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex"
    assert "Ann Peeters" in response.content.decode()
    bad = reverse("education:registration_manage", args=["not-a-token"])
    assert client.get(bad).status_code == 404


def test_reminders_go_once_the_day_before_with_the_ics(mailoutbox):
    from django.core.management import call_command

    soon = _event("soon", start=timezone.now() + datetime.timedelta(hours=20))
    later = _event("later", start=timezone.now() + datetime.timedelta(days=3))
    confirmed = service.register(soon, _form())
    service.register(later, _form())
    soon_waiting_event = _event(
        "soon-full", start=timezone.now() + datetime.timedelta(hours=5), capacity=1
    )
    service.register(soon_waiting_event, _form("x@example.org"))
    service.register(soon_waiting_event, _form("y@example.org"))  # waiting: no reminder
    mailoutbox.clear()
    call_command("send_event_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert sorted(m.to[0] for m in mailoutbox) == ["ann@example.org", "x@example.org"]
    assert all("Tomorrow" in m.subject for m in mailoutbox)
    _ics_of(mailoutbox[0])
    confirmed.refresh_from_db()
    assert confirmed.reminder_sent_at is not None
    mailoutbox.clear()
    assert service.send_reminders() == 0


def test_emails_are_written_in_the_registrants_language(client, mailoutbox):
    event = _event()
    client.post("/nl" + _register_url(event), _form())
    registration = Registration.objects.get()
    assert registration.language == "nl"
    assert "/nl/" in mailoutbox[0].body


@pytest.mark.django_db(transaction=True)
def test_confirmation_with_ics_goes_through_the_database_queue(settings, mailoutbox):
    """With the real task queue the e-mail (and its .ics, as JSON text) waits for the worker."""
    from django.core.management import call_command

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    event = _event("queued")
    service.register(event, _form("queue@example.org"))
    assert mailoutbox == []
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    (message,) = mailoutbox
    assert message.to == ["queue@example.org"]
    assert str(_ics_of(message).walk("VEVENT")[0]["summary"]) == event.title
