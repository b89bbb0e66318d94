"""The complete registry as one gzip CSV, built in the background and served from private storage.

A streamed export of every trial cannot finish within a worker's timeout at ClinicalTrials.gov's size, so
`manage.py build_trial_dump` (run daily by the scheduler, and after every successful sync) writes the full
CSV of all published trials, trailer included (trials/exports.py), to `EXPORT_ROOT` (private: not under
MEDIA_ROOT or STATIC_ROOT). It writes a temporary file in the same directory and renames it into place, so
readers always see the previous complete dump or the new complete one, never a half-written file. A small
JSON file beside it records when it was generated and how many trials it holds; /api/v1/trials/dump/
serves the file itself (the first byte is immediate: nothing is computed per request).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from .exports import iter_csv_lines
from .models import Trial

DUMP_NAME = "ion-trials-all.csv.gz"
META_NAME = "ion-trials-all.json"


def dump_dir() -> Path:
    return Path(settings.EXPORT_ROOT)


def dump_path() -> Path:
    return dump_dir() / DUMP_NAME


def build_dump(*, base_url: str | None = None) -> dict:
    """Write the full dump and its metadata atomically; returns the metadata."""
    folder = dump_dir()
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob(".dump-*.tmp"):  # left by a build that was killed
        if stale.stat().st_mtime < time.time() - 86400:
            stale.unlink(missing_ok=True)
    base_url = settings.SITE_URL.rstrip("/") if base_url is None else base_url
    started = timezone.now()
    rows = -1
    digest = hashlib.sha256()
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".dump-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
            for line in iter_csv_lines(
                # NCT ID order: the unique index streams rows from the first byte (no sort).
                Trial.objects.published().order_by("nct_id"),
                base_url=base_url,
            ):
                data = line.encode()
                digest.update(data)
                out.write(data)
                rows += 1
        rows -= 1  # the trailer is not a trial
        os.chmod(tmp, 0o640)
        os.replace(tmp, folder / DUMP_NAME)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    meta = {
        "generated_at": started.isoformat(),
        "rows": rows,
        "bytes": (folder / DUMP_NAME).stat().st_size,
        "sha256_of_csv": digest.hexdigest(),
    }
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".meta-", suffix=".tmp")
    with os.fdopen(fd, "w") as out:
        json.dump(meta, out)
    os.replace(tmp, folder / META_NAME)
    return meta


def dump_meta() -> dict | None:
    """The metadata of the current dump, or None when none was built yet."""
    try:
        meta = json.loads((dump_dir() / META_NAME).read_text())
    except (OSError, ValueError):
        return None
    return meta if (dump_dir() / DUMP_NAME).exists() else None
