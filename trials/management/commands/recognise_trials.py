"""manage.py recognise_trials [NCT_ID ...]: re-run recognition after a vocabulary change."""

from django.core.management.base import BaseCommand, CommandError

from trials.models import Trial
from trials.services import trials_recognise


class Command(BaseCommand):
    help = (
        "Re-derive drugs, immunotherapy classes, cancer types and proposed network sites of stored trials "
        "from their stored records with the current vocabularies (curator-set classes and hand-linked "
        "cancer types are kept). Prints a summary; exits non-zero when a record failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("nct_ids", nargs="*", help="Only these trials (default: all).")

    def handle(self, *args, nct_ids, **options):
        queryset = Trial.objects.all()
        if nct_ids:
            queryset = queryset.filter(nct_id__in=[n.upper() for n in nct_ids])
        report = trials_recognise(queryset=queryset)
        for result in report.results:
            if result.outcome != "unchanged":
                self.stdout.write(str(result))
        self.stdout.write(report.summary())
        if report.failed:
            raise CommandError("Some trials could not be re-recognised (see above).")
