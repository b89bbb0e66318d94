"""manage.py refresh_trial_facets: rebuild every trial's facet row (trials/facets.py) and drop the
cached counts. Imports, syncs and saves keep the rows current themselves; this is for data written
around them (a restore, a manual SQL fix)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from trials.facets import refresh_facet_rows
from trials.filters import invalidate_facet_cache
from trials.models import TrialFacet


class Command(BaseCommand):
    help = "Rebuild the facet rows of every trial (the list's facet counts) and drop cached counts."

    def handle(self, *args, **options):
        started = time.monotonic()
        refresh_facet_rows()  # every row (and the queue emptied)
        invalidate_facet_cache()  # what was queued meanwhile, and the cached counts
        self.stdout.write(
            f"{TrialFacet.objects.count()} facet rows in {time.monotonic() - started:.1f} s."
        )
