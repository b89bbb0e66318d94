"""manage.py import_ctgov PATH [PATH ...] | --nct NCT01234567 [...]: import ClinicalTrials.gov records."""

from django.core.management.base import BaseCommand, CommandError

from trials.services import import_nct_ids, import_paths


class Command(BaseCommand):
    help = (
        "Import ClinicalTrials.gov records from files or folders (API v2 JSON, API v2 search pages, legacy "
        "XML) or, with --nct, from the ClinicalTrials.gov API v2 (CTGOV_API_URL). Prints one line per "
        "record; exits non-zero when any record failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", help="Files or folders to import.")
        parser.add_argument(
            "--nct", nargs="+", default=[], metavar="NCT_ID", help="NCT IDs to fetch."
        )
        parser.add_argument(
            "--publish", action="store_true", help="Publish newly created trials at once."
        )

    def handle(self, *args, paths, nct, publish, **options):
        if not paths and not nct:
            raise CommandError("Give at least one PATH or --nct NCT_ID.")
        reports = []
        if paths:
            reports.append(import_paths(paths=paths, publish=publish))
        if nct:
            reports.append(import_nct_ids(nct_ids=nct, publish=publish))
        failed = False
        for report in reports:
            for result in report.results:
                style = self.style.ERROR if result.outcome == "failed" else self.style.SUCCESS
                self.stdout.write(style(str(result)))
            self.stdout.write(report.summary())
            failed = failed or report.failed
        if failed:
            raise CommandError(
                "Some records failed to import (see above); the others were imported."
            )
