"""Remind whoever holds a collaboration request that has been idle too long (run daily from cron)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from collaborations.workflow import request_send_reminders


class Command(BaseCommand):
    help = "E-mail reminders for collaboration requests idle for more than --days days."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.COLLABORATIONS_REMINDER_DAYS,
            help="Idle days before a reminder (default: COLLABORATIONS_REMINDER_DAYS).",
        )

    def handle(self, *args, days: int, **options):
        if days < 1:
            raise CommandError("--days must be at least 1.")
        sent = request_send_reminders(idle_days=days)
        self.stdout.write(f"Sent {sent} reminder(s) for requests idle for more than {days} days.")
