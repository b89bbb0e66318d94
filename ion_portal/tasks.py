"""Background tasks of the core (Django's task framework): the portal's own e-mail."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task


@task
def send_email(*, subject: str, body: str, to: list[str]) -> int:
    """Send one plain-text e-mail from the portal's address."""
    return EmailMessage(
        subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to
    ).send()
