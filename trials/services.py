"""Writing ClinicalTrials.gov records into the registry, and recognition re-runs.

Reading and checking records is `trials.ctgov` (legacy XML → v2, parse, schema, normalise, API client);
this module runs imports. Keyed on the NCT ID inside the record, never on a file name. Records are
prepared in Python (trials.import_prepare: normalised, recognised, validated, fingerprinted) and written
in batches of up to BATCH_SIZE (trials.import_batch: a constant number of queries per batch, each record
still all-or-nothing: a batch the database refuses is retried record by record). Idempotent: each trial
stores a fingerprint of the source record and of what the import derived (fields, interventions with
their recognised drugs, arms, locations with their network units, cancer types, classes), so a record
and a vocabulary that did not change write nothing. Fields that come from ClinicalTrials.gov are
refreshed; local curation (confirmed network sites, local status, curator-set classes, curator-linked
cancer types, line of therapy, notes, publication state) is never overwritten.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from .ctgov.client import FetchError, fetch_study
from .ctgov.errors import RecordError
from .ctgov.legacy import parse_xml
from .ctgov.normalise import parse_age_days, parse_partial_date
from .ctgov.parse import ParsedRecord, iter_files, parse_payload, read_path
from .ctgov.report import ImportReport, RecordResult
from .filters import facet_invalidation_batch
from .import_batch import write_batch
from .import_prepare import (
    OUT_OF_SCOPE,
    UPSTREAM_FIELDS,
    Prepared,
    in_scope_reason,
    prepare,
    study_nct_id,
)
from .models import NCT_ID_RE, Trial
from .models_history import SyncRun
from .recognition import Recogniser
from .search_index import search_vector_expression, trial_reindex, update_search_vectors

__all__ = [
    "OUT_OF_SCOPE",
    "UPSTREAM_FIELDS",
    "FetchError",
    "ImportReport",
    "ParsedRecord",
    "Recogniser",
    "RecordError",
    "RecordResult",
    "fetch_study",
    "import_nct_ids",
    "import_paths",
    "import_records",
    "import_upload",
    "in_scope_reason",
    "parse_age_days",
    "parse_partial_date",
    "parse_payload",
    "search_vector_expression",
    "trial_import",
    "trial_reindex",
    "trials_recognise",
    "update_search_vectors",
]

BATCH_SIZE = 200  # records written together; a batch is one transaction


def trial_import(
    *,
    study: dict,
    raw: dict | None = None,
    source: str = Trial.Source.JSON,
    publish: bool = False,
    recogniser: Recogniser | None = None,
    label: str = "",
    validated: bool = False,
) -> RecordResult:
    """Create or refresh one trial from a v2-shaped study, atomically; never raises for bad data.

    `validated`: the study's shape was already checked (records from `parse_payload` are)."""
    recogniser = recogniser or Recogniser()
    prepared = prepare(
        study=study, raw=raw, source=source, label=label, recogniser=recogniser, validated=validated
    )
    if isinstance(prepared, RecordResult):
        return prepared
    with facet_invalidation_batch():
        return write_batch([prepared], recogniser=recogniser, publish=publish).results[0]


# --- Recognition re-run ----------------------------------------------------------------------------
def _stored_records(queryset) -> Iterator[ParsedRecord | RecordResult]:
    """Each stored trial's record as a v2 study, or the result saying why it has none."""
    for trial in queryset.only("pk", "nct_id", "raw_record", "source").iterator(chunk_size=200):
        raw = trial.raw_record or {}
        try:
            study = parse_xml(raw["legacyXml"]) if "legacyXml" in raw else raw
        except RecordError as exc:
            yield RecordResult(trial.nct_id, "failed", trial.nct_id, str(exc))
            continue
        if not study.get("protocolSection"):
            yield RecordResult(trial.nct_id, "unchanged", trial.nct_id, "no stored record")
            continue
        yield ParsedRecord(trial.nct_id, study, raw, trial.source)


def trials_recognise(*, queryset=None) -> ImportReport:
    """Re-run recognition (drugs, classes, cancer types, network units) on stored trials after a
    vocabulary change: each trial is re-derived from its stored raw record; unchanged ones write nothing."""
    queryset = queryset if queryset is not None else Trial.objects.all()
    # Stored records are checked again like any record (validated=False): older imports were not.
    return _import(_stored_records(queryset), publish=False, history=False, validated=False)


