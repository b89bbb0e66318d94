"""Services of the toxicity app: the guideline import from the data files and the CTCAE v5.0 import (the
task-force consult request is in toxicity.consults)."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from ion_portal.models import Person
from toxicity.datafiles import Content
from toxicity.models import (
    RECOMMENDATION_FIELDS,
    CtcaeTerm,
    GradeDefinition,
    GradingScheme,
    GuidelineSource,
    OrganSystem,
    Recommendation,
    Toxicity,
    codes_to_text,
)

# --- Guidelines from the data files ------------------------------------------------------------------
_LIST_DEFAULTS = {"hormones"}
_NULL_DEFAULTS = {"steroid_mg_per_kg_min", "steroid_mg_per_kg_max", "steroid_taper_weeks"}


@dataclass
class GuidelineImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    recommendations: int = 0


def _source_fields(data: dict) -> dict:
    return {
        "short_name": data["short_name"],
        "name": data["name"],
        "edition": data["edition"],
        "year": data["year"],
        "citation": data["citation"],
        "doi": data.get("doi", ""),
        "url": data.get("url", ""),
        "evidence_scale": data["evidence_scale"],
        "is_local_consensus": data.get("is_local_consensus", False),
        "therapy_families": codes_to_text(data["therapy_families"]),
    }


def _toxicity_fields(data: dict, organ: OrganSystem, scheme: GradingScheme) -> dict:
    return {
        "name": data["name"],
        "organ_system": organ,
        "summary": data["summary"],
        "aliases": "\n".join(data.get("aliases", [])),
        "symptoms": "\n".join(data.get("symptoms", [])),
        "ctcae_term": data.get("ctcae_term", ""),
        "meddra_code": data.get("meddra_code", ""),
        "grading_scheme": scheme,
        "therapy_families": codes_to_text(data["therapy_families"]),
        "higher_risk_classes": codes_to_text(data.get("higher_risk_classes", [])),
        "higher_risk_note": data.get("higher_risk_note", ""),
        "workup": "\n".join(data["workup"]),
        "red_flags": "\n".join(data.get("red_flags", [])),
        "specialist": data["specialist"],
        "call_task_force_when": data["call_task_force_when"],
        "must_not_miss": data.get("must_not_miss", ""),
        "contraindicated_agents": data.get("contraindicated_agents", ""),
        "avoid_drugs": "\n".join(data.get("avoid_drugs", [])),
        "is_endocrinopathy": data.get("is_endocrinopathy", False),
        "is_demo": data["is_demo"],
        "version": data["version"],
        "order": data["order"],
    }


def _recommendation_fields(rec: dict, order: int) -> dict:
    values = {}
    for name in RECOMMENDATION_FIELDS:
        default = [] if name in _LIST_DEFAULTS else (None if name in _NULL_DEFAULTS else "")
        values[name] = rec.get(name, default)
    values["order"] = order
    return values


def _scheme_sync(data: dict, sources: dict[str, GuidelineSource]) -> GradingScheme:
    scheme, _ = GradingScheme.objects.update_or_create(
        slug=data["slug"],
        defaults={
            "name": data["name"],
            "system": data["system"],
            "source": sources[data["source"]],
            "ctcae_terms": data.get("ctcae_terms", ""),
            "notes": data.get("notes", ""),
        },
    )
    for grade, definition in data["grades"].items():
        GradeDefinition.objects.update_or_create(
            scheme=scheme, grade=int(grade), defaults={"definition": definition}
        )
    scheme.grades.exclude(grade__in=[int(grade) for grade in data["grades"]]).delete()
    return scheme


def _recommendations_create(
    toxicity: Toxicity, data: dict, sources: dict[str, GuidelineSource]
) -> int:
    """A new guideline's rows in three queries (with their history), not three per row."""
    rows, based_on = [], []
    for order, rec in enumerate(data["recommendations"]):
        for grade in rec["grades"]:
            rows.append(
                Recommendation(
                    toxicity=toxicity,
                    grade=grade,
                    source=sources[rec["source"]],
                    scenario=rec.get("scenario", ""),
                    **_recommendation_fields(rec, order),
                )
            )
            based_on.append(rec.get("based_on", []))
    created = bulk_create_with_history(rows, Recommendation)
    if any(created_row.pk is None for created_row in created):  # backends without RETURNING
        created = list(toxicity.recommendations.order_by("pk"))
    through = Recommendation.based_on.through
    through.objects.bulk_create(
        [
            through(recommendation_id=row.pk, guidelinesource_id=sources[key].pk)
            for row, keys in zip(created, based_on, strict=True)
            for key in keys
        ]
    )
    return len(rows)


