"""Load the demo data set: core units and people, then each domain app's `demo.load()`. Idempotent."""

from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction

from ion_portal import demo as core_demo
from ion_portal.sitemaps import DOMAIN_APPS


class Command(BaseCommand):
    help = "Load (or refresh) the realistic demo data set. Safe to run again."

    def handle(self, *args, **options):
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
