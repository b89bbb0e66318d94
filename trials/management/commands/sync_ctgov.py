"""manage.py sync_ctgov [--since DATE | --full]: refresh imported trials changed on ClinicalTrials.gov."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from trials.dump import build_dump
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
        self.add_dump_argument(parser)

    def add_dump_argument(self, parser):
        parser.add_argument(
            "--no-dump",
            action="store_true",
            help="Do not rebuild the complete export (manage.py build_trial_dump) after the run.",
        )

    def handle(self, *args, since, full, no_dump=False, **options):
        run = ctgov_sync(since=since, full=full, triggered_by="manage.py sync_ctgov")
        self.stdout.write(run.report)
        if run.updated and not no_dump:  # the complete export follows the registry
            meta = build_dump()
            self.stdout.write(f"Complete export rebuilt: {meta['rows']} trials.")
        if run.outcome != SyncRun.Outcome.DONE:
            raise CommandError(f"Sync {run.outcome}: {run.summary()}.")
