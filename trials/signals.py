"""Cached facet counts of the trial list are dropped whenever a trial, its cancer types or a network site
changes (see trials.filters.facet_counts); a web process reads the facet copy as it starts."""

import os

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from ion_portal.signals import web_process_started

from .facet_index import read_in_background
from .filters import invalidate_facet_cache
from .models import Intervention, Trial, TrialSite
from .models_criteria import EligibilityCriterion
from .prescreen.queries import criteria_changed


@receiver([post_save, post_delete], sender=Trial)
@receiver([post_save, post_delete], sender=TrialSite)
@receiver([post_save, post_delete], sender=Intervention)
@receiver(m2m_changed, sender=Trial.cancer_types.through)
def _trials_changed(**kwargs):
    invalidate_facet_cache()


def _connect_prescreen():
    """Saving or deleting a structured criterion makes every process recompile the pre-screen's
    criteria (trials.prescreen.queries)."""

    for signal in (post_save, post_delete):
        signal.connect(criteria_changed, sender=EligibilityCriterion, dispatch_uid="prescreen")


_connect_prescreen()


@receiver(web_process_started)
def read_the_facet_copy_in_the_background(sender, **kwargs):
    """A web process reads the list's facet copy at start (2-3 s at 560,000 trials) in a thread of
    its own: requests meanwhile are answered by SQL (trials/facet_index.py). FACET_COPY_WARM_UP=false
    turns it off (the test suite: its modules import the WSGI application before a test database)."""
    if os.environ.get("FACET_COPY_WARM_UP", "true").lower() != "false":
        read_in_background()
