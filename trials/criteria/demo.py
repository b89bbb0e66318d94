"""Demo criteria (seed_demo): every demo trial gets the extractor's proposals, and for a few trials the
proposals that agree with the hand-annotated evaluation set are marked confirmed, so the pre-screen
and the API have something to show. Demo confirmations have no curator (confirmed_by empty) and say
so in their note. Idempotent."""

from __future__ import annotations

from django.utils import timezone

from ..models import Trial
from ..models_criteria import CriterionStatus, EligibilityCriterion
from .evaluate import key, load_gold
from .sync import propose_criteria

# Immunotherapy trials of the demo set whose criteria were annotated by hand.
CONFIRMED_TRIALS = ["NCT04267848", "NCT01642004", "NCT02481830", "NCT03424005", "NCT02912559"]
DEMO_NOTE = (
    "Demo data: confirmed automatically because it matches the hand-annotated evaluation set."
)


def load_demo_criteria(nct_ids) -> dict[str, int]:

    trials = list(Trial.objects.filter(nct_id__in=nct_ids))
    for trial in trials:
        if not EligibilityCriterion.objects.filter(trial=trial).exists():
            propose_criteria(trial)
    gold = load_gold()
    confirmed = 0
    for trial in trials:
        if trial.nct_id not in CONFIRMED_TRIALS:
            continue
        for c in EligibilityCriterion.objects.filter(trial=trial, status=CriterionStatus.PROPOSED):
            if key(c.section, c.kind, c.operator, c.value) in gold.get(trial.nct_id, set()):
                c.status = CriterionStatus.CONFIRMED
                c.confirmed_at = timezone.now()
                c.curator_note = DEMO_NOTE
                c.save(update_fields=["status", "confirmed_at", "curator_note", "updated_at"])
                confirmed += 1
    return {
        "criteria confirmed": confirmed,
        "criteria": EligibilityCriterion.objects.filter(trial__in=trials).count(),
    }
