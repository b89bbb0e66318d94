"""Registration for agenda events: capacity, waiting list, approval, cancellation and the e-mails.

Every change that counts places runs in a transaction holding the event's row lock
(`select_for_update`), so two people asking for the last place at the same moment are served one
after the other: the first gets the place, the second the waiting list. Places are held by confirmed
registrations and by those awaiting approval; a cancellation frees exactly one place, which goes to
the first person on the waiting list (with an e-mail).

E-mails go through ion_portal.mail (queued inside the same transaction), in the language the person
registered in; confirmations and reminders carry the event's `.ics`.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ion_portal.mail import mail_enqueue

from . import calendar
from .models import Event, Registration

logger = logging.getLogger(__name__)

Status = Registration.Status


class RegistrationError(Exception):
    """A registration that cannot be made; the message says why, for the form."""


class RegistrationClosed(RegistrationError):
    pass


class AlreadyRegistered(RegistrationError):
    pass


def places_taken(event: Event) -> int:
    return event.registrations.holding_places().count()


def places_left(event: Event) -> int | None:
    """Free places (never below 0), or None when the event has no limit."""
    if event.capacity is None:
        return None
    return max(event.capacity - places_taken(event), 0)


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def _ics_attachment(event: Event) -> tuple[str, str, str]:
    body = calendar.build_calendar(
        [event], base_url=settings.SITE_URL, name=event.title, with_sessions=True
    )
    return (f"{event.slug}.ics", body.decode(), "text/calendar")


def _notify(registration: Registration, kind: str, *, with_ics: bool = False) -> None:
    """Queue one of the registration e-mails (templates education/email/registration_<kind>.txt)."""
    event = registration.event
    with translation.override(registration.language or settings.LANGUAGE_CODE):
        context = {
            "registration": registration,
            "event": event,
            "manage_url": _absolute(registration.get_absolute_url()),
            "event_url": _absolute(event.get_absolute_url()),
            "site_url": settings.SITE_URL,
        }
        subjects = {
            "confirmed": _("Registration confirmed: %(title)s"),
            "pending": _("Registration received, awaiting approval: %(title)s"),
            "waiting": _("On the waiting list: %(title)s"),
            "promoted": _("A place is free for you: %(title)s"),
            "cancelled": _("Registration cancelled: %(title)s"),
            "reminder": _("Tomorrow: %(title)s"),
        }
        subject = subjects[kind] % {"title": event.title}
        body = render_to_string(f"education/email/registration_{kind}.txt", context)
    mail_enqueue(
        subject=f"[ION Portal] {subject}",
        body=body,
        to=[registration.email],
        attachments=[_ics_attachment(event)] if with_ics else None,
    )


def register(event: Event, data: dict, *, user=None, language: str = "") -> Registration:
    """Register someone for `event`: a place if one is free, else the waiting list.

    `data` holds the form's cleaned fields. Raises RegistrationClosed or AlreadyRegistered.
    """
    with transaction.atomic():
        # The row lock that serialises everyone counting this event's places.
        event = Event.objects.select_for_update().get(pk=event.pk)
        if not event.registration_open:
            raise RegistrationClosed(_("Registration for this event is closed."))
        email = data["email"].strip()
        if (
            event.registrations.filter(email__iexact=email)
            .exclude(status=Status.CANCELLED)
            .exists()
        ):
            raise AlreadyRegistered(
                _(
                    "This address is already registered for this event. Use the link in your "
                    "confirmation e-mail to see or cancel your registration."
                )
            )
        full = event.capacity is not None and places_taken(event) >= event.capacity
        if full:
            status = Status.WAITING
        elif event.registration_requires_approval:
            status = Status.PENDING
        else:
            status = Status.CONFIRMED
        try:
            with transaction.atomic():
                registration = Registration.objects.create(
                    event=event,
                    user=user if user is not None and user.is_authenticated else None,
                    name=data["name"],
                    email=email,
                    profession=data.get("profession", ""),
                    institution=data.get("institution", ""),
                    riziv_number=data.get("riziv_number", ""),
                    needs=data.get("needs", ""),
                    status=status,
                    language=language or translation.get_language() or settings.LANGUAGE_CODE,
                )
        except IntegrityError:  # the same address in a concurrent request
            raise AlreadyRegistered(
                _("This address is already registered for this event.")
            ) from None
        _notify(registration, status, with_ics=status == Status.CONFIRMED)
    return registration


def _promote(event: Event) -> list[Registration]:
    """Give free places to the waiting list, first come first served (event row locked by caller)."""
    promoted = []
    free = None if event.capacity is None else event.capacity - places_taken(event)
    for waiting in event.registrations.waiting().select_for_update():
        if free is not None and free <= 0:
            break
        waiting.status = (
            Status.PENDING if event.registration_requires_approval else Status.CONFIRMED
        )
        waiting.save(update_fields=["status"])
        _notify(waiting, "promoted", with_ics=waiting.status == Status.CONFIRMED)
        promoted.append(waiting)
        if free is not None:
            free -= 1
    return promoted


def cancel(registration: Registration, *, notify: bool = True) -> list[Registration]:
    """Cancel a registration; the place it held goes to the next person waiting.

    Returns the registrations promoted from the waiting list (at most one for one cancellation).
    """
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=registration.event_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status == Status.CANCELLED:
            return []
        held_place = registration.status in Registration.PLACE_HOLDING
        registration.status = Status.CANCELLED
        registration.cancelled_at = timezone.now()
        registration.save(update_fields=["status", "cancelled_at"])
        if notify:
            _notify(registration, "cancelled")
        promoted = _promote(event) if held_place and not event.is_past else []
    return promoted


def fill_places(event: Event) -> list[Registration]:
    """After a curator raised the capacity: promote as many waiting people as there are free places."""
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        return _promote(event) if not event.is_past else []


def approve(registration: Registration) -> bool:
    """Confirm a registration awaiting approval; False if it was not awaiting approval."""
    with transaction.atomic():
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status != Status.PENDING:
            return False
        registration.status = Status.CONFIRMED
        registration.save(update_fields=["status"])
        _notify(registration, "confirmed", with_ics=True)
    return True


def send_reminders(*, now: datetime.datetime | None = None) -> int:
    """E-mail each confirmed registrant of an event starting within the next 24 hours, once."""
    now = now or timezone.now()
    due = Registration.objects.filter(
        status=Status.CONFIRMED,
        reminder_sent_at__isnull=True,
        event__start__gt=now,
        event__start__lte=now + datetime.timedelta(hours=24),
    ).select_related("event")
    sent = 0
    for registration in due:
        with transaction.atomic():
            claimed = Registration.objects.filter(
                pk=registration.pk, reminder_sent_at__isnull=True
            ).update(reminder_sent_at=now)
            if claimed:  # another worker did not send it meanwhile
                _notify(registration, "reminder", with_ics=True)
                sent += 1
    return sent


def email_registrants(event: Event, *, subject: str, body: str, statuses) -> int:
    """One e-mail to each registrant of `event` in `statuses`, sent separately (nobody sees the others)."""
    count = 0
    for registration in event.registrations.filter(status__in=statuses):
        if mail_enqueue(subject=f"[ION Portal] {subject}", body=body, to=[registration.email]):
            count += 1
    return count
