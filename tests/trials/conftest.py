"""Fixtures of the trials tests: the 73 real ClinicalTrials.gov records and a quick trial factory."""

from __future__ import annotations

from pathlib import Path

import pytest

from trials.models import Trial, join_codes
from trials.services import import_paths, trial_reindex

# The real records live once in the project (trials/fixtures/ctgov, also used by the demo data);
# tests/trials/fixtures holds the malformed samples.
CTGOV_DIR = Path(__file__).resolve().parents[2] / "trials" / "fixtures" / "ctgov"
BAD_DIR = Path(__file__).resolve().parent / "fixtures"
ALL_RECORDS = sorted(p for p in CTGOV_DIR.iterdir() if p.suffix in (".json", ".xml"))


def make_trial(nct_id: str = "NCT00000001", *, publish: bool = True, **fields) -> Trial:
    """A trial written directly (not imported), published and recruiting unless told otherwise."""
    fields.setdefault("brief_title", f"Trial {nct_id}")
    fields.setdefault("overall_status", "RECRUITING")
    if isinstance(fields.get("phases"), list):
        fields["phases"] = join_codes(fields["phases"])
    if isinstance(fields.get("immunotherapy_classes"), list):
        fields["immunotherapy_classes"] = join_codes(fields["immunotherapy_classes"])
    trial = Trial.objects.create(
        nct_id=nct_id, status=Trial.Status.PUBLISHED if publish else Trial.Status.DRAFT, **fields
    )
    trial_reindex(trial)
    return trial


@pytest.fixture
def imported(db):
    """All 73 real records imported and published."""
    report = import_paths(paths=[CTGOV_DIR])
    assert not report.failed, [str(r) for r in report.results if r.outcome == "failed"]
    Trial.objects.update(status=Trial.Status.PUBLISHED, published_at="2020-01-01T00:00:00Z")
    return report