def _recommendations_sync(
    toxicity: Toxicity, data: dict, sources: dict[str, GuidelineSource]
) -> int:
    kept = []
    for order, rec in enumerate(data["recommendations"]):
        for grade in rec["grades"]:
            recommendation, _ = Recommendation.objects.update_or_create(
                toxicity=toxicity,
                grade=grade,
                source=sources[rec["source"]],
                scenario=rec.get("scenario", ""),
                defaults=_recommendation_fields(rec, order),
            )
            recommendation.based_on.set([sources[key] for key in rec.get("based_on", [])])
            kept.append(recommendation.pk)
    toxicity.recommendations.exclude(pk__in=kept).delete()
    return len(kept)


@transaction.atomic
def guidelines_import(
    *, content: Content, update_existing: bool, demo_reviewer: Person | None = None
) -> GuidelineImportResult:
    """Write validated guideline content (toxicity.datafiles.read_content) to the database.

    update_existing=True (`import_guidelines`, a curator's edit of the files): sources, organ systems,
    schemes, guideline texts and recommendations follow the files; the review (reviewer, dates) and
    publication status stay as curated; a new guideline arrives as a draft awaiting review.

    update_existing=False (the demo loader): creates only what is missing and leaves every existing
    record alone (earlier review dates and curators' edits survive a reload). New guidelines are
    published under `demo_reviewer`, reviewed today, and are always marked as demonstration content.
    """
    result = GuidelineImportResult()
    sources: dict[str, GuidelineSource] = {}
    for data in content.sources:
        if update_existing:
            sources[data["key"]], _ = GuidelineSource.objects.update_or_create(
                key=data["key"], defaults=_source_fields(data)
            )
        else:
            sources[data["key"]], _ = GuidelineSource.objects.get_or_create(
                key=data["key"], defaults=_source_fields(data)
            )
    organs: dict[str, OrganSystem] = {}
    for data in content.organ_systems:
        fields = {"name": data["name"], "description": data.get("description", "")}
        fields["order"] = data["order"]
        if update_existing:
            organs[data["slug"]], _ = OrganSystem.objects.update_or_create(
                slug=data["slug"], defaults=fields
            )
        else:
            organs[data["slug"]], _ = OrganSystem.objects.get_or_create(
                slug=data["slug"], defaults=fields
            )
    existing = {toxicity.slug: toxicity for toxicity in Toxicity.objects.all()}
    today = timezone.localdate()
    for data in content.guidelines:
        toxicity = existing.get(data["slug"])
        if toxicity is not None and not update_existing:
            result.kept.append(data["slug"])
            continue
        if (
            toxicity is None
            and not update_existing
            and GradingScheme.objects.filter(slug=data["grading_scheme"]["slug"]).exists()
        ):
            scheme = GradingScheme.objects.get(slug=data["grading_scheme"]["slug"])
        else:
            scheme = _scheme_sync(data["grading_scheme"], sources)
        fields = _toxicity_fields(data, organs[data["organ_system"]], scheme)
        if toxicity is None:
            toxicity = Toxicity(slug=data["slug"], **fields)
            if not update_existing:
                toxicity.is_demo = True
                toxicity.reviewer = demo_reviewer
                toxicity.reviewed_on = today
                toxicity.next_review_on = today + dt.timedelta(days=365)
                toxicity.status = Toxicity.Status.PUBLISHED
            toxicity.save()
            result.created.append(data["slug"])
            result.recommendations += _recommendations_create(toxicity, data, sources)
            continue
        else:
            for name, value in fields.items():
                setattr(toxicity, name, value)
            toxicity.save()
            result.updated.append(data["slug"])
        result.recommendations += _recommendations_sync(toxicity, data, sources)
    return result


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
        # Start-up cost: openpyxl loads only for a spreadsheet import.
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
