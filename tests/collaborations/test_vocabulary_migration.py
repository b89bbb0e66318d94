"""Collaborations' data migrations: core immunotherapy-class codes (0003) and linked trials as a relation
to trials.Trial (0004), run on rows written with the old schema."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


@pytest.mark.django_db(transaction=True)
def test_old_codes_become_core_codes_and_nct_ids_become_trial_links():
    # A real schema migration backwards and forwards needs a transactional test; one test for both
    # migrations keeps it to one round trip.
    executor = MigrationExecutor(connection)
    # Every other app stays at its latest state (the User table has columns the old state lacks).
    trials = [
        node for node in executor.loader.graph.leaf_nodes() if node[0] in ("trials", "ion_portal")
    ]
    before = [("collaborations", "0002_seed_vocabularies"), *trials]
    after = [("collaborations", "0004_linked_trials"), *trials]
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    Unit = apps.get_model("ion_portal", "Unit")
    User = apps.get_model("ion_portal", "User")
    Trial = apps.get_model("trials", "Trial")
    Collection = apps.get_model("collaborations", "SampleCollection")
    SavedSearch = apps.get_model("collaborations", "SavedSearch")
    Trial.objects.create(nct_id="NCT01234567", brief_title="In the registry")
    unit = Unit.objects.create(slug="bb", name="Biobank", kind="biobank")
    old = Collection.objects.create(
        slug="old",
        name="Old",
        unit=unit,
        summary="s",
        size_band=1,
        therapy_classes=["anti_pd1", "car_t", "oncolytic_virus", "til"],
        linked_nct_ids="NCT09999999, NCT01234567",
    )
    user = User.objects.create(email="m@example.org")
    search = SavedSearch.objects.create(
        user=user, name="CTLA-4", kind="collections", query={"therapy_class": ["anti_ctla4"]}
    )

    executor = MigrationExecutor(connection)
    executor.migrate(after)
    apps = executor.loader.project_state(after).apps
    migrated = apps.get_model("collaborations", "SampleCollection").objects.get(pk=old.pk)
    assert migrated.therapy_classes == ["anti-pd-1", "car-t", "oncolytic-virus", "til"]
    assert [t.nct_id for t in migrated.linked_trials.all()] == ["NCT01234567"]
    assert migrated.other_nct_ids == "NCT09999999"
    saved = apps.get_model("collaborations", "SavedSearch").objects.get(pk=search.pk)
    assert saved.query == {"therapy_class": ["anti-ctla-4"]}

    # Leave the schema at the latest migrations for the tests that follow.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
