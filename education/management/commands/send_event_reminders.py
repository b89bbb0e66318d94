"""Send the day-before reminders of events (run hourly from cron or a scheduler; sends each once)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from education.registration import send_reminders


class Command(BaseCommand):
    help = (
        "E-mail confirmed registrants of events starting within 24 hours (once per registration)."
    )

    def handle(self, *args, **options):
        sent = send_reminders()
        self.stdout.write(f"{sent} reminder(s) queued.")
