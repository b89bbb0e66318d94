# ruff: noqa: S311 (random picks of test data and filter combinations, not secrets)
"""Facet counts from the narrow facet rows (trials/facets.py): equal to the results behind them for
any filters, refreshed once at the end of a write batch (bulk writes included), single saves outside a
batch, constant query counts, "did you mean" once per page, /healthz without migration re-reads."""

from __future__ import annotations

import itertools
import random
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ion_portal import views as portal_views
from ion_portal.models import CancerType, Unit
from tests.factories import make_trial
from trials import facet_index
from trials.facets import raw_counts
from trials.filters import (
    DEFAULT_STATUS,
    STATUS_ALL,
    TrialFilter,
    facet_invalidation_batch,
    invalidate_facet_cache,
)
from trials.models import (
    Drug,
    Intervention,
    Phase,
    StatusGroup,
    Trial,
    TrialFacet,
    TrialLocation,
    TrialSite,
    join_codes,
)
from trials.models_facets import TrialFacetQueue
from trials.search_index import trial_reindex

LIST = reverse("trials:list")
CLASSES = ["anti-pd-1", "anti-ctla-4", "car-t"]


@pytest.fixture
def registry(db):
    """Trials that exercise every rule the counts must follow: stale open statuses, drafts, a trial
    scheduled for publication, sexes, ages, multi-phase and multi-class trials, cancer types with a
    broader type, confirmed and proposed network sites."""
    rng = random.Random(7)
    parent = CancerType.objects.filter(children__isnull=False).first()
    child = parent.children.first()
    other = CancerType.objects.exclude(pk__in=[parent.pk, child.pk]).first()
    units = [
        Unit.objects.create(name=f"Unit {n}", slug=f"unit-{n}", kind="clinical", institution="UH")
        for n in range(3)
    ]
    today = timezone.localdate()
    statuses = ["RECRUITING", "NOT_YET_RECRUITING", "COMPLETED", "UNKNOWN", "TERMINATED"]
    for n in range(40):
        trial = make_trial(
            f"NCT{10_000_000 + n:08d}",
            overall_status=rng.choice(statuses),
            status_verified=rng.choice([None, today, today - timedelta(days=900)]),
            phases=rng.choice([["PHASE1"], ["PHASE1", "PHASE2"], ["PHASE3"], [], ["NA"]]),
            immunotherapy_classes=rng.sample(CLASSES, rng.choice([0, 1, 1, 2])),
            sex=rng.choice(["ALL", "", "FEMALE", "MALE"]),
            minimum_age_days=rng.choice([None, 18 * 365]),
            maximum_age_days=rng.choice([None, 65 * 365]),
            publish=n % 9 != 0,  # a few drafts
        )
        trial.cancer_types.set(rng.choice([[], [parent], [parent, child], [other]]))
        for unit in rng.sample(units, rng.choice([0, 1, 2])):
            state = rng.choice([TrialSite.State.CONFIRMED] * 3 + [TrialSite.State.PROPOSED])
            TrialSite.objects.create(trial=trial, unit=unit, local_status="RECRUITING", state=state)
    make_trial(
        "NCT19999999",
        phases=["PHASE2"],
        published_at=timezone.now() + timedelta(days=3),  # scheduled: not counted yet
    )
    return {"parent": parent, "child": child, "units": units}


def _results(data) -> int:
    return TrialFilter(data, queryset=Trial.objects.published()).qs.count()


def _assert_counts_are_the_results_behind_them(data):
    filterset = TrialFilter(data, queryset=Trial.objects.published())
    assert filterset.is_valid(), filterset.errors
    raw = raw_counts(filterset)
    # The in-memory copy (trials/facet_index.py) gives the same counts for the row filters, and the
    # same page of ids in the default order; for the other filters it does not answer.
    indexed = TrialFilter(data, queryset=Trial.objects.published())
    if facet_index.applies(indexed):
        assert facet_index.raw_counts(indexed) == raw, data
        ordered = list(filterset.qs.values_list("pk", flat=True))
        assert facet_index.page_ids(indexed, 0, None) == ordered, data
        assert facet_index.page_ids(indexed, 2, 5) == ordered[2:5], data
    else:
        assert facet_index.raw_counts(indexed) is None
    assert raw["total"] == _results(data)
    for group in [*StatusGroup.values, STATUS_ALL]:
        assert raw["status"][group] == _results({**data, "status": group}), (data, group)
    for code in Phase.values:
        assert raw["phase"][code] == _results({**data, "phase": code}), (data, code)
    for code, n in raw["immunotherapy_class"].items():
        assert n == _results({**data, "immunotherapy_class": code}), (data, code)
    for name in ("cancer_type", "site"):
        for slug, _label, n in raw[name]:
            assert n == _results({**data, name: slug}), (data, name, slug)
    return raw


