"""Tasks of the education section (django.tasks): the periodic reminder run, for schedulers that
enqueue tasks rather than run management commands."""

from __future__ import annotations

from django.tasks import task

from .registration import send_reminders


@task
def send_event_reminders_task() -> int:

    return send_reminders()
