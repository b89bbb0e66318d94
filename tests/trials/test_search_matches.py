"""A text search answered with the facet copy (trials/search_matches.py): the same counts, the same page
in the same relevance order as the SQL path, for any combination of a query with row filters; the
query's matches read once per registry state, never from before a write."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from ion_portal.models import CancerType
from tests.factories import make_trial
from trials import facet_index, search_matches
from trials.facets import raw_counts
from trials.filters import STATUS_ALL, TrialFilter, invalidate_facet_cache
from trials.models import Trial

LIST = reverse("trials:list")
WORDS = ["melanoma", "pembrolizumab", "nivolumab", "adjuvant", "relapsed", "biomarker"]


@pytest.fixture
def searchable(db):
    """Titles and summaries with the searched words 0-3 times (different ranks on PostgreSQL), classes
    a query names ("PD-1"), a cancer type a query names, drafts and a trial scheduled for later."""
    rng = random.Random(11)  # noqa: S311 (test data, not secrets)
    lung = CancerType.objects.get(slug="lung-cancer")
    search_matches._kept.clear()
    for n in range(45):
        words = rng.sample(WORDS, 3)
        repeats = [rng.randint(0, 3) for _ in words]
        text = " ".join(" ".join([w] * r) for w, r in zip(words, repeats, strict=True))
        trial = make_trial(
            f"NCT{20_000_000 + n:08d}",
            brief_title=f"Study {n} {words[0]}",
            brief_summary=f"A study of {text or 'immunotherapy'}.",
            phases=rng.choice([["PHASE1"], ["PHASE2"], ["PHASE1", "PHASE2"], []]),
            immunotherapy_classes=rng.choice([[], ["anti-pd-1"], ["anti-ctla-4"]]),
            sex=rng.choice(["ALL", "FEMALE", "MALE"]),
            minimum_age_days=rng.choice([None, 18 * 365]),
            overall_status=rng.choice(["RECRUITING", "COMPLETED"]),
            last_update_posted=timezone.localdate() - timedelta(days=rng.randint(0, 3)),
            publish=n % 11 != 0,
        )
        if n % 4 == 0:
            trial.cancer_types.set([lung])
    make_trial(
        "NCT29999990",
        brief_title="Melanoma study scheduled",
        published_at=timezone.now() + timedelta(days=2),
    )


def _filterset(data):
    filterset = TrialFilter(data, queryset=Trial.objects.published())
    assert filterset.is_valid(), filterset.errors
    return filterset


COMBINATIONS = [
    {"q": "melanoma"},
    {"q": "melanoma", "phase": "PHASE2"},
    {"q": "melanoma pembrolizumab", "sex": "FEMALE", "age": 30},
    {"q": "PD-1"},  # a class named: matched by class or by text
    {"q": "lung cancer", "phase": "PHASE1"},  # a cancer type named
    {"q": "adjuvant", "immunotherapy_class": "anti-pd-1", "status": "closed"},
    {"q": "nothing-matches-this"},
]


@pytest.mark.parametrize("data", COMBINATIONS)
def test_counts_and_page_equal_the_sql_path(searchable, data):
    data = {"status": STATUS_ALL, **data}
    indexed = facet_index.raw_counts(_filterset(data))
    assert indexed is not None, "a text search with row filters is answered by the copy"
    assert indexed == raw_counts(_filterset(data))
    expected = list(_filterset(data).qs.values_list("pk", flat=True))
    assert facet_index.page_ids(_filterset(data), 0, None) == expected
    assert facet_index.page_ids(_filterset(data), 3, 8) == expected[3:8]


def test_relevance_order_is_the_databases_rank_order(searchable):
    data = {"status": STATUS_ALL, "q": "melanoma"}
    expected = list(_filterset(data).qs.values_list("pk", flat=True))
    assert len(expected) > 5
    by_date = list(_filterset({**data, "ordering": "last_update"}).qs.values_list("pk", flat=True))
    if connection.vendor == "postgresql":
        assert expected != by_date  # ranked: not the date order
    assert facet_index.page_ids(_filterset(data), 0, None) == expected
    assert facet_index.page_ids(_filterset({**data, "ordering": "last_update"}), 0, None) == by_date
    assert facet_index.page_ids(_filterset({**data, "ordering": "start_date"}), 0, None) is None


def test_a_query_is_matched_once_then_every_filter_combination_costs_no_search(
    client, searchable, django_assert_num_queries
):
    client.get(LIST, {"q": "melanoma"})  # the copy read and the query matched
    for age in (20, 30, 40):
        # The token with the names, the page's rows by id, and the prefetches of interventions,
        # sites and cancer types (why a result matched): no search statement, no drug look-up.
        with django_assert_num_queries(5):
            response = client.get(LIST, {"q": "melanoma", "age": age, "status": "open"})
        sql = _filterset({"q": "melanoma", "age": age, "status": "open"})
        assert [t.pk for t in response.context["trials"]] == list(
            sql.qs.values_list("pk", flat=True)
        )
        assert response.context["paginator"].count == sql.qs.count()


def test_other_workers_take_the_matches_from_the_shared_cache(
    searchable, django_assert_num_queries
):
    data = {"status": STATUS_ALL, "q": "nivolumab"}
    expected = raw_counts(_filterset(data))
    assert facet_index.raw_counts(_filterset(data)) == expected
    search_matches._kept.clear()  # another process: nothing kept in its memory
    with django_assert_num_queries(1):  # the token only: the matches come from the cache
        assert facet_index.raw_counts(_filterset(data)) == expected


def test_a_write_is_searched_on_the_next_request(client, searchable):
    data = {"status": STATUS_ALL, "q": "biomarker"}
    before = facet_index.raw_counts(_filterset(data))["total"]
    make_trial("NCT29999991", brief_title="Biomarker study", overall_status="RECRUITING")
    response = client.get(LIST, data)
    assert response.context["paginator"].count == before + 1
    assert facet_index.raw_counts(_filterset(data)) == raw_counts(_filterset(data))
    Trial.objects.filter(nct_id="NCT29999991").update(status=Trial.Status.DRAFT)
    invalidate_facet_cache()  # the contract of a bulk write
    assert facet_index.raw_counts(_filterset(data))["total"] == before


def test_kept_queries_are_bounded(searchable, monkeypatch):
    monkeypatch.setattr(search_matches, "MAX_QUERIES", 2)
    for word in WORDS[:4]:
        facet_index.raw_counts(_filterset({"q": word}))
    assert len(search_matches._kept) == 2
    assert [key[2] for key in search_matches._kept] == WORDS[2:4]  # the most recent ones
