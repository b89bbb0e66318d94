"""Precision and recall of the criteria extractor on the hand-annotated set (see trials/criteria/evaluate.py)."""

from django.core.management.base import BaseCommand, CommandError

from trials.criteria.evaluate import evaluate, load_gold, load_texts, table


class Command(BaseCommand):
    help = "Report the criteria extractor's precision and recall per kind on the annotated set."

    def add_arguments(self, parser):
        parser.add_argument(
            "--errors", action="store_true", help="List every miss and false proposal."
        )
        parser.add_argument(
            "--min-precision",
            type=float,
            default=None,
            help="Fail when overall precision is lower.",
        )

    def handle(self, *args, errors=False, min_precision=None, **options):
        report = evaluate(load_gold(), load_texts())
        self.stdout.write(f"{report.trials} annotated trials\n")
        self.stdout.write(table(report))
        if errors:
            for nct, what, (section, kind, operator, value) in report.errors:
                self.stdout.write(f"{nct} {what}: {section} {kind} {operator} {value}")
        precision = report.figures()[3] or 0.0
        if min_precision is not None and precision < min_precision:
            raise CommandError(f"Overall precision {precision:.2f} < {min_precision:.2f}.")
