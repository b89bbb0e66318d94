"""Fixtures for the toxicity tests: the shipped demo content, loaded into the test database.

The demo loader (17 irAEs plus CRS and ICANS from the data files, the reviewer, the task force) runs once
per test session and worker (`_toxicity_demo`); each test that asks for `guidelines` gets those rows
copied into its own transaction (tests.snapshots), which rolls back after the test like any other write.
"""

from __future__ import annotations

import pytest
from django.db import transaction

from tests.snapshots import RowSnapshot, shared_snapshot


@pytest.fixture(scope="session")
def _toxicity_demo(django_db_setup, django_db_blocker, tmp_path_factory) -> RowSnapshot:
    from toxicity import demo

    return shared_snapshot(django_db_blocker, tmp_path_factory, "toxicity_demo", demo.load)


@pytest.fixture
def guidelines(db, _toxicity_demo):
    """The demo guidelines (17 irAEs plus CRS and ICANS), as shipped."""
    from toxicity.models import Toxicity

    _toxicity_demo.restore()
    return Toxicity.objects.published()


@pytest.fixture(scope="module")
def demo_guidelines(django_db_setup, django_db_blocker, _toxicity_demo):
    """The demo guidelines for a module of read-only tests (the search and its benchmark): copied in once
    for the module inside a transaction that is rolled back when the module ends; each test still rolls
    its own changes back."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        _toxicity_demo.restore()
        yield
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)
