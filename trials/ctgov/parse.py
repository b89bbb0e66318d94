"""Files and payloads → v2-shaped study records (API v2 study, API v2 search page or legacy XML).

A bad record never stops the others: each becomes a ParsedRecord with either a validated study or the
reason it cannot be read. Files are size-capped before they are read, JSON nesting is bounded, and every
study's shape is validated (`schema.validate_study`) here, so nothing downstream sees a malformed record.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import RecordError
from .legacy import parse_xml
from .schema import validate_study

# The largest real record is 1.5 MB; a 1,000-study API page of median records is ~30 MB.
MAX_FILE_BYTES = 64 * 1024 * 1024

SOURCE_JSON, SOURCE_XML = "json", "xml"  # Trial.Source values


@dataclass
class ParsedRecord:
    label: str  # where the record came from: a file (and index in a search page) or an NCT ID
    study: dict | None  # v2-shaped and shape-validated study, or None when it could not be read
    raw: dict | None
    source: str
    error: str = ""


def _failed(label: str, source: str, error: str) -> ParsedRecord:
    return ParsedRecord(label, None, None, source, error)


def _checked(label: str, study, raw, source: str) -> ParsedRecord:
    try:
        validate_study(study)
    except RecordError as exc:
        return _failed(label, source, str(exc))
    return ParsedRecord(label, study, raw, source)


def _parse_xml(text: str, label: str) -> ParsedRecord:
    try:
        study = parse_xml(text)
    except RecordError as exc:
        return _failed(label, SOURCE_XML, str(exc))
    return _checked(label, study, {"legacyXml": text}, SOURCE_XML)


def _load_json(text: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise RecordError(f"Malformed JSON: {exc}.") from None
    except RecursionError:
        raise RecordError("The JSON is nested too deeply to be a study record.") from None


def parse_payload(payload: bytes | str, *, label: str, source: str = "") -> list[ParsedRecord]:
    """The records in one file or API response: a v2 study, a v2 search page or a legacy XML study."""
    if len(payload) > MAX_FILE_BYTES:
        return [
            _failed(
                label,
                source,
                f"The file is too large ({len(payload):,} bytes; at most {MAX_FILE_BYTES:,}).",
            )
        ]
    if isinstance(payload, bytes):
        try:
            payload = payload.decode("utf-8-sig")
        except UnicodeDecodeError:
            return [_failed(label, source, "The file is not UTF-8 text.")]
    text = payload.strip()
    if not text:
        return [_failed(label, source, "The file is empty.")]
    if text.startswith("<"):
        return [_parse_xml(text, label)]
    source = source or SOURCE_JSON
    try:
        data = _load_json(text)
    except RecordError as exc:
        return [_failed(label, source, str(exc))]
    if isinstance(data, dict) and isinstance(data.get("studies"), list):
        return [
            _checked(f"{label}[{index}]", study, study, source)
            if isinstance(study, dict) and "protocolSection" in study
            else _failed(f"{label}[{index}]", source, "Not a ClinicalTrials.gov study record.")
            for index, study in enumerate(data["studies"])
        ]
    if isinstance(data, dict) and "protocolSection" in data:
        return [_checked(label, data, data, source)]
    return [
        _failed(
            label,
            source,
            "Not a ClinicalTrials.gov study record (no protocolSection and no studies list).",
        )
    ]


def read_path(path: Path) -> list[ParsedRecord]:
    """The records of one file, refusing an oversized file before reading it."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return [
                _failed(
                    str(path),
                    "",
                    f"The file is too large ({size:,} bytes; at most {MAX_FILE_BYTES:,}).",
                )
            ]
        payload = path.read_bytes()
    except OSError as exc:
        return [_failed(str(path), "", f"Cannot read the file: {exc.strerror or exc}.")]
    return parse_payload(payload, label=str(path))


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files named directly, and the .json/.xml files under folders (sorted, so reports are stable)."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in (".json", ".xml")
            )
        else:
            yield path
