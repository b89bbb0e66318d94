"""Services of the toxicity app: the CTCAE v5.0 import and the task-force consult request."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from toxicity.models import ConsultRequest, CtcaeTerm, OnCallShift, TaskForceMember

CTCAE_COLUMNS = {
    "MedDRA Code": "meddra_code",
    "MedDRA SOC": "soc",
    "CTCAE Term": "term",
    "Grade 1": "grade_1",
    "Grade 2": "grade_2",
    "Grade 3": "grade_3",
    "Grade 4": "grade_4",
    "Grade 5": "grade_5",
    "Definition": "definition",
    "Navigational Note": "navigational_note",
    "CTCAE v5.0 Change": "change",
}


@dataclass
class CtcaeImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def _clean_header(value) -> str:
    # The NCI grade headers end in a space and two no-break spaces.
    return str(value or "").replace("\xa0", " ").strip()


def _clean_cell(value) -> str:
    text = str(value if value is not None else "").replace("\r\n", "\n").strip()
    # " -" (or "-") means the grade does not exist for this term.
    return "" if text == "-" else text


def _read_rows(path: Path) -> list[dict]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            raw = list(csv.reader(handle))
    elif suffix == ".xlsx":
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        raw = [list(row) for row in sheet.iter_rows(values_only=True)]
        workbook.close()
    else:
        raise ValueError(
            f"{path.name}: expected a .csv or .xlsx file, not {suffix or 'no suffix'}."
        )
    if not raw:
        raise ValueError(f"{path.name}: the file is empty.")
    header = [_clean_header(cell) for cell in raw[0]]
    missing = [name for name in CTCAE_COLUMNS if name not in header]
    if missing:
        raise ValueError(f"{path.name}: missing columns {', '.join(missing)}.")
    rows = []
    for number, values in enumerate(raw[1:], start=2):
        if not any(str(v or "").strip() for v in values):
            continue
        record = {
            CTCAE_COLUMNS[name]: _clean_cell(values[index]) if index < len(values) else ""
            for index, name in enumerate(header)
            if name in CTCAE_COLUMNS
        }
        record["_row"] = number
        rows.append(record)
    return rows


def ctcae_import(*, path: Path | str) -> CtcaeImportResult:
    """Create or update CtcaeTerm rows from the NCI CTCAE v5.0 CSV or XLSX; idempotent, keyed on
    the MedDRA code; a bad row is reported and skipped, the others are imported."""
    path = Path(path)
    result = CtcaeImportResult()
    rows = _read_rows(path)
    existing = {term.meddra_code: term for term in CtcaeTerm.objects.all()}
    with transaction.atomic():
        for record in rows:
            row_number = record.pop("_row")
            code = record["meddra_code"]
            if code.endswith(".0"):  # a spreadsheet may hand the code over as a float
                code = code[:-2]
            record["meddra_code"] = code
            if not code.isdigit() or not record["term"]:
                result.errors.append(
                    f"row {row_number}: needs a numeric MedDRA code and a term "
                    f"(got {code!r}, {record['term']!r}); skipped."
                )
                continue
            term = existing.get(code)
            if term is None:
                existing[code] = CtcaeTerm.objects.create(**record)
                result.created += 1
                continue
            changed = [name for name, value in record.items() if getattr(term, name) != value]
            if changed:
                for name in changed:
                    setattr(term, name, record[name])
                term.save(update_fields=changed)
                result.updated += 1
            else:
                result.unchanged += 1
    return result


def on_call_member(specialty: str, at=None) -> TaskForceMember | None:
    """The task-force member on call for `specialty` now, else the on-call oncologist, else None."""
    shifts = (
        OnCallShift.objects.current(at)
        .filter(member__is_active=True)
        .select_related("member__person")
    )
    for wanted in (specialty, "oncology"):
        shift = shifts.filter(member__specialty=wanted).first()
        if shift:
            return shift.member
    return None


def consult_request_create(*, user, data: dict) -> ConsultRequest:
    """Save a member's consult request and queue the e-mail to the specialist on call."""
    from toxicity.tasks import notify_on_call

    consult = ConsultRequest.objects.create(requested_by=user, **data)
    # After commit: the task (on a real queue, another process) must find the saved row.
    transaction.on_commit(lambda: notify_on_call.enqueue(consult.pk))
    return consult


def consult_mark_notified(*, consult: ConsultRequest, member: TaskForceMember | None) -> None:
    """Record who was notified (or that no one was on call)."""
    consult.notified_member = member
    consult.notified_at = timezone.now()
    consult.status = (
        ConsultRequest.Status.NOTIFIED if member else ConsultRequest.Status.NO_ONE_ON_CALL
    )
    consult.save(update_fields=["notified_member", "notified_at", "status"])