def test_counts_equal_the_results_behind_them_for_any_filters(registry):
    combos = itertools.product(
        [DEFAULT_STATUS, STATUS_ALL, "unverified,closed", "RECRUITING"],
        [None, "PHASE1", "PHASE2,PHASE3"],
        [None, "anti-pd-1"],
        [None, registry["parent"].slug, registry["child"].slug],
        [None, "unit-1"],
        [None, 40],
        [None, "FEMALE"],
    )
    checked = 0
    for status, phase, cls, cancer_type, site, age, sex in random.Random(3).sample(
        list(combos), 40
    ):
        data = {"status": status, "phase": phase, "immunotherapy_class": cls}
        data |= {"cancer_type": cancer_type, "site": site, "age": age, "sex": sex}
        _assert_counts_are_the_results_behind_them({k: v for k, v in data.items() if v})
        checked += 1
    raw = _assert_counts_are_the_results_behind_them({"status": STATUS_ALL})
    # A broader type counts its own links (an import links it for every narrower one).
    assert raw["cancer_type"] and raw["site"] and raw["total"] > 20
    assert checked == 40


def test_counts_follow_the_filters_the_rows_do_not_hold(registry):
    updated = Trial.objects.published().order_by("pk")[:5]
    Trial.objects.filter(pk__in=[t.pk for t in updated]).update(
        updated_at=timezone.now() + timedelta(days=1)
    )
    since = (timezone.now() + timedelta(hours=12)).isoformat()
    for data in (
        {"status": STATUS_ALL, "q": "NCT1000001"},
        {"status": STATUS_ALL, "updated_since": since, "phase": "PHASE1"},
        {"status": DEFAULT_STATUS, "q": "Trial", "sex": "MALE"},
    ):
        _assert_counts_are_the_results_behind_them(data)


@pytest.fixture
def elsewhere(registry):
    """Some registry trials with a drug (searchable by its name) and registered countries: the
    filters the facet rows do not hold."""
    drug, _ = Drug.objects.get_or_create(slug="pembrolizumab", defaults={"name": "pembrolizumab"})
    trials = list(Trial.objects.published().order_by("pk"))
    for n, trial in enumerate(trials):
        if n % 3 == 0:
            intervention = Intervention.objects.create(
                trial=trial, type="DRUG", name="Pembrolizumab", drug=drug
            )
            intervention.drugs.add(drug)
            trial_reindex(trial)
        for country in (["Belgium"], ["Netherlands"], ["Belgium", "France"], [])[n % 4]:
            TrialLocation.objects.create(trial=trial, facility="Hospital", country=country)
    Trial.objects.filter(pk__in=[t.pk for t in trials[::4]]).update(
        updated_at=timezone.now() + timedelta(days=1)
    )
    return {**registry, "drug": drug, "since": (timezone.now() + timedelta(hours=12)).isoformat()}


def test_counts_with_the_shared_search_equal_the_results_for_varied_filters(elsewhere):
    """The sub-select of q, drug, country and updated_since is shared by the parts of the facet
    statement (evaluated once): every count stays equal to the results behind it (what the counts
    with the sub-select inlined in each part were tested against), combined with the row filters."""
    rest = itertools.product(
        [None, "Trial", "pembrolizumab", "NCT1000001", "nosuchwordanywhere"],
        [None, "pembrolizumab"],
        [None, "Belgium", "belgium,France"],
        [None, elsewhere["since"]],
    )
    rows = list(
        itertools.product(
            [DEFAULT_STATUS, STATUS_ALL, "unverified,closed"],
            [None, "PHASE1"],
            [None, "anti-pd-1"],
            [None, elsewhere["parent"].slug],
            [None, "unit-1"],
            [None, 40],
        )
    )
    rng = random.Random(11)
    for q, drug, country, since in rest:
        if not any((q, drug, country, since)):
            continue
        status, phase, cls, cancer_type, site, age = rng.choice(rows)
        data = {"q": q, "drug": drug, "country": country, "updated_since": since}
        data |= {"status": status, "phase": phase, "immunotherapy_class": cls}
        data |= {"cancer_type": cancer_type, "site": site, "age": age}
        _assert_counts_are_the_results_behind_them({k: v for k, v in data.items() if v})
    raw = _assert_counts_are_the_results_behind_them(
        {"status": STATUS_ALL, "drug": "pembrolizumab"}
    )
    assert 0 < raw["total"] < Trial.objects.published().count()


