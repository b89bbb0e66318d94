"""Proposing criteria for a trial after an import, without losing the curators' work.

- Curated criteria (confirmed or rejected) are never deleted or changed by a re-import, except their
  offsets: when the source sentence is still in the new eligibility text they follow it; when it changed
  or disappeared, `source_changed` is set so a curator reviews them again.
- Proposed (not yet reviewed) criteria are re-generated from the new text. A proposal is dropped when a
  curator already decided on that kind for that sentence (so rejected proposals do not come back).
- When the new proposals equal the stored ones, nothing is written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from ..models_criteria import CriterionStatus, EligibilityCriterion
from .extract import EXTRACTOR_VERSION, Proposal, extract


@dataclass
class SyncResult:
    proposed: int = 0  # proposals stored after the run
    created: int = 0
    deleted: int = 0
    flagged: int = 0  # curated criteria newly flagged source_changed
    kept: int = 0  # curated criteria kept

    def __str__(self):
        return (
            f"{self.proposed} proposed ({self.created} new, {self.deleted} removed), "
            f"{self.kept} reviewed kept, {self.flagged} flagged as changed"
        )


def _locate(text: str, sentence: str, near: int | None) -> int | None:
    """Offset of `sentence` in `text` (the occurrence nearest its old offset), or None."""
    if not sentence:
        return None
    hits, start = [], text.find(sentence)
    while start != -1:
        hits.append(start)
        start = text.find(sentence, start + 1)
    if not hits:
        return None
    return min(hits, key=lambda h: abs(h - (near or 0)))


def _signature(kind, section, operator, value, sentence, start) -> tuple:
    return (kind, section, operator, json.dumps(value, sort_keys=True), sentence, start)


@dataclass
class Plan:
    """What bringing one trial's criteria in line writes: curated criteria whose offsets or flag
    changed (changed in memory), proposals to delete (pks) and proposals to create (unsaved)."""

    curated: list[EligibilityCriterion]
    stale: list[int]
    new: list[EligibilityCriterion]
    result: SyncResult


def plan_criteria(trial, existing: list[EligibilityCriterion]) -> Plan:
    """The plan for a trial whose stored criteria are `existing` (see the module docstring); no query."""
    text = trial.eligibility_criteria or ""
    result = SyncResult()
    changed_curated = []
    curated = [c for c in existing if c.status != CriterionStatus.PROPOSED]
    for criterion in curated:
        result.kept += 1
        start = _locate(text, criterion.source_sentence, criterion.source_start)
        if start is None:
            if not criterion.source_changed and criterion.source_sentence:
                criterion.source_changed = True
                changed_curated.append(criterion)
                result.flagged += 1
        elif start != criterion.source_start:
            criterion.source_start, criterion.source_end = (
                start,
                start + len(criterion.source_sentence),
            )
            changed_curated.append(criterion)
    decided = {(c.kind, c.source_sentence) for c in curated}
    decided_values = {
        _signature(c.kind, c.section, c.operator, c.value, "", 0)[:4] for c in curated
    }
    wanted: list[Proposal] = [
        p
        for p in extract(text)
        if (p.kind, p.sentence) not in decided
        and _signature(p.kind, p.section, p.operator, p.value, "", 0)[:4] not in decided_values
    ]
    stored = [c for c in existing if c.status == CriterionStatus.PROPOSED]
    stored_sigs = sorted(
        (
            *_signature(c.kind, c.section, c.operator, c.value, c.source_sentence, c.source_start),
            c.extractor_version,
        )
        for c in stored
    )
    wanted_sigs = sorted(
        (
            *_signature(p.kind, p.section, p.operator, p.value, p.sentence, p.start),
            EXTRACTOR_VERSION,
        )
        for p in wanted
    )
    result.proposed = len(wanted)
    if stored_sigs == wanted_sigs:
        return Plan(changed_curated, [], [], result)
    result.deleted, result.created = len(stored), len(wanted)
    new = [
        EligibilityCriterion(
            trial=trial,
            section=p.section,
            kind=p.kind,
            operator=p.operator,
            value=p.value,
            source_sentence=p.sentence,
            source_start=p.start,
            source_end=p.end,
            status=CriterionStatus.PROPOSED,
            extractor_version=EXTRACTOR_VERSION,
        )
        for p in wanted
    ]
    return Plan(changed_curated, [c.pk for c in stored], new, result)


CURATED_FIELDS = ["source_changed", "source_start", "source_end", "updated_at"]


@transaction.atomic
def propose_criteria(trial) -> SyncResult:
    """Bring a trial's criteria in line with its eligibility text (see the module docstring)."""
    plan = plan_criteria(trial, list(EligibilityCriterion.objects.filter(trial=trial)))
    for criterion in plan.curated:
        criterion.save(update_fields=CURATED_FIELDS)
    if plan.stale:
        EligibilityCriterion.objects.filter(pk__in=plan.stale).delete()
    EligibilityCriterion.objects.bulk_create(plan.new)
    return plan.result


def propose_criteria_many(trials) -> bool:
    """propose_criteria() for many trials in a few queries (the import's batches). Returns whether a
    curated criterion changed: bulk updates send no signal, the caller tells the pre-screen."""
    existing: dict[int, list[EligibilityCriterion]] = {t.pk: [] for t in trials}
    for criterion in EligibilityCriterion.objects.filter(trial_id__in=list(existing)):
        existing[criterion.trial_id].append(criterion)
    curated, stale, new = [], [], []
    for trial in trials:
        plan = plan_criteria(trial, existing[trial.pk])
        curated.extend(plan.curated)
        stale.extend(plan.stale)
        new.extend(plan.new)
    if curated:
        now = timezone.now()
        for criterion in curated:
            criterion.updated_at = now
        EligibilityCriterion.objects.bulk_update(curated, CURATED_FIELDS, batch_size=500)
    if stale:
        EligibilityCriterion.objects.filter(pk__in=stale).delete()
    EligibilityCriterion.objects.bulk_create(new, batch_size=1000)
    return bool(curated)
