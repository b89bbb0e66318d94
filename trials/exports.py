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

Rows are built from plain values read in chunks (three small queries per chunk for the cancer types,
interventions and network sites), so the export runs a fixed number of queries per chunk of rows, and rows
stream out (all matching rows, never one page).

**An export cannot look complete when it is not.** The last line of every export is a trailer,
`# end of export: <N> trials`, written only after the last row: a client checks that the last line is the
trailer and that N equals the rows it read. A body without it was cut (a worker killed by its timeout, a
dropped connection). The HTTP body is also sent with chunked transfer encoding (no Content-Length): a
server that dies mid-stream never sends the final zero-length chunk, so HTTP clients raise an error
(`requests`: ChunkedEncodingError; curl: "transfer closed with outstanding read data").

On PostgreSQL the rows are read through a server-side cursor inside a transaction (a cursor outside one is
declared WITH HOLD, and PostgreSQL would first spool the whole result to temporary files), selecting only
the columns the CSV shows (never `raw_record` or `search_vector`).

The complete registry is also built in the background by `manage.py build_trial_dump` (daily and after a
sync; trials/dump.py) and served as a gzip file with its generation time and row count.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from django.db import transaction
from django.urls import reverse

from .models import Intervention, Trial, TrialSite, split_codes, status_group

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

CHUNK_SIZE = 2000
TRAILER_PREFIX = "# end of export: "
# The Trial columns the CSV reads (trial_row and the properties it uses): nothing else is fetched.
TRIAL_FIELDS = (
    "pk",
    "nct_id",
    "acronym",
    "brief_title",
    "overall_status",
    "status_verified",
    "phases",
    "study_type",
    "conditions",
    "immunotherapy_classes",
    "sex",
    "minimum_age",
    "maximum_age",
    "enrollment_count",
    "start_date",
    "primary_completion_date",
    "last_update_posted",
    "lead_sponsor",
)


class _Echo:
    """A file-like object whose write() returns the line, for csv.writer in a streaming response."""

    def write(self, value):
        return value


def trailer(rows: int) -> str:
    """The last line of a complete export."""
    return f"{TRAILER_PREFIX}{rows} trials"


def _date(value) -> str:
    return value.isoformat() if value else ""


def _neutralise(cell: str) -> str:
    # Spreadsheet formula injection: a cell starting with = + - @ would run as a formula in Excel.
    if cell and cell[0] in "=+-@\t\r":
        return "'" + cell
    return cell


def _detail_url(base_url: str):
    """nct_id -> the trial page's URL, reversed once (not per row)."""
    sample = "NCT00000000"
    pattern = reverse("trials:detail", args=[sample])
    head, tail = pattern.split(sample)
    return lambda nct_id: f"{base_url}{head}{nct_id}{tail}"


def _grouped(pairs) -> dict[int, list]:
    out: dict[int, list] = {}
    for trial_id, *rest in pairs:
        out.setdefault(trial_id, []).append(rest)
    return out


def _chunk_rows(chunk: list[tuple], url) -> Iterator[list[str]]:
    """CSV rows of a chunk of trials (value tuples in TRIAL_FIELDS order): three queries per chunk,
    for the cancer types, interventions and network sites, each reading only the columns shown."""
    ids = [values[0] for values in chunk]
    types = _grouped(
        Trial.cancer_types.through.objects.filter(trial_id__in=ids)
        .order_by("trial_id", "cancertype__name")
        .values_list("trial_id", "cancertype__name")
    )
    interventions = _grouped(
        Intervention.objects.filter(trial_id__in=ids)
        .order_by("trial_id", "position", "pk")
        .values_list("trial_id", "name", "type", "drug__name")
    )
    sites = _grouped(
        TrialSite.objects.filter(trial_id__in=ids)
        .order_by("trial_id", "unit__name")
        .values_list("trial_id", "unit__short_name", "unit__name", "local_status")
    )
    for values in chunk:
        trial = dict(zip(TRIAL_FIELDS, values, strict=True))
        pk, nct_id = trial["pk"], trial["nct_id"]
        its = interventions.get(pk, [])
        row = [
            nct_id,
            trial["acronym"],
            trial["brief_title"],
            trial["overall_status"],
            status_group(trial["overall_status"], trial["status_verified"]),
            _date(trial["status_verified"]),
            "; ".join(split_codes(trial["phases"])),
            trial["study_type"],
            "; ".join(trial["conditions"] or []),
            "; ".join(name for (name,) in types.get(pk, [])),
            "; ".join(f"{name} ({kind})" for name, kind, _drug in its),
            "; ".join(dict.fromkeys(drug for _n, _k, drug in its if drug)),
            "; ".join(split_codes(trial["immunotherapy_classes"])),
            trial["sex"],
            trial["minimum_age"],
            trial["maximum_age"],
            "" if trial["enrollment_count"] is None else str(trial["enrollment_count"]),
            _date(trial["start_date"]),
            _date(trial["primary_completion_date"]),
            _date(trial["last_update_posted"]),
            trial["lead_sponsor"],
            "; ".join(f"{short or name} ({status})" for short, name, status in sites.get(pk, [])),
            url(nct_id),
            f"https://clinicaltrials.gov/study/{nct_id}",
        ]
        yield [_neutralise(cell) for cell in row]


def iter_rows(queryset, *, base_url: str = "") -> Iterator[list[str]]:
    """The header row, then one row per trial, reading the database in chunks (plain value tuples,
    not model instances: an export of the whole registry builds 560,000 rows)."""
    yield list(COLUMNS)
    url = _detail_url(base_url)
    chunk: list[tuple] = []
    for values in queryset.values_list(*TRIAL_FIELDS).iterator(chunk_size=CHUNK_SIZE):
        chunk.append(values)
        if len(chunk) == CHUNK_SIZE:
            yield from _chunk_rows(chunk, url)
            chunk = []
    if chunk:
        yield from _chunk_rows(chunk, url)


def iter_csv_lines(queryset, *, base_url: str = "") -> Iterable[str]:
    """CSV text lines for a streaming HTTP response (StreamingHttpResponse(iter_csv_lines(qs))), the
    trailer last. Read in one transaction: on PostgreSQL the server-side cursor streams (no WITH HOLD
    spool). The trailer counts the rows actually written, so it is exact whatever changes meanwhile."""
    writer = csv.writer(_Echo())
    rows = -1  # the header is not a trial
    with transaction.atomic(using=queryset.db):
        for row in iter_rows(queryset, base_url=base_url):
            rows += 1
            yield writer.writerow(row)
    yield writer.writerow([trailer(rows)])


def check_complete(text: str) -> list[list[str]]:
    """The rows of an export (header first, trailer removed); raises ValueError when the trailer is
    missing or its count differs from the rows read: for clients and tests."""
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows or len(rows[-1]) != 1 or not rows[-1][0].startswith(TRAILER_PREFIX):
        raise ValueError(
            "The export is incomplete: its last line is not the end-of-export trailer."
        )
    expected = int(rows[-1][0].removeprefix(TRAILER_PREFIX).split()[0])
    rows = rows[:-1]
    if expected != len(rows) - 1:
        raise ValueError(f"The export is incomplete: {len(rows) - 1} of {expected} trials.")
    return rows
