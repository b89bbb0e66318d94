"""(Re)propose structured eligibility criteria for trials from their eligibility text.

Confirmed and rejected criteria are kept (and flagged when their sentence changed); proposals are
re-generated. Run after changing the extractor's rules (trials/criteria/)."""

from django.core.management.base import BaseCommand, CommandError

from trials.criteria.sync import propose_criteria
from trials.models import Trial


class Command(BaseCommand):
    help = "Propose structured eligibility criteria for every trial (or the NCT IDs given)."

    def add_arguments(self, parser):
        parser.add_argument("nct_ids", nargs="*", help="Only these trials (default: all).")

    def handle(self, *args, nct_ids=(), **options):
        trials = Trial.objects.order_by("nct_id")
        if nct_ids:
            trials = trials.filter(nct_id__in=nct_ids)
            missing = set(nct_ids) - set(trials.values_list("nct_id", flat=True))
            if missing:
                raise CommandError(f"Unknown trials: {', '.join(sorted(missing))}.")
        totals = {"trials": 0, "proposed": 0, "created": 0, "flagged": 0, "kept": 0}
        for trial in trials.iterator(chunk_size=200):
            result = propose_criteria(trial)
            totals["trials"] += 1
            for name in ("proposed", "created", "flagged", "kept"):
                totals[name] += getattr(result, name)
        self.stdout.write(
            f"{totals['trials']} trials: {totals['proposed']} proposed criteria "
            f"({totals['created']} written), {totals['kept']} reviewed kept, "
            f"{totals['flagged']} flagged because their sentence changed."
        )
