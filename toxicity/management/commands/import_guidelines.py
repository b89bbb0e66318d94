"""`manage.py import_guidelines`: validate the guideline data files and bring the database in line.

Curators run it after editing `toxicity/data/` (or a copy elsewhere): sources, organ systems, grading
schemes, guideline texts and recommendations follow the files. Reviews (reviewer, dates) and publication
status stay as curated in the admin; a new guideline arrives as a draft. `--check` validates only.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from toxicity.datafiles import GUIDELINES_DIR, SOURCES_FILE, ContentError, read_content
from toxicity.services import guidelines_import


class Command(BaseCommand):
    help = "Validate the guideline data files and import them (sources, schemes, recommendations)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--guidelines",
            default=str(GUIDELINES_DIR),
            help="Folder of guideline files, one *.yaml per guideline (default: toxicity/data/guidelines).",
        )
        parser.add_argument(
            "--sources",
            default=str(SOURCES_FILE),
            help="The sources file (default: toxicity/data/sources.yaml).",
        )
        parser.add_argument(
            "--check", action="store_true", help="Validate the files only; write nothing."
        )

    def handle(self, *args, guidelines, sources, check, **options):
        try:
            content = read_content(guidelines_dir=Path(guidelines), sources_file=Path(sources))
        except ContentError as error:
            raise CommandError(str(error)) from None
        if check:
            self.stdout.write(
                self.style.SUCCESS(f"{len(content.guidelines)} guideline files are valid.")
            )
            return
        result = guidelines_import(content=content, update_existing=True)
        self.stdout.write(
            self.style.SUCCESS(
                f"Guidelines: {len(result.created)} created as drafts, {len(result.updated)} "
                f"updated; {result.recommendations} recommendations."
            )
        )
        demo = [guideline["slug"] for guideline in content.guidelines if guideline["is_demo"]]
        if demo:
            self.stdout.write(
                f"{len(demo)} guidelines are marked as demonstration content (is_demo) and show the "
                "demo banner until the task force reviews them."
            )
