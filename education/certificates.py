"""Attendance certificates: one PDF per attendee, with a code that the public verification page confirms."""

from __future__ import annotations

from django.conf import settings
from django.utils import formats, translation
from django.utils.translation import gettext as _

from .models import Registration
from .pdf import certificate_pdf


def certificate_facts(registration: Registration) -> list[tuple[str, str]]:
    """The certificate's facts (also shown by the verification page), in the active language."""
    event = registration.event
    start, end = event.local_start, event.local_end
    if start.date() == end.date():
        when = formats.date_format(start, "j F Y")
    else:
        when = f"{formats.date_format(start, 'j F Y')} - {formats.date_format(end, 'j F Y')}"
    facts = [
        (_("Date"), when),
        (_("Hours"), formats.number_format(event.hours, decimal_pos=1)),
    ]
    if event.location:
        facts.append((_("Place"), event.location))
    if event.accreditation_system:
        facts.append((_("Accreditation body"), event.get_accreditation_system_display()))
        if event.accreditation_points is not None:
            facts.append(
                (_("Points"), formats.number_format(event.accreditation_points, decimal_pos=1))
            )
    if registration.riziv_number:
        facts.append((_("RIZIV/INAMI number"), registration.riziv_number))
    return facts


def render_certificate(registration: Registration, *, language: str | None = None) -> bytes:
    """The attendance certificate of an attendee (the caller checks `has_certificate`)."""
    with translation.override(language or registration.language or settings.LANGUAGE_CODE):
        verify_url = settings.SITE_URL + registration.verification_url()
        return certificate_pdf(
            heading=_("Certificate of attendance"),
            statement=_("The Immuno-Oncology Network certifies that"),
            name=registration.name,
            event_title=_("attended %(title)s") % {"title": registration.event.title},
            facts=certificate_facts(registration),
            code_label=_("Verification code"),
            code=registration.certificate_code,
            verify_text=_("Anyone can check this certificate with its code at:"),
            verify_url=verify_url,
            footer=_(
                "Issued by the ION Portal from the attendance recorded by the course organisers."
            ),
        )
