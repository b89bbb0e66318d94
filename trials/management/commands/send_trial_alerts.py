"""Send the trial-alert digests that are due (run daily from cron; weekly ones go once a week)."""

from django.core.management.base import BaseCommand

from ion_portal.alerts import Frequency
from trials.alerts import trial_alerts_send


class Command(BaseCommand):
    help = "E-mail digests of new trials and status changes matching confirmed trial alerts."

    def add_arguments(self, parser):
        parser.add_argument(
            "--frequency",
            choices=[*Frequency.values, "all"],
            default="all",
            help="Which alerts to consider (default: all; each is sent only when due).",
        )

    def handle(self, *args, frequency: str, **options):
        for name in Frequency.values if frequency == "all" else [frequency]:
            self.stdout.write(f"{name}: sent {trial_alerts_send(frequency=name)} digest(s).")
