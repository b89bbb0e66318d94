"""manage.py sync_ctgov [--since DATE | --full]: refresh imported trials changed on ClinicalTrials.gov."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from trials.models import SyncRun
from trials.sync import ctgov_sync


class Command(BaseCommand):
    help = (
        "Refresh every imported trial whose record changed on ClinicalTrials.gov since the last "
        "successful sync (API v2 at CTGOV_API_URL), record what changed in each trial's history, and "
        "store a report (admin: ClinicalTrials.gov sync runs). Meant for a daily scheduler; exits "
        "non-zero when the run failed."
    )

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group()
        group.add_argument(
            "--since", type=date.fromisoformat, help="Changed upstream on or after this ISO date."
        )
        group.add_argument(
            "--full", action="store_true", help="Check every imported trial, whatever its date."
        )

    def handle(self, *args, since, full, **options):
        run = ctgov_sync(since=since, full=full, triggered_by="manage.py sync_ctgov")
        self.stdout.write(run.report)
        if run.outcome != SyncRun.Outcome.DONE:
            raise CommandError(f"Sync {run.outcome}: {run.summary()}.")
