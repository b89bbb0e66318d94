# ruff: noqa: S101 (asserts guard the measurements)
"""Benchmark of the ClinicalTrials.gov import, in-process (not a test).

Reads the 73 real records of trials/fixtures/ctgov once, repeats them with rewritten NCT ids (NCT ids
from --id-base on, so every copy is a new trial) up to --records records, then times
`trials.services.import_records` twice: a first import (every record created) and a re-import of the
same records (every record unchanged). Prints records/s and queries/record of both, the CPU time of
both (this process, plus the PostgreSQL backend's when the server is local: less distorted by a loaded
machine than the elapsed time), the time of the parse (file → validated record, not included in the
import figures) and `uptime` before and after.
The trials it created are deleted at the end unless --keep.

Usage (SQLite: the DATABASE_URL default; PostgreSQL: a migrated database of your own):

    DJANGO_DEBUG=true DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_import_bench \\
        .venv/bin/python benchmarks/import_speed.py --records 2000 [--profile first|again]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ion_portal.settings")

import django

django.setup()

from django.db import connection  # noqa: E402

from trials.ctgov.parse import parse_payload  # noqa: E402
from trials.models import Trial  # noqa: E402
from trials.services import import_records  # noqa: E402

CTGOV_DIR = Path(__file__).resolve().parents[1] / "trials" / "fixtures" / "ctgov"


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()  # noqa: S607


def records(total: int, id_base: int) -> tuple[list, list[str], float]:
    """`total` parsed records: the fixtures repeated, each copy with new NCT ids; and the parse time."""
    files = sorted(p for p in CTGOV_DIR.iterdir() if p.suffix in (".json", ".xml"))
    texts = [(p.name, p.read_text(encoding="utf-8-sig")) for p in files]
    originals = sorted({p.stem for p in files})  # the NCT ids (one trial is there as JSON and XML)
    started = time.perf_counter()
    out, ncts = [], []
    copy = 0
    while len(out) < total:
        mapping = {
            old: f"NCT{id_base + copy * len(originals) + i:08d}" for i, old in enumerate(originals)
        }
        for name, text in texts:
            if len(out) >= total:
                break
            for old, new in mapping.items():
                if old in text:
                    text = text.replace(old, new)
            out.extend(parse_payload(text, label=f"{copy}/{name}"))
        ncts.extend(mapping.values())
        copy += 1
    return out, ncts, time.perf_counter() - started


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def server_cpu() -> float | None:
    """CPU seconds of this connection's PostgreSQL backend (a local server, read from /proc), else None:
    with the client's CPU time, a figure that a loaded machine distorts less than the elapsed time."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def timed_import(parsed, profile: bool):
    counter = QueryCounter()
    profiler = cProfile.Profile() if profile else None
    server_before, cpu_before = server_cpu(), time.process_time()
    with connection.execute_wrapper(counter):
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        report = import_records(parsed)
        if profiler:
            profiler.disable()
        elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_before
    server_after = server_cpu()
    server = server_after - server_before if server_before is not None else None
    if profiler:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(40)
    return report, elapsed, counter.count, (cpu, server)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--id-base", type=int, default=95_000_000)
    parser.add_argument("--profile", choices=["first", "again"], default=None)
    parser.add_argument("--keep", action="store_true", help="Do not delete the imported trials.")
    args = parser.parse_args()

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    print(f"trials before: {Trial.objects.count():,}")
    parsed, ncts, parse_seconds = records(args.records, args.id_base)
    assert not Trial.objects.filter(nct_id__in=ncts).exists(), "the NCT ids are taken: --id-base"
    print(
        f"parsed {len(parsed)} records in {parse_seconds:.2f} s ({len(parsed) / parse_seconds:.0f}/s)"
    )
    print("uptime before:", uptime())
    try:
        for run in ("first", "again"):
            report, elapsed, queries, (cpu, server) = timed_import(parsed, args.profile == run)
            print(
                f"{run:5} import: {len(parsed)} records in {elapsed:.2f} s = "
                f"{len(parsed) / elapsed:.1f} records/s, {queries} queries = "
                f"{queries / len(parsed):.2f} queries/record ({report.summary()})"
            )
            busy = cpu + (server or 0)
            print(
                f"{run:5} CPU: client {cpu:.2f} s"
                + (f" + database server {server:.2f} s" if server is not None else "")
                + f" = {1000 * busy / len(parsed):.2f} ms/record ({len(parsed) / busy:.1f} records"
                " per CPU second)"
            )
            assert not report.failed, [str(r) for r in report.results if r.outcome == "failed"][:5]
    finally:
        print("uptime after: ", uptime())
        if not args.keep:
            Trial.objects.filter(nct_id__in=ncts).delete()


if __name__ == "__main__":
    main()
