"""The one way the portal sends e-mail: a small service over Django's mail API and the task queue.

- `mail_send()` sends one plain-text message now, from `DEFAULT_FROM_EMAIL` (the portal relays; it never
  sends from a user's or a provider's address, which would fail SPF/DMARC: their address goes in Reply-To).
  Use it inside a task, or where the caller must know at once whether sending worked (the contact form).
- `mail_enqueue()` puts the same message on the task queue (`send_mail_task`): the request that caused it
  does not wait for the SMTP server, and a failed delivery is retried by the worker, not lost in a view.
  Enqueue inside the caller's transaction: with the database queue the task row commits or rolls back
  with the write that caused it.

- `mail_enqueue_template()` renders a plain-text template (the app's `email/<name>.txt`) and queues it with
  the portal's subject prefix: what the apps' notification e-mails use.

Attachments are `(filename, text content, mimetype)` triples (text, so they pass through the JSON task
queue): for example an event's `.ics` file.

Tests read Django's outbox (`mailoutbox`); the immediate task backend of development sends at once.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.template.loader import render_to_string

SUBJECT_PREFIX = "[ION Portal] "


def _recipients(addresses) -> list[str]:
    return list(dict.fromkeys(address for address in addresses or [] if address))


def mail_send(
    *,
    subject: str,
    body: str,
    to: list[str],
    reply_to: list[str] | None = None,
    headers: dict[str, str] | None = None,
    attachments: list | None = None,
) -> int:
    """Send one plain-text e-mail now from the portal's address; returns the number sent (0 or 1)."""
    to = _recipients(to)
    if not to:
        return 0
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        reply_to=_recipients(reply_to) or None,
        headers=headers or None,
    )
    for filename, content, mimetype in attachments or []:
        message.attach(filename, content, mimetype)
    return message.send()


@task
def send_mail_task(
    *,
    subject: str,
    body: str,
    to: list[str],
    reply_to: list[str] | None = None,
    headers: dict[str, str] | None = None,
    attachments: list | None = None,
) -> int:
    """The queued form of mail_send() (arguments are JSON: plain strings, lists and dicts)."""
    return mail_send(
        subject=subject,
        body=body,
        to=to,
        reply_to=reply_to,
        headers=headers,
        attachments=attachments,
    )


def mail_enqueue(
    *,
    subject: str,
    body: str,
    to: list[str],
    reply_to: list[str] | None = None,
    headers: dict[str, str] | None = None,
    attachments: list[tuple[str, str, str]] | None = None,
) -> bool:
    """Queue one plain-text e-mail from the portal's address; False when there is nobody to send to."""
    to = _recipients(to)
    if not to:
        return False
    send_mail_task.enqueue(
        subject=subject,
        body=body,
        to=to,
        reply_to=_recipients(reply_to),
        headers=dict(headers or {}),
        attachments=[list(item) for item in attachments or []],
    )
    return True


def mail_enqueue_template(
    template: str,
    *,
    to: list[str],
    subject: str,
    headers: dict[str, str] | None = None,
    **context,
) -> bool:
    """Render `template` (a .txt template path) with `context` and queue it to `to`, the subject
    prefixed with the portal's name; False when there is nobody to send to (nothing is rendered)."""
    if not _recipients(to):
        return False
    body = render_to_string(template, context)
    return mail_enqueue(subject=SUBJECT_PREFIX + subject, body=body, to=to, headers=headers)