# --- Entry points --------------------------------------------------------------------------------------
def _chunks(records: Iterable[ParsedRecord | RecordResult]) -> Iterator[list]:
    """Runs of at most BATCH_SIZE records with distinct NCT IDs (a second record of the same trial,
    e.g. its JSON and its XML, starts a new batch, so it sees the first one written)."""
    chunk: list[ParsedRecord] = []
    seen: set[str] = set()
    for record in records:
        study = getattr(record, "study", None)
        nct_id = study_nct_id(study) if study is not None else ""
        if len(chunk) >= BATCH_SIZE or (nct_id and nct_id in seen):
            yield chunk
            chunk, seen = [], set()
        chunk.append(record)
        if nct_id:
            seen.add(nct_id)
    if chunk:
        yield chunk


@facet_invalidation_batch()  # the cached counts are dropped once per import, not per batch or row
def _import(
    records: Iterable[ParsedRecord | RecordResult],
    *,
    publish: bool,
    history: bool,
    run: SyncRun | None = None,
    validated: bool = True,
) -> ImportReport:
    report, recogniser = ImportReport(), Recogniser()
    for chunk in _chunks(records):
        results: list[RecordResult | None] = []
        ready: list[Prepared] = []
        for record in chunk:
            if isinstance(record, RecordResult):  # known already (trials_recognise)
                results.append(record)
                continue
            if record.study is None:
                results.append(RecordResult(record.label, "failed", "", record.error))
                continue
            prepared = prepare(
                study=record.study,
                raw=record.raw,
                source=record.source,
                label=record.label,
                recogniser=recogniser,
                validated=validated,
            )
            if isinstance(prepared, RecordResult):
                results.append(prepared)
            else:
                results.append(None)
                ready.append(prepared)
        outcome = write_batch(
            ready, recogniser=recogniser, publish=publish, history=history, run=run
        )
        written = iter(outcome.results)
        for result in results:
            report.add(result if result is not None else next(written))
        report.changes += outcome.changes
    return report


def import_records(
    records: Iterable[ParsedRecord],
    *,
    publish: bool = False,
    history: bool = False,
    run: SyncRun | None = None,
) -> ImportReport:
    """Import parsed records in batches; a bad record is reported and does not stop the others.
    With `history`, each refreshed trial's upstream changes are recorded (see trials.history), with
    `run` as their sync run; report.changes counts them."""
    return _import(records, publish=publish, history=history, run=run)


def import_paths(*, paths: Iterable[str | Path], publish: bool = False) -> ImportReport:
    """Import every record in the files and folders given."""

    def records():
        for path in iter_files(paths):
            yield from read_path(path)

    return import_records(records(), publish=publish, history=True)


def import_upload(*, name: str, content: bytes, publish: bool = False) -> ImportReport:
    """Import the records of an uploaded file (admin)."""
    return import_records(parse_payload(content, label=name), publish=publish, history=True)


def _fetched(nct_ids: Iterable[str], report: ImportReport, sleep) -> Iterator[ParsedRecord]:
    """The API's record of each NCT ID; what cannot be fetched or is not the trial asked for is
    reported as failed."""
    for raw_id in nct_ids:
        nct_id = raw_id.strip().upper()
        if not NCT_ID_RE.match(nct_id):
            report.add(
                RecordResult(nct_id, "failed", "", "Invalid NCT ID: expected NCT and eight digits.")
            )
            continue
        try:
            payload = fetch_study(nct_id, sleep=sleep)
        except FetchError as exc:
            report.add(RecordResult(nct_id, "failed", nct_id, str(exc)))
            continue
        for record in parse_payload(payload, label=nct_id, source=Trial.Source.API):
            if record.study is None:
                report.add(RecordResult(record.label, "failed", nct_id, record.error))
                continue
            found = study_nct_id(record.study)
            if found != nct_id:
                report.add(
                    RecordResult(
                        record.label,
                        "failed",
                        nct_id,
                        f"The API returned {found or 'no NCT ID'} for {nct_id}.",
                    )
                )
                continue
            yield record


def import_nct_ids(
    *, nct_ids: Iterable[str], publish: bool = False, sleep=time.sleep
) -> ImportReport:
    """Fetch each NCT ID from the ClinicalTrials.gov API v2 and import it (one record at a time, in
    the order given, so the report follows the list)."""
    report = ImportReport()
    for nct_id in nct_ids:
        fetched = list(_fetched([nct_id], report, sleep))
        if fetched:
            imported = import_records(fetched, publish=publish, history=True)
            report.results.extend(imported.results)
            report.changes += imported.changes
    return report
