"""The data migration that moved collaborations onto the core immunotherapy-class codes."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("collaborations", "0002_seed_vocabularies")]
AFTER = [("collaborations", "0003_therapy_classes_core_codes")]


@pytest.mark.django_db(transaction=True)
def test_stored_old_class_codes_become_the_core_codes():
    # A real schema migration backwards and forwards needs a transactional test.
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    Unit = apps.get_model("ion_portal", "Unit")
    Collection = apps.get_model("collaborations", "SampleCollection")
    SavedSearch = apps.get_model("collaborations", "SavedSearch")
    User = apps.get_model("ion_portal", "User")
    unit = Unit.objects.create(slug="bb", name="Biobank", kind="biobank")
    old = Collection.objects.create(
        slug="old",
        name="Old",
        unit=unit,
        summary="s",
        size_band=1,
        therapy_classes=["anti_pd1", "car_t", "oncolytic_virus", "til"],
    )
    user = User.objects.create(email="m@example.org")
    search = SavedSearch.objects.create(
        user=user, name="PD-1", kind="collections", query={"therapy_class": ["anti_ctla4"]}
    )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    apps = executor.loader.project_state(AFTER).apps
    Collection = apps.get_model("collaborations", "SampleCollection")
    SavedSearch = apps.get_model("collaborations", "SavedSearch")
    assert Collection.objects.get(pk=old.pk).therapy_classes == [
        "anti-pd-1",
        "car-t",
        "oncolytic-virus",
        "til",
    ]
    assert SavedSearch.objects.get(pk=search.pk).query == {"therapy_class": ["anti-ctla-4"]}

    # Leave the schema at the latest migrations for the tests that follow.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_linked_nct_ids_become_a_relation_and_unknown_ones_stay_as_text():
    executor = MigrationExecutor(connection)
    trials = [node for node in executor.loader.graph.leaf_nodes() if node[0] == "trials"]
    before = [("collaborations", "0003_therapy_classes_core_codes"), *trials]
    after = [("collaborations", "0004_linked_trials"), *trials]
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    Unit = apps.get_model("ion_portal", "Unit")
    Collection = apps.get_model("collaborations", "SampleCollection")
    Trial = apps.get_model("trials", "Trial")
    Trial.objects.create(nct_id="NCT01234567", brief_title="In the registry")
    unit = Unit.objects.create(slug="bb", name="Biobank", kind="biobank")
    collection = Collection.objects.create(
        slug="c",
        name="C",
        unit=unit,
        summary="s",
        size_band=1,
        linked_nct_ids="NCT09999999, NCT01234567",
    )

    executor = MigrationExecutor(connection)
    executor.migrate(after)
    apps = executor.loader.project_state(after).apps
    migrated = apps.get_model("collaborations", "SampleCollection").objects.get(pk=collection.pk)
    assert [t.nct_id for t in migrated.linked_trials.all()] == ["NCT01234567"]
    assert migrated.other_nct_ids == "NCT09999999"

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
