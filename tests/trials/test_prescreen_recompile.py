"""After a curator's change only the changed trial's criteria are compiled again: the same ranking as a
full compile, pinned queries (constant in the number of trials), and a full compile whenever the
changes are not known (a bulk change, a lost cache entry)."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from ion_portal.models import CancerType
from tests.factories import make_trial
from trials.models_criteria import EligibilityCriterion
from trials.prescreen import queries
from trials.prescreen.batch import rank
from trials.prescreen.engine import Patient

pytestmark = pytest.mark.django_db

PATIENT = Patient(cancer_type="melanoma", ecog=1, hiv="active", age=64)


@pytest.fixture(autouse=True)
def _fresh_cache():
    queries.clear_cache()
    yield
    queries.clear_cache()


def criterion(trial, kind, operator, value=None, status="confirmed"):
    return EligibilityCriterion.objects.create(
        trial=trial, section="inclusion", kind=kind, operator=operator, value=value or {},
        source_sentence=f"{kind} {operator}", status=status,
    )  # fmt: skip


@pytest.fixture
def network(db):
    melanoma = CancerType.objects.get(slug="melanoma")
    trials = []
    for i in range(12):
        trial = make_trial(f"NCT0000{i:04d}")
        trial.cancer_types.add(melanoma)
        if i % 2:
            criterion(trial, "cancer_type", "in", {"cancer_types": ["melanoma"]})
        criterion(trial, "ecog", "range", {"min": 0, "max": i % 3})
        criterion(trial, "hiv", "excluded", status="proposed")
        trials.append(trial)
    return trials


def ranked(compiled):
    parents = queries.cancer_parents()
    return rank(compiled, PATIENT, parents).rows()


def full_compile():
    queries.clear_cache()
    return queries.compiled_criteria()


def test_a_confirmation_recompiles_only_its_trial(network, curator, django_assert_num_queries):
    first = queries.compiled_criteria()
    hiv = EligibilityCriterion.objects.filter(trial=network[4], kind="hiv").get()
    hiv.confirm(curator)
    # The criteria stamp, the changed trial's confirmed criteria, and (it has no confirmed cancer-type
    # criterion) the cancer-type tree and its registered cancer types.
    with django_assert_num_queries(4):
        after = queries.compiled_criteria()
    assert after.trials[network[0].pk] is first.trials[network[0].pk]  # kept, not compiled again
    assert after.trials[network[4].pk] != first.trials[network[4].pk]
    with django_assert_num_queries(0):
        assert queries.compiled_criteria() is after  # warm again
    assert ranked(after) == ranked(full_compile())


def test_the_queries_do_not_grow_with_the_trials(network, curator, django_assert_num_queries):
    queries.compiled_criteria()
    for trial in network[:6]:  # six changes, six trials: still one query for their criteria
        criterion(trial, "age", "range", {"min": 18})
    with django_assert_num_queries(4):
        after = queries.compiled_criteria()
    assert ranked(after) == ranked(full_compile())


def test_deleting_a_trials_last_criteria_drops_it(network):
    queries.compiled_criteria()
    EligibilityCriterion.objects.filter(trial=network[3], status="confirmed").delete()
    after = queries.compiled_criteria()
    assert network[3].pk not in after.trials
    assert ranked(after) == ranked(full_compile())


def test_a_lost_change_recompiles_everything(network, curator):
    first = queries.compiled_criteria()
    EligibilityCriterion.objects.filter(trial=network[5], kind="hiv").get().confirm(curator)
    version = cache.get(queries.VERSION_KEY)
    cache.delete(queries.CHANGED_KEY.format(version))  # evicted, or written by another process late
    queries._cache["changed"] = set()  # as in a process that did not make the change
    after = queries.compiled_criteria()
    assert after.trials[network[0].pk] is not first.trials[network[0].pk]  # compiled afresh
    assert ranked(after) == ranked(full_compile())


def test_a_bulk_change_without_an_instance_recompiles_everything(network):
    first = queries.compiled_criteria()
    EligibilityCriterion.objects.filter(kind="hiv").update(status="confirmed")
    queries.criteria_changed()  # what a bulk update's caller does
    after = queries.compiled_criteria()
    assert after.trials[network[0].pk] is not first.trials[network[0].pk]
    assert len(after.trials[network[0].pk][1]) == 3  # registered cancer types, ECOG, HIV
    assert ranked(after) == ranked(full_compile())
