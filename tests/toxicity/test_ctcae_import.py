"""CTCAE v5.0 import from the real NCI files shipped in toxicity/data/: 837 terms, idempotent."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from toxicity.models import CtcaeTerm
from toxicity.services import ctcae_import

DATA = Path(__file__).resolve().parents[2] / "toxicity" / "data"
CSV = DATA / "CTCAE_v5.0.csv"
XLSX = DATA / "CTCAE_v5.0_2017-11-27.xlsx"


@pytest.mark.parametrize("path", [CSV, XLSX], ids=["csv", "xlsx"])
def test_import_reads_all_837_terms_and_is_idempotent(db, path):
    first = ctcae_import(path=path)
    assert (first.created, first.errors) == (837, [])
    assert CtcaeTerm.objects.count() == 837
    second = ctcae_import(path=path)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 837)
    assert CtcaeTerm.objects.count() == 837


def test_csv_and_xlsx_hold_the_same_terms(db):
    ctcae_import(path=CSV)
    again = ctcae_import(path=XLSX)
    # The workbook ends lines with CRLF in 5 cells; the import normalises them, so nothing changes.
    assert (again.created, again.updated) == (0, 0)


def test_import_keeps_grades_codes_and_missing_grades(db):
    ctcae_import(path=XLSX)
    term = CtcaeTerm.objects.get(meddra_code="10028606")
    assert term.term == "Myocarditis"
    assert term.soc == "Cardiac disorders"
    assert term.grade_1 == ""  # CTCAE v5.0 deleted grade 1 ("-")
    assert term.grade_2.startswith("Symptoms with moderate activity")
    assert CtcaeTerm.objects.values("soc").distinct().count() == 26


def test_command_reports_counts(db, capsys):
    call_command("import_ctcae", str(CSV))
    call_command("import_ctcae", str(CSV))
    out = capsys.readouterr().out
    assert "837 created" in out and "837 unchanged" in out


def test_command_rejects_missing_and_wrong_files(db, tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_ctcae", str(tmp_path / "missing.csv"))
    bad = tmp_path / "terms.csv"
    bad.write_text("Code,Name\n1,x\n", encoding="utf-8")
    with pytest.raises(CommandError, match="missing columns"):
        call_command("import_ctcae", str(bad))
    assert not CtcaeTerm.objects.exists()


def test_bad_rows_are_reported_and_the_rest_imported(db, tmp_path):
    lines = CSV.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    header, rest = lines[0], "".join(lines[1:])
    broken = tmp_path / "broken.csv"
    broken.write_text(
        header + "not-a-code,Cardiac disorders,Bad,,,,,,,,\n" + rest, encoding="utf-8"
    )
    result = ctcae_import(path=broken)
    assert result.created == 837
    assert len(result.errors) == 1 and "row 2" in result.errors[0]
