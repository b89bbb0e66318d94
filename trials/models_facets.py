"""The narrow facet row of a trial (trials/facets.py fills and reads it): what the list's facets and its
common filters need, as small integers, so the five facet counts are one pass over narrow rows.

Derived data, rebuilt from the trial, its cancer-type links and its network sites. Database triggers
(migration 0012, on both PostgreSQL and SQLite) put the id of every trial whose row, cancer-type
links or sites are inserted, updated or deleted, by any code path (bulk writes and raw SQL included),
into TrialFacetQueue; the end of every write batch (trials.filters.invalidate_facet_cache /
facet_invalidation_batch) rebuilds the rows of the queued trials. `manage.py refresh_trial_facets`
rebuilds them all.
"""

from __future__ import annotations

import json

from django.db import models

from .models import Trial


class IdListField(models.Field):
    """A list of integer ids: `integer[]` on PostgreSQL (unnest, &&), JSON text elsewhere (json_each)."""

    description = "List of integer ids"

    def db_type(self, connection):
        return "integer[]" if connection.vendor == "postgresql" else "text"

    def from_db_value(self, value, expression, connection):
        if value is None or isinstance(value, list):
            return value
        return json.loads(value)

    def get_db_prep_value(self, value, connection, prepared=False):
        value = sorted({int(v) for v in value or ()})
        return value if connection.vendor == "postgresql" else json.dumps(value)


class TrialFacet(models.Model):
    """One row per trial with status "published" (its publication time is kept: a trial scheduled
    for later is counted once that time is reached, the rule of published())."""

    # No database constraint: derived rows never block a write (a bulk delete of trials leaves
    # their rows to the next refresh, which deletes them).
    trial = models.OneToOneField(
        Trial,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="facet_row",
        db_constraint=False,
    )
    published_at = models.DateTimeField(null=True)
    # Index in OverallStatus.values (-1: a code outside the vocabulary); the group is computed at
    # query time, because "not verified recently" depends on today.
    status_code = models.SmallIntegerField()
    status_verified = models.DateField(null=True)
    phase_mask = models.IntegerField()  # bit i: Phase.values[i]
    class_mask = models.BigIntegerField()  # bit i: ImmunotherapyClass.values[i]
    sex_code = models.SmallIntegerField()  # 0 all or unknown, 1 female, 2 male, 3 other
    minimum_age_days = models.IntegerField(null=True)
    maximum_age_days = models.IntegerField(null=True)
    cancer_type_ids = IdListField(default=list)  # the trial's cancer-type links (as stored)
    site_ids = IdListField(default=list)  # units of its network sites

    class Meta:
        verbose_name = "trial facet row"

    def __str__(self):
        return f"facets of trial {self.trial_id}"


class TrialFacetQueue(models.Model):
    """Ids of trials whose facet row may be out of date (written by the triggers only)."""

    trial_id = models.BigIntegerField()

    class Meta:
        verbose_name = "trial facet refresh queue entry"

    def __str__(self):
        return f"refresh facets of trial {self.trial_id}"


class TrialFacetGeneration(models.Model):
    """The states of the facet rows: a new row with a random token with every rebuild of rows
    (trials.facets.refresh_facet_rows, in the same transaction as the rows); the newest names the
    state they are in. A process's in-memory copy of the rows (trials/facet_index.py) is used only
    while it was built at that token. Random, so a state is never named twice (not even after a
    rollback, unlike an id)."""

    token = models.CharField(max_length=32)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "trial facet generation"

    def __str__(self):
        return f"facet generation {self.pk}"
