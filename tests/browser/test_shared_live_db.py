"""The shared read-only database of the browser tests (tests/live_db.py): the demo data is served, the
read-only tests of a worker share one load, a write is caught and named, and unloading gives the
database back exactly as the loader found it."""

from __future__ import annotations

import os

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from playwright.sync_api import expect

from tests.live_db import SHARED, guard_message, written_tables
from tests.snapshots import _state
from toxicity.models import Toxicity
from trials.models import Trial

# What the read-only tests of this process saw: the load and the row counts.
_SEEN: dict[int, tuple] = {}


def _counts() -> dict:
    return {model._meta.label: model._base_manager.count() for model in SHARED.snapshot.added}


def test_the_demo_data_is_in_the_database_and_on_the_served_pages(read_only_page):
    page = read_only_page
    for model, rows in SHARED.snapshot.added.items():
        keys = [row[model._meta.pk.attname] for row in rows]
        assert model._base_manager.filter(pk__in=keys).count() == len(keys), model
    assert Toxicity.objects.published().exists()
    trial = Trial.objects.get(nct_id="NCT04267848")
    response = page.goto(f"/trials/{trial.nct_id}/")
    assert response.status == 200
    expect(page.get_by_role("heading", level=1)).to_contain_text("Testing the Addition")
    page.goto("/toxicity/colitis/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Diarrhoea and colitis")


@pytest.mark.parametrize("turn", ["first", "second"])
def test_read_only_tests_share_one_load_and_see_the_same_rows(read_only_page, turn):
    seen = (id(SHARED.snapshot), _counts())
    other = _SEEN.setdefault(os.getpid(), seen)
    assert other == seen, turn  # the other test in this process: the same load, the same rows
    read_only_page.goto("/toxicity/")
    expect(read_only_page.get_by_role("heading", level=1)).to_be_visible()


def test_the_guard_names_the_tables_written_inserts_and_updates(read_only_live_server):
    assert written_tables() == []
    # In a transaction rolled back: the rows and the guard's notes vanish together.
    with pytest.raises(RuntimeError), transaction.atomic():
        Group.objects.create(name="Written by a read-only test")
        Trial.objects.filter(nct_id="NCT04267848").update(brief_title="Changed")
        # (the trials' own triggers queue the changed trial: trials/models_facets.py)
        assert {"auth_group", Trial._meta.db_table} <= set(written_tables())
        Toxicity.objects.filter(slug="colitis").delete()
        assert Toxicity._meta.db_table in written_tables()
        raise RuntimeError
    assert written_tables() == []
    assert Trial.objects.get(nct_id="NCT04267848").brief_title.startswith("Testing the Addition")


def test_the_guard_message_names_the_test_and_the_tables():
    message = guard_message("tests/browser/test_x.py::test_y", ["auth_group", "django_session"])
    assert "tests/browser/test_x.py::test_y" in message
    assert "wrote to it: auth_group, django_session" in message


@pytest.mark.django_db(transaction=True)
def test_unloading_gives_the_database_back_as_the_loader_found_it(
    django_db_blocker, tmp_path_factory
):
    assert not SHARED.loaded  # the read-only tests' data was unloaded before this test
    before = _state()
    SHARED.load(django_db_blocker, tmp_path_factory)
    try:
        assert Toxicity.objects.published().exists()
        assert _state() != before
    finally:
        SHARED.unload()
    assert _state() == before
    assert not SHARED.loaded
