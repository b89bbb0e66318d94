"""Background tasks of the collaborations app (Django's task framework)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task


@task
def send_email(
    *,
    subject: str,
    body: str,
    to: list[str],
    reply_to: list[str] | None = None,
    headers: dict[str, str] | None = None,
) -> int:
    """Send one plain-text e-mail from the portal's address (the relay: never from a provider's)."""
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        reply_to=reply_to or None,
        headers=headers or None,
    )
    return message.send()
