"""Load the demo data set: core units and people, then each domain app's `demo.load()`. Idempotent.

The demo data includes demonstration clinical guidelines; with debug off (a production configuration) the
command refuses unless `--allow-production` is given, and even then every demo guideline stays marked as
demonstration content (banner on screen, in print, on the patient card and in the API).
"""

from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ion_portal import demo as core_demo
from ion_portal.sitemaps import DOMAIN_APPS


class Command(BaseCommand):
    help = "Load (or refresh) the realistic demo data set. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Load the demo data (demonstration clinical content included) even with debug off.",
        )

    def handle(self, *args, allow_production=False, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "Refusing to load demo data, including demonstration clinical guidelines, with "
                "DJANGO_DEBUG=false (a production configuration). Pass --allow-production to load it "
                "anyway; it stays marked as demonstration content."
            )
        loaders = [("core", core_demo.load)] + [
            (app, import_module(f"{app}.demo").load) for app in DOMAIN_APPS
        ]
        for name, load in loaders:
            with transaction.atomic():
                counts = load()
            if counts:
                summary = ", ".join(f"{count} {kind}" for kind, count in counts.items())
                self.stdout.write(f"{name}: {summary}")
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
