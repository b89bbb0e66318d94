"""Pre-screen glue: load the network's open trials and their confirmed criteria for the pure engine
(trials.prescreen.engine) and explain the trials shown.

Queries (pinned in tests/trials/test_prescreen_pages.py): the cancer-type tree (1), the open trials'
ids (1), then for the trials shown the trials with their criteria and network sites (3). The confirmed
criteria of every trial are compiled once and kept in this process until a criterion is saved or
deleted (a signal bumps a version number in the shared cache, so every process recompiles: two more
queries, the stamp and the criteria) or `CACHE_SECONDS` passed and the stamp (count, highest id, sum
of ids and latest change of the confirmed criteria) differs: a bulk `update()` sends no signal.
Which trials are open is asked on every pre-screen, so a closed or unpublished trial never shows.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.postgres.aggregates import ArrayAgg
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Max, Prefetch, Sum, TextField
from django.db.models.functions import Cast

from ion_portal.models import CancerType

from ..models import Trial, TrialSite
from ..models_criteria import CriterionStatus, EligibilityCriterion
from .batch import Compiled, compile_rows, explain_result, rank, recompiled, results
from .engine import Patient, Result, Rule
from .texts import CANCER_NAMES, REGISTRY_CANCER_SENTENCE

SHOWN = 25  # trials explained on the results page
CACHE_SECONDS = 300
VERSION_KEY = "prescreen:criteria-version"
CHANGED_KEY = "prescreen:criteria-changed:{}"  # version -> the trial whose criterion changed
INCREMENTAL = 200  # at most this many changes are applied trial by trial, more recompile everything
# "changed": trials changed in this process since it compiled (None: unknown, recompile everything);
# it covers a shared cache that is down.
_cache: dict = {"stamp": None, "at": 0.0, "compiled": None, "version": None, "changed": set()}


@dataclass(slots=True)
class Outcome:
    """What the results page shows."""

    results: list[Result]  # the first SHOWN, explained
    ranked: int  # open trials with confirmed criteria
    eligible: int  # of which no criterion is "not met"
    not_reviewed: int  # open trials without any confirmed criterion
    questions: list[tuple[str, str, int]] = field(default_factory=list)  # (question, field, trials)


def cancer_parents() -> dict[str, str | None]:
    """slug -> broader slug, the whole vocabulary (one query)."""
    rows = list(CancerType.objects.values_list("pk", "slug", "parent_id", "name"))
    slugs = {pk: slug for pk, slug, _parent, _name in rows}
    CANCER_NAMES.update((slug, name) for _pk, slug, _parent, name in rows)
    return {slug: slugs.get(parent) for _pk, slug, parent, _name in rows}


def open_trials():
    """The network's open trials: published, recruiting (status verified in the last two years)."""
    return Trial.objects.published().recruiting()


def open_trial_ids() -> list[int]:
    """The open trials' pks (one query; on PostgreSQL one array in one row, not 10,000 rows)."""
    if connection.vendor == "postgresql":
        return open_trials().aggregate(ids=ArrayAgg("pk", default=[]))["ids"]
    return list(open_trials().values_list("pk", flat=True))


def _rule(criterion) -> Rule:
    return Rule(
        pk=criterion.pk,
        section=criterion.section,
        kind=criterion.kind,
        operator=criterion.operator,
        value=criterion.value if isinstance(criterion.value, dict) else {},
        sentence=criterion.source_sentence,
    )


def _stamp() -> tuple:
    return tuple(
        EligibilityCriterion.objects.confirmed()
        .aggregate(n=Count("pk"), top=Max("pk"), total=Sum("pk"), last=Max("updated_at"))
        .values()
    )


def most_specific(slugs, parents) -> list[str]:
    """The slugs without those that are only a broader type of another one (the registry links the
    broader types too: a melanoma trial is linked to "skin cancer" as well)."""
    wanted = set(slugs)
    broader = set()
    for slug in wanted:
        parent = parents.get(slug)
        while parent:
            broader.add(parent)
            parent = parents.get(parent)
    return sorted(wanted - broader)


def registry_cancer_rule(slugs) -> Rule:
    """The cancer types a trial registered at ClinicalTrials.gov, as a criterion: used for a trial whose
    curators confirmed no cancer-type criterion, so that a melanoma patient is never shown a lung-cancer
    trial as "eligible so far"."""
    return Rule(
        pk=0,
        section="inclusion",
        kind="cancer_type",
        operator="in",
        value={"cancer_types": sorted(slugs)},
        sentence=str(REGISTRY_CANCER_SENTENCE),
    )


def _registry_cancer_types(trial_ids) -> dict[int, list[str]]:
    """trial pk -> the slugs of its registered cancer types (one query)."""
    through = Trial.cancer_types.through
    found: dict[int, list[str]] = {}
    rows = through.objects.filter(trial_id__in=trial_ids).values_list(
        "trial_id", "cancertype__slug"
    )
    for trial_id, slug in rows.iterator(chunk_size=10000):
        found.setdefault(trial_id, []).append(slug)
    return found


def _with_registry_cancer_rows(rows):
    """The confirmed rows, then for each trial without a confirmed cancer-type criterion a row for its
    registered cancer types (two more queries: the cancer-type tree and the links)."""
    seen: set[int] = set()
    with_cancer: set[int] = set()
    nct: dict[int, str] = {}
    for row in rows:
        trial_id, nct_id, _section, kind = row[0], row[1], row[2], row[3]
        seen.add(trial_id)
        nct[trial_id] = nct_id
        if kind == "cancer_type":
            with_cancer.add(trial_id)
        yield row
    missing = seen - with_cancer
    if not missing:
        return
    parents = cancer_parents()
    for trial_id, slugs in _registry_cancer_types(missing).items():
        rule = registry_cancer_rule(most_specific(slugs, parents))
        yield (
            trial_id,
            nct[trial_id],
            rule.section,
            rule.kind,
            rule.operator,
            json.dumps(rule.value),
        )


