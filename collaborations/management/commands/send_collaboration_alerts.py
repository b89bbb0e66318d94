"""Send the saved-search digests that are due (run daily from cron; weekly ones go once a week)."""

from django.core.management.base import BaseCommand

from collaborations.models import SavedSearch
from collaborations.services import alerts_send


class Command(BaseCommand):
    help = "E-mail digests of newly published platforms and collections matching saved searches."

    def add_arguments(self, parser):
        parser.add_argument(
            "--frequency",
            choices=[*SavedSearch.Frequency.values, "all"],
            default="all",
            help="Which alerts to consider (default: all; each is sent only when due).",
        )

    def handle(self, *args, frequency: str, **options):
        frequencies = SavedSearch.Frequency.values if frequency == "all" else [frequency]
        for name in frequencies:
            sent = alerts_send(frequency=name)
            self.stdout.write(f"{name}: sent {sent} digest(s).")