def _search_expression() -> str:
    """What the SQL of the search for q="Trial" holds (once in its WHERE)."""
    return "plainto_tsquery" if connection.vendor == "postgresql" else '"brief_title" LIKE'


def _searches(captured) -> int:
    """How many statements run search for q="Trial"."""
    return sum(_search_expression() in query["sql"] for query in captured)


def test_the_search_runs_once_for_the_facets(elsewhere, client):
    data = {"q": "Trial", "drug": "pembrolizumab", "country": "Belgium", "status": STATUS_ALL}
    data |= {"phase": "PHASE1", "cancer_type": elsewhere["parent"].slug, "site": "unit-1"}
    filterset = TrialFilter(data, queryset=Trial.objects.published())
    assert filterset.is_valid(), filterset.errors
    filterset.form.cleaned_data  # noqa: B018 (the slug checks run before the capture)
    with CaptureQueriesContext(connection) as captured:
        raw = raw_counts(filterset)
    # One facet statement (besides the look-up of the cancer types' descendants); the search, the
    # drug and the country sub-selects once in it (they were in each of three parts, of two queries).
    facets = [q for q in captured if TrialFacet._meta.db_table in q["sql"]]
    assert len(facets) == 1
    assert _searches(captured) == 1
    sql = facets[0]["sql"]
    assert sql.count(_search_expression()) == 1
    assert sql.count("trials_triallocation") == 1 and "MATERIALIZED" in sql
    assert raw["total"] == _results(data)
    # A whole page with results: the page query and the facet statement (it was 4: 3 facet parts).
    with CaptureQueriesContext(connection) as captured:
        response = client.get(LIST, {"q": "Trial", "drug": "pembrolizumab", "status": STATUS_ALL})
    assert response.context["paginator"].count > 0
    assert _searches(captured) == 2


def test_drafts_and_scheduled_trials_are_not_counted(registry):
    scheduled = Trial.objects.get(nct_id="NCT19999999")
    assert TrialFacet.objects.filter(trial=scheduled).exists()  # kept, counted once its time comes
    raw = _assert_counts_are_the_results_behind_them({"status": STATUS_ALL})
    assert raw["total"] == Trial.objects.published().count()
    assert raw["total"] < TrialFacet.objects.count() < Trial.objects.count()


def test_a_batch_of_bulk_writes_refreshes_the_rows_once_at_its_end(db):
    with facet_invalidation_batch():
        Trial.objects.bulk_create(
            [
                Trial(
                    nct_id=f"NCT2000000{n}",
                    brief_title="Bulk",
                    overall_status="RECRUITING",
                    phases=join_codes(["PHASE2"]),
                    status=Trial.Status.PUBLISHED,
                    published_at=timezone.now() - timedelta(minutes=1),
                )
                for n in range(3)
            ]
        )
        invalidate_facet_cache()  # the writer's contract (bulk writes send no signals)
        assert not TrialFacet.objects.exists()  # not per write: once, at the end
    assert TrialFacet.objects.filter(phase_mask=1 << Phase.values.index("PHASE2")).count() == 3
    assert not TrialFacetQueue.objects.exists()


def test_writes_no_signal_sees_are_queued_by_the_database(db, django_assert_num_queries):
    one, two = make_trial("NCT00000001"), make_trial("NCT00000002")
    unit = Unit.objects.create(name="Onc", slug="onc", kind="clinical", institution="UH")
    lung = CancerType.objects.first()
    Trial.objects.filter(pk=one.pk).update(phases=join_codes(["PHASE3"]))  # no signal
    Trial.cancer_types.through.objects.bulk_create(
        [Trial.cancer_types.through(trial_id=two.pk, cancertype_id=lung.pk)]
    )
    TrialSite.objects.bulk_create([TrialSite(trial=two, unit=unit, local_status="RECRUITING")])
    assert TrialFacetQueue.objects.filter(trial_id__in=[one.pk, two.pk]).exists()
    # Claim the queue (DELETE … RETURNING), upsert the 2 rows, delete the unpublished, a new token
    # of the facet rows and the pruning of old ones (trials/facet_index.py: was 5 without them),
    # in a savepoint (SAVEPOINT, RELEASE), + the cache version.
    with django_assert_num_queries(7):
        invalidate_facet_cache()
    rows = {row.trial_id: row for row in TrialFacet.objects.all()}
    assert rows[one.pk].phase_mask == 1 << Phase.values.index("PHASE3")
    assert rows[two.pk].cancer_type_ids == [lung.pk] and rows[two.pk].site_ids == [unit.pk]
    Trial.objects.filter(pk=two.pk).delete()
    invalidate_facet_cache()
    assert list(TrialFacet.objects.values_list("trial_id", flat=True)) == [one.pk]


