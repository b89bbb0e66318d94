"""Writing a batch of prepared records (trials.import_prepare) in a constant number of queries.

`write_batch()`:
1. reads the stored trials of the batch's NCT IDs in one light query (pk, fingerprint, last update):
   a record whose fingerprint is stored, or older than the stored one, is "unchanged" and untouched
   (a trial stored with the older fingerprint, which did not cover the source record, only gets the
   new one when its stored record is the same);
2. writes the others in one transaction: the trial rows (bulk insert / bulk update, locked first, with
   their simple-history rows), then interventions, arms, locations, proposed sites, cancer-type links,
   the search vector and the proposed eligibility criteria, each in one bulk statement for the batch;
3. when the database refuses the batch, it is rolled back and every record is written on its own (its
   own savepoint), so one bad record fails alone and nothing of it is written.

Bulk writes send no model signals, so this module does what trials/signals.py would: the cached
facet counts are invalidated (once per batch; inside facet_invalidation_batch() only marked dirty) and
the pre-screen is told when a curated criterion changed. Upstream changes of refreshed trials are
recorded (trials.history) when `history` is set.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone

from .criteria.sync import propose_criteria_many
from .ctgov.errors import RecordError
from .ctgov.report import RecordResult
from .filters import invalidate_facet_cache
from .history import record_changes, snapshots
from .import_children import (
    has_site,
    linked_after,
    replace_interventions_and_arms,
    replace_locations,
    stored_cancer_links,
    stored_sites,
    write_cancer_links,
)
from .import_prepare import (
    DERIVED_FIELDS,
    UPSTREAM_FIELDS,
    Prepared,
    in_scope_reason,
    legacy_fingerprint,
    message,
    search_terms,
)
from .models import Trial, TrialSite, join_codes
from .models_history import SyncRun
from .prescreen.queries import criteria_changed
from .recognition import Recogniser
from .search_index import update_search_vectors

WRITTEN_FIELDS = [
    *UPSTREAM_FIELDS,
    *DERIVED_FIELDS,
    "raw_record",
    "source",
    "last_synced_at",
    "import_fingerprint",
    "immunotherapy_classes",
    "scope_reason",
    "status",
    "published_at",
    "recognised_cancer_types",
    "search_terms",
    "updated_at",
]
LIGHT = ("pk", "nct_id", "import_fingerprint", "last_update_posted")


@dataclass
class BatchOutcome:
    results: list[RecordResult]
    changes: int = 0  # TrialChange rows written (history)


def _kept(prepared: Prepared, stored) -> RecordResult | None:
    """The "unchanged" result when the stored trial needs no write, else None."""
    if stored is None:
        return None
    incoming, last = prepared.fields["last_update_posted"], stored.last_update_posted
    if incoming and last and incoming < last:
        return RecordResult(
            prepared.label,
            "unchanged",
            prepared.nct_id,
            f"older than the stored record (last update {incoming} < {last}); kept the newer one",
        )
    if stored.import_fingerprint == prepared.derived.fingerprint:
        return RecordResult(prepared.label, "unchanged", prepared.nct_id)
    return None


def write_batch(
    items: list[Prepared],
    *,
    recogniser: Recogniser,
    publish: bool = False,
    history: bool = False,
    run: SyncRun | None = None,
) -> BatchOutcome:
    """Write the records (distinct NCT IDs); one result per item, in order (see the module docstring)."""
    stored = {
        t.nct_id: t for t in Trial.objects.filter(nct_id__in=[p.nct_id for p in items]).only(*LIGHT)
    }
    results: list[RecordResult | None] = [_kept(p, stored.get(p.nct_id)) for p in items]
    _adopt_legacy_fingerprints(items, stored, results)
    todo = [i for i, r in enumerate(results) if r is None]
    outcome = BatchOutcome([])
    alone = todo
    if len(todo) > 1:
        try:
            _write_group(items, todo, results, outcome, recogniser, publish, history, run)
            alone = []
        except (DatabaseError, RecordError, ValidationError):
            pass  # rolled back: each record is written on its own below, so only the bad one fails
    for i in alone:
        try:
            _write_group(items, [i], results, outcome, recogniser, publish, history, run)
        except (RecordError, ValidationError) as exc:
            results[i] = RecordResult(items[i].label, "failed", items[i].nct_id, message(exc))
        except DatabaseError as exc:  # e.g. a value the database refuses; nothing was written
            results[i] = RecordResult(
                items[i].label,
                "failed",
                items[i].nct_id,
                f"The database refused the record ({exc}).",
            )
    outcome.results = [r for r in results if r is not None]
    return outcome


def _adopt_legacy_fingerprints(items, stored, results) -> None:
    """A trial imported before the fingerprint covered the source record is unchanged when its old
    fingerprint and its stored record match: it gets the new fingerprint (one bulk update), and is
    not rewritten (nor given a history row) for nothing."""
    candidates = {
        stored[p.nct_id].pk: (i, p)
        for i, p in enumerate(items)
        if results[i] is None
        and p.nct_id in stored
        and stored[p.nct_id].import_fingerprint == legacy_fingerprint(p.derived)
    }
    if not candidates:
        return
    adopted = []
    for trial in Trial.objects.filter(pk__in=list(candidates)).only("pk", "raw_record"):
        i, prepared = candidates[trial.pk]
        if trial.raw_record == prepared.raw:
            trial.import_fingerprint = prepared.derived.fingerprint
            adopted.append(trial)
            results[i] = RecordResult(prepared.label, "unchanged", prepared.nct_id)
    Trial.objects.bulk_update(adopted, ["import_fingerprint"], batch_size=500)


def _write_group(items, indexes, results, outcome, recogniser, publish, history, run) -> None:
    group = [items[i] for i in indexes]
    with transaction.atomic():
        written, changes = _write(
            group, recogniser=recogniser, publish=publish, history=history, run=run
        )
    for i, result in zip(indexes, written, strict=True):
        results[i] = result
    outcome.changes += changes


def _write(
    group: list[Prepared], *, recogniser: Recogniser, publish: bool, history: bool, run
) -> tuple[list[RecordResult], int]:
    now = timezone.now()
    locked = {
        t.nct_id: t
        for t in Trial.objects.select_for_update()
        .filter(nct_id__in=[p.nct_id for p in group])
        .defer("raw_record", "search_vector")
    }
    results: list[RecordResult] = []
    batch: list[tuple[Trial, Prepared, bool]] = []
    for prepared in group:
        kept = _kept(prepared, locked.get(prepared.nct_id))  # changed since the light read?
        if kept is not None:
            results.append(kept)
            continue
        trial = locked.get(prepared.nct_id)
        created = trial is None
        batch.append((trial or Trial(nct_id=prepared.nct_id), prepared, created))
        results.append(
            RecordResult(prepared.label, "created" if created else "updated", prepared.nct_id)
        )
    if not batch:
        return results, 0
    refreshed = [trial for trial, _p, created in batch if not created]
    before = snapshots(t.nct_id for t in refreshed) if history and refreshed else {}
    sites = stored_sites([t.pk for t in refreshed])
    links = stored_cancer_links([t.pk for t in refreshed])
    gone: dict[str, set[int]] = {}
    for trial, prepared, created in batch:
        _fill(trial, prepared, now=now)
        trial.scope_reason = in_scope_reason(
            trial, has_site=has_site(prepared, sites.get(trial.pk, {}))
        )
        if publish and created and not trial.scope_reason:
            trial.status = Trial.Status.PUBLISHED
            trial.published_at = trial.published_at or now
        gone[trial.nct_id], after = linked_after(
            trial, prepared.derived.cancer_type_ids, links.get(trial.pk, set())
        )
        trial.recognised_cancer_types = prepared.derived.cancer_type_ids
        trial.search_terms = search_terms(prepared.derived, sorted(after), recogniser)
    new = [trial for trial, _p, created in batch if created]
    Trial.objects.bulk_create(new, batch_size=500)
    if refreshed:
        Trial.objects.bulk_update(refreshed, WRITTEN_FIELDS, batch_size=200)
    # One history row per written trial, as Trial.save() would have made.
    Trial.history.bulk_history_create(new, default_date=now)
    Trial.history.bulk_history_create(refreshed, update=True, default_date=now)
    replace_interventions_and_arms(batch)
    proposals = replace_locations(batch, sites)
    TrialSite.history.bulk_history_create(proposals, default_date=now)
    write_cancer_links(batch, links, gone)
    update_search_vectors(Trial.objects.filter(pk__in=[t.pk for t, _p, _c in batch]))
    if propose_criteria_many([t for t, _p, _c in batch]):  # structured eligibility, curated kept
        criteria_changed()
    invalidate_facet_cache()  # trials, sites, interventions and cancer-type links were written
    changes = len(record_changes(before, run=run)) if before else 0
    return results, changes


def _fill(trial: Trial, prepared: Prepared, *, now) -> None:
    """The upstream fields from the record; local curation (classes set by a curator, status, notes,
    line of therapy) is left as stored."""
    fields = prepared.fields
    for name in [*UPSTREAM_FIELDS, *DERIVED_FIELDS]:
        setattr(trial, name, fields[name])
    trial.raw_record = prepared.raw
    trial.source = prepared.source
    trial.last_synced_at = now
    trial.updated_at = now
    trial.import_fingerprint = prepared.derived.fingerprint
    if not trial.classes_overridden:
        trial.immunotherapy_classes = join_codes(prepared.derived.classes)
