# ruff: noqa: RUF001, RUF003 -- en dashes and µ are intended in clinical ranges (1–2 mg/kg).
"""`manage.py import_ctcae PATH`: load the NCI CTCAE v5.0 terms from the CSV or XLSX file (idempotent)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from toxicity.services import ctcae_import

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "data" / "CTCAE_v5.0_2017-11-27.xlsx"


class Command(BaseCommand):
    help = "Import NCI CTCAE v5.0 terms (MedDRA code, organ class, grade 1–5 text). Safe to rerun."

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            default=str(DEFAULT_PATH),
            help="CSV or XLSX file (default: the NCI workbook shipped in toxicity/data/).",
        )

    def handle(self, *args, path, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"{file}: no such file.")
        try:
            result = ctcae_import(path=file)
        except ValueError as error:
            raise CommandError(str(error)) from None
        for error in result.errors:
            self.stderr.write(error)
        self.stdout.write(
            self.style.SUCCESS(
                f"CTCAE terms: {result.created} created, {result.updated} updated, "
                f"{result.unchanged} unchanged, {len(result.errors)} skipped."
            )
        )
