"""Fixtures of the trials tests: the 73 real ClinicalTrials.gov records (builders are in tests.factories)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.snapshots import RowSnapshot, shared_snapshot
from trials.filters import invalidate_facet_cache
from trials.models import Trial
from trials.services import import_paths

# The real records live once in the project (trials/fixtures/ctgov, also used by the demo data);
# tests/trials/fixtures holds the malformed samples.
CTGOV_DIR = Path(__file__).resolve().parents[2] / "trials" / "fixtures" / "ctgov"
BAD_DIR = Path(__file__).resolve().parent / "fixtures"
ALL_RECORDS = sorted(p for p in CTGOV_DIR.iterdir() if p.suffix in (".json", ".xml"))


def import_and_publish_all():
    report = import_paths(paths=[CTGOV_DIR])
    assert not report.failed, [str(r) for r in report.results if r.outcome == "failed"]
    Trial.objects.update(status=Trial.Status.PUBLISHED, published_at="2020-01-01T00:00:00Z")
    invalidate_facet_cache()  # the contract of every bulk write (an update sends no signal)
    return report


@pytest.fixture(scope="session")
def _imported_snapshot(django_db_setup, django_db_blocker, tmp_path_factory) -> RowSnapshot:
    return shared_snapshot(django_db_blocker, tmp_path_factory, "imported", import_and_publish_all)


@pytest.fixture
def imported(db, _imported_snapshot):
    """All 73 real records imported and published: the import runs once per session and worker, and its
    rows are copied into each test's transaction (tests.snapshots). Returns the import's report."""
    _imported_snapshot.restore()
    return _imported_snapshot.result
