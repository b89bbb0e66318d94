"""The change history of trials: what a refresh from ClinicalTrials.gov changed upstream.

`track_changes(nct_ids)` wraps an import: it takes a snapshot of the tracked fields before and after and
writes one TrialChange per changed field. Sites and arms are read from the stored source record
(`contactsLocationsModule.locations`, `armsInterventionsModule.armGroups`), so the history does not
depend on how the import models them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from .models import Trial
from .models_history import SyncRun, TrialChange

Field = TrialChange.Field


def _sites(raw: dict) -> list[str]:
    module = (raw.get("protocolSection") or {}).get("contactsLocationsModule") or {}
    names = []
    for location in module.get("locations") or []:
        parts = [location.get("facility"), location.get("city"), location.get("country")]
        names.append(", ".join(p for p in parts if p))
    return sorted(names)


def _arms(raw: dict) -> list[str]:
    module = (raw.get("protocolSection") or {}).get("armsInterventionsModule") or {}
    arms = []
    for arm in module.get("armGroups") or []:
        label = arm.get("label") or ""
        arms.append(f"{label} ({arm['type']})" if arm.get("type") else label)
    return sorted(arms)


def snapshot(trial: Trial) -> dict:
    """The tracked fields of a trial, as comparable text (lists for sites and arms)."""
    raw = trial.raw_record if isinstance(trial.raw_record, dict) else {}
    enrollment = "" if trial.enrollment_count is None else str(trial.enrollment_count)
    if enrollment and trial.enrollment_type:
        enrollment = f"{enrollment} ({trial.enrollment_type.lower()})"
    return {
        Field.STATUS: trial.overall_status,
        Field.START_DATE: trial.start_date.isoformat() if trial.start_date else "",
        Field.PRIMARY_COMPLETION_DATE: trial.primary_completion_date.isoformat()
        if trial.primary_completion_date
        else "",
        Field.COMPLETION_DATE: trial.completion_date.isoformat() if trial.completion_date else "",
        Field.ENROLLMENT: enrollment,
        Field.SITES: _sites(raw),
        Field.ARMS: _arms(raw),
    }


def snapshots(nct_ids: Iterable[str]) -> dict[str, dict]:
    return {
        trial.nct_id: snapshot(trial)
        for trial in Trial.objects.filter(nct_id__in=list(nct_ids)).only(
            "nct_id",
            "overall_status",
            "start_date",
            "primary_completion_date",
            "completion_date",
            "enrollment_count",
            "enrollment_type",
            "raw_record",
        )
    }


def _list_change(old: list[str], new: list[str]) -> tuple[str, str, str]:
    added = [x for x in new if x not in old]
    removed = [x for x in old if x not in new]
    detail = "\n".join([*(f"+ {x}" for x in added), *(f"- {x}" for x in removed)])
    return str(len(old)), str(len(new)), detail


def record_changes(before: dict[str, dict], *, run: SyncRun | None = None) -> list[TrialChange]:
    """Compare the trials in `before` with their state now; write a TrialChange per changed field.
    A trial that did not exist before (a first import) has no history yet."""
    after = snapshots(before)
    trials = dict(
        Trial.objects.filter(nct_id__in=list(after)).values_list("nct_id", "last_update_posted")
    )
    ids = dict(Trial.objects.filter(nct_id__in=list(after)).values_list("nct_id", "pk"))
    changes = []
    for nct_id, old in before.items():
        new = after.get(nct_id)
        if new is None:
            continue
        for field, old_value in old.items():
            new_value = new[field]
            if old_value == new_value:
                continue
            detail = ""
            if isinstance(old_value, list):
                old_value, new_value, detail = _list_change(old_value, new_value)
            changes.append(
                TrialChange(
                    trial_id=ids[nct_id],
                    field=field,
                    old_value=old_value,
                    new_value=new_value,
                    detail=detail,
                    changed_on=trials[nct_id],
                    sync_run=run,
                )
            )
    TrialChange.objects.bulk_create(changes)
    return changes


@contextmanager
def track_changes(nct_ids: Iterable[str], *, run: SyncRun | None = None) -> Iterator[list]:
    """Record the upstream changes an import inside the block makes to these trials; the yielded
    list holds the TrialChange rows written, once the block is left."""
    before = snapshots(nct_ids)
    written: list[TrialChange] = []
    yield written
    written.extend(record_changes(before, run=run))
