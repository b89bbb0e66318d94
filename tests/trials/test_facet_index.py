"""The in-memory copy of the facet rows (trials/facet_index.py): the same counts and page as the SQL
path, current after every write (in this connection or another), never a count from an old copy."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from ion_portal.signals import web_process_started
from tests.factories import make_trial
from tests.trials.test_facets import registry  # noqa: F401 (the fixture)
from trials import facet_index
from trials.facets import raw_counts
from trials.filters import STATUS_ALL, TrialFilter, invalidate_facet_cache
from trials.models import Trial, join_codes

LIST = reverse("trials:list")


def _filterset(data):
    filterset = TrialFilter(data, queryset=Trial.objects.published())
    assert filterset.is_valid(), filterset.errors
    return filterset


def _both(data) -> tuple[dict | None, dict]:
    """(counts from the copy, counts from the SQL path) for the same filters."""
    return facet_index.raw_counts(_filterset(data)), raw_counts(_filterset(data))


def _phase2(response) -> int:
    return next(f["count"] for f in response.context["facets"]["phase"] if f["value"] == "PHASE2")


def test_the_copy_answers_row_filters_and_text_search_only(registry):  # noqa: F811
    indexed, sql = _both({"status": STATUS_ALL, "phase": "PHASE1", "age": 40})
    assert indexed == sql and sql["total"] > 0
    indexed, sql = _both({"status": STATUS_ALL, "q": "Trial", "age": 40})  # search_matches.py
    assert indexed == sql and sql["total"] > 0
    for other in ({"country": "Belgium"}, {"drug": "pembrolizumab"}):
        assert facet_index.raw_counts(_filterset({"status": STATUS_ALL, **other})) is None
    # Another order than the default: the counts still, but not the page.
    filterset = _filterset({"status": STATUS_ALL, "ordering": "start_date"})
    assert facet_index.raw_counts(filterset) == raw_counts(filterset)
    assert facet_index.page_ids(filterset, 0, 20) is None


def test_the_page_from_the_copy_is_the_page_of_the_sql_path(client, registry):  # noqa: F811
    for params in ({"status": STATUS_ALL, "phase": "PHASE1,PHASE3"}, {"status": "closed,open"}):
        response = client.get(LIST, params)
        expected = _filterset(params).qs
        assert [t.pk for t in response.context["trials"]] == [t.pk for t in expected[:20]]
        assert response.context["paginator"].count == expected.count()
    params = {"status": STATUS_ALL}
    expected = _filterset(params).qs
    assert expected.count() > 20
    second = client.get(LIST, {**params, "page": 2})
    assert [t.pk for t in second.context["trials"]] == [t.pk for t in expected[20:40]]


def test_a_write_is_counted_on_the_next_request(client, registry):  # noqa: F811
    params = {"status": STATUS_ALL, "age": 40}
    before = _phase2(client.get(LIST, params))
    copy = facet_index._indexes["default"]
    draft = make_trial("NCT29999999", phases=["PHASE2"], publish=False)
    assert _phase2(client.get(LIST, params)) == before  # a draft is not counted
    draft.status = Trial.Status.PUBLISHED  # a trial published
    draft.save()
    assert _phase2(client.get(LIST, params)) == before + 1
    assert facet_index._indexes["default"] is not copy  # read again: the token changed
    Trial.objects.filter(pk=draft.pk).update(phases=join_codes(["PHASE3"]))  # a phase changed
    invalidate_facet_cache()  # the contract of a bulk write
    assert _phase2(client.get(LIST, params)) == before
    assert facet_index.raw_counts(_filterset(params)) == raw_counts(_filterset(params))


def test_no_count_comes_from_an_old_copy_while_it_is_not_read_again(
    client,
    registry,  # noqa: F811
    monkeypatch,
):
    """During an import the copy is read again at most every ten read-times: meanwhile the SQL path
    answers, with the new counts."""
    params = {"status": STATUS_ALL}
    before = _phase2(client.get(LIST, params))
    monkeypatch.setattr(facet_index, "REBUILD_ALWAYS_UNDER", 0)
    monkeypatch.setattr(facet_index, "REBUILD_SPACING", 10**9)
    make_trial("NCT29999998", phases=["PHASE2"])
    assert facet_index.raw_counts(_filterset(params)) is None  # not read again: SQL answers
    response = client.get(LIST, params)
    assert _phase2(response) == before + 1
    assert [t.pk for t in response.context["trials"]] == [t.pk for t in _filterset(params).qs[:20]]


def test_a_scheduled_trial_is_counted_once_its_time_comes(registry):  # noqa: F811
    data = {"status": STATUS_ALL, "phase": "PHASE2"}
    indexed, sql = _both(data)
    assert indexed == sql
    with time_machine.travel(timezone.now() + timedelta(days=4)):
        later, sql_later = _both(data)
    assert later == sql_later and later["total"] == sql["total"] + 1


@pytest.mark.django_db(transaction=True)
def test_a_write_committed_by_another_connection_is_counted_on_the_next_request(client):
    make_trial("NCT00000001", phases=["PHASE2"])
    first = client.get(LIST, {"status": STATUS_ALL})
    assert _phase2(first) == 1
    copy = facet_index._indexes["default"]

    def publish_elsewhere():
        try:
            make_trial("NCT00000002", phases=["PHASE2"])  # its own connection and transaction
            Trial.objects.filter(nct_id="NCT00000001").update(phases=join_codes(["PHASE1"]))
            invalidate_facet_cache()
        finally:
            connections.close_all()

    thread = threading.Thread(target=publish_elsewhere)
    thread.start()
    thread.join()
    response = client.get(LIST, {"status": STATUS_ALL})
    assert facet_index._indexes["default"] is not copy
    assert _phase2(response) == 1
    phase1 = next(f for f in response.context["facets"]["phase"] if f["value"] == "PHASE1")
    assert phase1["count"] == 1
    expected = list(_filterset({"status": STATUS_ALL}).qs.values_list("nct_id", flat=True))
    assert [t.nct_id for t in response.context["trials"]] == expected


@pytest.mark.django_db(transaction=True)
def test_the_start_up_read_fills_the_copy_and_a_request_meanwhile_is_answered_by_sql(
    client, monkeypatch
):
    make_trial("NCT00000003", phases=["PHASE2"])
    facet_index._indexes.pop("default", None)
    # While the start-up read runs (it holds the lock), a request does not wait: SQL answers it.
    with facet_index._lock:
        assert facet_index.raw_counts(_filterset({"status": STATUS_ALL})) is None
        assert _phase2(client.get(LIST, {"status": STATUS_ALL})) == 1
    assert "default" not in facet_index._indexes
    # The start-up read, in a thread of its own: what a web process starts (ion_portal/wsgi.py).
    monkeypatch.setenv("FACET_COPY_WARM_UP", "true")
    web_process_started.send(sender=None)
    assert facet_index._reading["default"].name == "facet-copy-read"
    facet_index._reading["default"].join()  # the thread the signal started
    copy = facet_index._indexes["default"]
    response = client.get(LIST, {"status": STATUS_ALL})
    assert facet_index._indexes["default"] is copy  # the request used it, read nothing again
    assert _phase2(response) == 1
    assert facet_index.raw_counts(_filterset({"status": STATUS_ALL})) == raw_counts(
        _filterset({"status": STATUS_ALL})
    )


@pytest.mark.django_db(transaction=True)
def test_a_large_stale_copy_is_read_again_in_the_background_not_in_the_request(client, monkeypatch):
    """A copy that takes seconds to read (560,000 trials) is read again by a thread of its own after a
    write: the request that finds it stale, and those while the thread reads, are answered by SQL
    with the new counts; once the thread ends the copy answers again, at the new token."""
    make_trial("NCT00000004", phases=["PHASE2"])
    params = {"status": STATUS_ALL}
    assert _phase2(client.get(LIST, params)) == 1
    old = facet_index._indexes["default"]
    facet_index._reading.pop("default", None)
    monkeypatch.setattr(facet_index, "REBUILD_ALWAYS_UNDER", 0)  # every read counts as a slow one
    monkeypatch.setattr(facet_index, "REBUILD_SPACING", 0)
    with facet_index._lock:  # the background read waits until the request has been answered
        make_trial("NCT00000005", phases=["PHASE2"])
        response = client.get(LIST, params)
        assert _phase2(response) == 2  # SQL: the new trial counted
        assert facet_index._indexes["default"] is old  # not read in the request
        reader = facet_index._reading["default"]
        assert reader.is_alive() and reader.name == "facet-copy-read"
        assert facet_index.read_in_background() is None  # one reading thread at a time
        assert _phase2(client.get(LIST, params)) == 2  # meanwhile: SQL again, no second thread
        assert facet_index._reading["default"] is reader
    reader.join()
    fresh = facet_index._indexes["default"]
    assert fresh is not old and fresh.token == facet_index.state(_filterset(params)).token
    response = client.get(LIST, params)
    assert facet_index._indexes["default"] is fresh  # the copy answers again
    assert _phase2(response) == 2
    assert facet_index.raw_counts(_filterset(params)) == raw_counts(_filterset(params))