def test_single_saves_outside_a_batch_keep_the_rows_right(db):
    unit = Unit.objects.create(name="Onc", slug="onc", kind="clinical", institution="UH")
    lung = CancerType.objects.first()
    trial = make_trial("NCT00000001", phases=["PHASE1"])
    trial.phases = join_codes(["PHASE2"])
    trial.save()
    trial.cancer_types.add(lung)
    site = TrialSite.objects.create(trial=trial, unit=unit, local_status="RECRUITING")
    row = TrialFacet.objects.get(trial=trial)
    assert row.phase_mask == 1 << Phase.values.index("PHASE2")
    assert row.cancer_type_ids == [lung.pk] and row.site_ids == [unit.pk]

    lung.trials.remove(trial)  # from the cancer type's side
    site.state = TrialSite.State.REJECTED
    site.save()
    row.refresh_from_db()
    assert row.cancer_type_ids == [] and row.site_ids == []

    trial.status = Trial.Status.DRAFT
    trial.save()
    assert not TrialFacet.objects.exists()
    trial.status = Trial.Status.PUBLISHED
    trial.save()
    trial.delete()
    assert not TrialFacet.objects.exists()


def test_the_command_and_the_seed_build_the_rows(db):
    call_command("seed_synthetic", trials=30, stdout=None)
    assert TrialFacet.objects.count() == 30
    TrialFacet.objects.all().delete()
    call_command("refresh_trial_facets", stdout=None)
    assert TrialFacet.objects.count() == 30
    filterset = TrialFilter({"status": STATUS_ALL}, queryset=Trial.objects.published())
    filterset.is_valid()
    assert raw_counts(filterset)["total"] == 30


@pytest.mark.django_db
def test_a_filtered_page_runs_as_many_queries_as_the_plain_one(
    client, registry, django_assert_num_queries
):
    params = {"status": "all", "phase": "PHASE1", "age": 40, "sex": "FEMALE", "site": "unit-1"}
    # Whatever the filters: the check of the site slugs, the token of the facet copy with the
    # names (trials/facet_index.py: the counts and the page's ids come from the copy; it was the
    # facet statement, which counted the results too, and before it 2 facet queries: 6), the
    # page's rows by id, 2 prefetches (interventions; sites with units; the arms' prefetch runs
    # only when there are interventions). The first request after the registry's writes reads
    # the copy again (token, facet rows, ids in list order, id pairs: 4).
    with django_assert_num_queries(5 + 4):
        client.get(LIST, params)
    with django_assert_num_queries(5):
        client.get(LIST, {**params, "age": 41})
    # Cached facets: no count at all; the token is still read, for the page's ids (was 4).
    with django_assert_num_queries(5):
        response = client.get(LIST, params)
    assert response.context["paginator"].count == _results(params)
    assert [t.pk for t in response.context["trials"]] == list(
        TrialFilter(params, queryset=Trial.objects.published()).qs.values_list("pk", flat=True)[:20]
    )


@pytest.mark.django_db
def test_did_you_mean_runs_once_per_page(client, django_assert_num_queries):
    make_trial("NCT00000001", brief_title="Melanoma trial", conditions=["Melanoma"])
    client.get(LIST)  # the facet copy read after the write (trials/facet_index.py)
    # The copy's token + the query's matches (trials/search_matches.py; together they replace the
    # facet statement, which was 2 queries before; no result counted, so the page is not even read) +
    # the vocabulary of "did you mean" (drugs, cancer types: 2 look-ups for the whole query, not 2
    # per word) + on PostgreSQL the trigram look-up of drug names.
    with django_assert_num_queries(4 + (connection.vendor == "postgresql")):
        response = client.get(LIST, {"q": "melanomma pembrolizumabb", "status": "all"})
    assert response.context["suggestion"] == "melanoma pembrolizumab"


@pytest.mark.django_db
def test_healthz_reads_the_migrations_once_per_process(client, django_assert_num_queries):
    client.get("/healthz")
    loaded = portal_views._migrations_on_disk.cache_info().misses
    with django_assert_num_queries(1):  # SELECT 1 only: the migrations were seen applied
        assert client.get("/healthz").status_code == 200
    assert portal_views._migrations_on_disk.cache_info().misses == loaded <= 1
