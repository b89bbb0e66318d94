"""TrialFilter (shared with the API): validation errors name the allowed values; query rules."""

from __future__ import annotations

import pytest

from tests.factories import make_trial
from trials.filters import TrialFilter
from trials.models import Trial


def errors_for(**params) -> dict:
    filterset = TrialFilter(params, queryset=Trial.objects.all())
    assert not filterset.is_valid()
    return {name: " ".join(messages) for name, messages in filterset.errors.items()}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("param", "value", "allowed"),
    [
        ("status", "bogus", "all, open, not_yet_open, unverified, closed, ACTIVE_NOT_RECRUITING"),
        ("phase", "PHASE9", "EARLY_PHASE1, PHASE1, PHASE2, PHASE3, PHASE4, NA"),
        ("immunotherapy_class", "anti-xyz", "anti-pd-1, anti-pd-l1, anti-ctla-4"),
        ("sex", "X", "FEMALE, MALE"),
        ("ordering", "random", "relevance, last_update, start_date"),
        ("drug", "no-such-drug", "pembrolizumab"),
    ],
)
def test_unknown_values_are_errors_that_name_the_allowed_values(param, value, allowed):
    message = errors_for(**{param: value})[param]

    assert f"Unknown value {value}." in message
    assert allowed in message


@pytest.mark.django_db
def test_comma_separated_and_repeated_values_both_work():
    make_trial("NCT00000001", phases=["PHASE1"])
    make_trial("NCT00000002", phases=["PHASE3"])
    make_trial("NCT00000003", phases=["PHASE4"])

    comma = TrialFilter({"phase": "PHASE1,PHASE3"}, queryset=Trial.objects.all()).qs
    assert sorted(t.nct_id for t in comma) == ["NCT00000001", "NCT00000002"]


@pytest.mark.django_db
def test_updated_since_keeps_recently_changed_trials():
    old = make_trial("NCT00000001")
    Trial.objects.filter(pk=old.pk).update(updated_at="2020-01-01T00:00:00Z")
    make_trial("NCT00000002")

    qs = TrialFilter({"updated_since": "2024-01-01"}, queryset=Trial.objects.all()).qs
    assert [t.nct_id for t in qs] == ["NCT00000002"]


@pytest.mark.django_db
def test_the_filterset_applies_no_default_status_of_its_own():
    make_trial("NCT00000001", overall_status="COMPLETED")

    assert TrialFilter({}, queryset=Trial.objects.all()).qs.count() == 1


@pytest.mark.django_db
def test_recruiting_never_includes_not_yet_recruiting():
    make_trial("NCT00000001", overall_status="NOT_YET_RECRUITING")
    make_trial("NCT00000002", overall_status="ENROLLING_BY_INVITATION")

    assert [t.nct_id for t in Trial.objects.recruiting()] == ["NCT00000002"]
