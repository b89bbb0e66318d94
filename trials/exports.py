"""CSV export of a trial list, shared by the /trials/ download and the API's `?format=csv`.

Columns (one row per trial; multi-valued cells are joined with "; "):

| column | content |
|---|---|
| nct_id | ClinicalTrials.gov identifier (NCT + 8 digits) |
| acronym | study acronym |
| brief_title | brief title |
| overall_status | API v2 overall-status code (e.g. RECRUITING) |
| recruitment | open / not_yet_open / unverified (open status not verified for two years) / closed |
| status_verified | ISO date the sponsor last verified the status |
| phases | API v2 phase codes (PHASE1; PHASE2) |
| study_type | API v2 study type code |
| conditions | conditions as registered |
| cancer_types | recognised cancer types |
| interventions | intervention names as registered, each with its v2 type: "Pembrolizumab (DRUG)" |
| drugs | recognised drugs (INN) |
| immunotherapy_classes | immunotherapy class codes (anti-pd-1; …) |
| sex | ALL / FEMALE / MALE |
| minimum_age / maximum_age | as registered ("18 Years"); empty means no limit |
| enrollment | enrolment count |
| start_date / primary_completion_date | ISO dates |
| last_update_posted | ISO date of the last update on ClinicalTrials.gov |
| lead_sponsor | lead sponsor name |
| network_sites | network sites with their local status: "Medical Oncology (RECRUITING)" |
| url | the trial's page on the portal (absolute when a request is given) |
| ctgov_url | the record on ClinicalTrials.gov |

Every row is built from prefetched data, so the export runs a fixed number of queries per chunk of rows,
and rows stream out (all matching rows, never one page).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from django.db.models import Prefetch

from .models import Intervention, Trial, TrialSite

COLUMNS = [
    "nct_id",
    "acronym",
    "brief_title",
    "overall_status",
    "recruitment",
    "status_verified",
    "phases",
    "study_type",
    "conditions",
    "cancer_types",
    "interventions",
    "drugs",
    "immunotherapy_classes",
    "sex",
    "minimum_age",
    "maximum_age",
    "enrollment",
    "start_date",
    "primary_completion_date",
    "last_update_posted",
    "lead_sponsor",
    "network_sites",
    "url",
    "ctgov_url",
]

CHUNK_SIZE = 500


class _Echo:
    """A file-like object whose write() returns the line, for csv.writer in a streaming response."""

    def write(self, value):
        return value


def export_queryset(queryset):
    """The queryset with everything a CSV row needs prefetched (no per-row queries)."""
    return queryset.prefetch_related(
        "cancer_types",
        Prefetch("interventions", queryset=Intervention.objects.select_related("drug")),
        Prefetch("sites", queryset=TrialSite.objects.select_related("unit")),
    )


def _date(value) -> str:
    return value.isoformat() if value else ""


def trial_row(trial: Trial, *, base_url: str = "") -> list[str]:
    """One CSV row (the COLUMNS, in order) for a trial whose relations are prefetched."""
    interventions = list(trial.interventions.all())
    return [
        trial.nct_id,
        trial.acronym,
        trial.brief_title,
        trial.overall_status,
        trial.status_group,
        _date(trial.status_verified),
        "; ".join(trial.phase_list),
        trial.study_type,
        "; ".join(trial.conditions or []),
        "; ".join(ct.name for ct in trial.cancer_types.all()),
        "; ".join(f"{i.name} ({i.type})" for i in interventions),
        "; ".join(dict.fromkeys(i.drug.name for i in interventions if i.drug)),
        "; ".join(trial.immunotherapy_class_list),
        trial.sex,
        trial.minimum_age,
        trial.maximum_age,
        "" if trial.enrollment_count is None else str(trial.enrollment_count),
        _date(trial.start_date),
        _date(trial.primary_completion_date),
        _date(trial.last_update_posted),
        trial.lead_sponsor,
        "; ".join(f"{s.unit} ({s.local_status})" for s in trial.sites.all()),
        f"{base_url}{trial.get_absolute_url()}",
        trial.ctgov_url,
    ]


def _neutralise(cell: str) -> str:
    # Spreadsheet formula injection: a cell starting with = + - @ would run as a formula in Excel.
    if cell and cell[0] in "=+-@\t\r":
        return "'" + cell
    return cell


def iter_rows(queryset, *, base_url: str = "") -> Iterator[list[str]]:
    """The header row, then one row per trial, reading the database in chunks."""
    yield list(COLUMNS)
    for trial in export_queryset(queryset).iterator(chunk_size=CHUNK_SIZE):
        yield [_neutralise(cell) for cell in trial_row(trial, base_url=base_url)]


def iter_csv_lines(queryset, *, base_url: str = "") -> Iterable[str]:
    """CSV text lines for a streaming HTTP response (StreamingHttpResponse(iter_csv_lines(qs)))."""
    writer = csv.writer(_Echo())
    for row in iter_rows(queryset, base_url=base_url):
        yield writer.writerow(row)