def _confirmed_rows(trial_ids=None):
    rows = EligibilityCriterion.objects.confirmed()
    if trial_ids is not None:
        rows = rows.filter(trial_id__in=trial_ids)
    rows = (
        rows.annotate(value_text=Cast("value", TextField()))
        .order_by("trial_id", "section", "source_start", "pk")
        .values_list("trial_id", "trial__nct_id", "section", "kind", "operator", "value_text")
    )
    return _with_registry_cancer_rows(rows.iterator(chunk_size=10000))


def _changed_trials(since, version) -> set[int] | None:
    """The trials whose criteria changed between two versions, or None when not known (a bulk change,
    a gap too long, an entry the shared cache lost): then everything is recompiled."""
    local = _cache["changed"]
    if local is None or since is None or not 0 <= version - since <= INCREMENTAL:
        return None
    keys = [CHANGED_KEY.format(v) for v in range(since + 1, version + 1)]
    found = cache.get_many(keys) if keys else {}
    if len(found) != len(keys) or not all(isinstance(pk, int) for pk in found.values()):
        return None
    return local | set(found.values())


def compiled_criteria() -> Compiled:
    """Every trial's confirmed criteria, compiled (cached; see the module docstring). After a curator's
    change only the changed trials are compiled again (`batch.recompiled`)."""
    version = cache.get(VERSION_KEY, 0)
    compiled = _cache["compiled"]
    changed = None  # None: compile everything
    if compiled is not None and _cache["version"] == version and _cache["changed"] == set():
        if time.monotonic() - _cache["at"] < CACHE_SECONDS:
            return compiled
        if _stamp() == _cache["stamp"]:  # a bulk update() sends no signal: check now and then
            _cache["at"] = time.monotonic()
            return compiled
    elif compiled is not None:
        changed = _changed_trials(_cache["version"], version)
    stamp = _stamp()
    if changed is None:
        compiled = compile_rows(_confirmed_rows())
    else:
        compiled = recompiled(compiled, changed, _confirmed_rows(sorted(changed)))
    _cache.update(stamp=stamp, at=time.monotonic(), compiled=compiled, version=version)
    _cache["changed"] = set()
    return compiled


def criteria_changed(instance=None, **_kwargs) -> None:
    """Tell every process to recompile the criteria of the instance's trial (the signal receiver of
    EligibilityCriterion saves and deletes), or everything (without an instance: call it after a bulk
    update() too)."""
    trial_id = getattr(instance, "trial_id", None)
    try:
        version = cache.incr(VERSION_KEY)
    except ValueError:
        version = 1
        cache.set(VERSION_KEY, version, timeout=None)
        trial_id = None  # the versions before are unknown: every process recompiles everything
    if trial_id:
        cache.set(CHANGED_KEY.format(version), trial_id, timeout=24 * 3600)
    if trial_id and _cache["changed"] is not None:
        _cache["changed"].add(trial_id)
    else:
        _cache["changed"] = None


def clear_cache() -> None:
    _cache.update(stamp=None, at=0.0, compiled=None, version=None, changed=set())


def shown_trials(ids: list[int]) -> dict[int, Trial]:
    """The trials shown, with their reviewed-or-not criteria (never rejected) and referral sites."""
    criteria = EligibilityCriterion.objects.exclude(status=CriterionStatus.REJECTED).order_by(
        "section", "source_start", "pk"
    )
    trials = (
        Trial.objects.filter(pk__in=ids)
        .only("pk", "nct_id", "brief_title")
        .prefetch_related(
            Prefetch("criteria", queryset=criteria),
            Prefetch("cancer_types", queryset=CancerType.objects.only("pk", "slug")),
            Prefetch(
                "sites", queryset=TrialSite.objects.select_related("unit", "referral_contact")
            ),
        )
    )
    return {trial.pk: trial for trial in trials}


def prescreen(patient: Patient, *, limit: int = SHOWN) -> Outcome:
    """The network's open trials for this patient, ranked, the first `limit` explained."""
    parents = cancer_parents()
    compiled = compiled_criteria()
    open_ids = open_trial_ids()
    ranking = rank(compiled, patient, parents, trial_ids=open_ids)
    shown = results(ranking.rows(limit))
    trials = shown_trials([r.trial_id for r in shown]) if shown else {}
    asked: Counter = Counter()
    fields: dict[str, str] = {}
    for result in shown:
        trial = trials[result.trial_id]
        criteria = list(trial.criteria.all())
        confirmed = [_rule(c) for c in criteria if c.status == CriterionStatus.CONFIRMED]
        if confirmed and not any(rule.kind == "cancer_type" for rule in confirmed):
            registered = [cancer.slug for cancer in trial.cancer_types.all()]
            if registered:
                confirmed.insert(0, registry_cancer_rule(most_specific(registered, parents)))
        proposed = [_rule(c) for c in criteria if c.status == CriterionStatus.PROPOSED]
        explain_result(result, confirmed, proposed, patient, parents)
        result.trial = trial
        for question, form_field in result.questions:
            asked[question] += 1
            fields[question] = form_field
    questions = sorted(asked.items(), key=lambda item: (-item[1], item[0]))
    return Outcome(
        results=shown,
        ranked=len(ranking),
        eligible=ranking.eligible,
        not_reviewed=len(open_ids) - len(ranking),
        questions=[(q, fields[q], n) for q, n in questions],
    )
