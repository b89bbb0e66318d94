"""Benchmark of the partner API on a synthetic registry: list pages, CSV export and FHIR search.

Run: DJANGO_DEBUG=true .venv/bin/python benchmarks/api_trials.py [N_TRIALS]
(uses its own database: DATABASE_URL, default a temporary SQLite file; never the development one).
Prints the median time and query count of each request.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
_tmp = tempfile.mkdtemp(prefix="ion-bench-")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_tmp}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ion_portal.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")
os.environ["API_ANON_RATE"] = "1000000/min"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from ion_portal.models import Unit  # noqa: E402
from trials.models import Drug, Intervention, Trial, TrialSite, join_codes  # noqa: E402


def build(n: int) -> None:
    call_command("migrate", verbosity=0)
    Trial.objects.all().delete()
    drugs = list(Drug.objects.all()[:20])
    unit, _ = Unit.objects.get_or_create(
        slug="bench-unit", defaults={"name": "Bench unit", "kind": "clinical", "institution": "X"}
    )
    statuses = ["RECRUITING", "COMPLETED", "ACTIVE_NOT_RECRUITING", "NOT_YET_RECRUITING"]
    trials = Trial.objects.bulk_create(
        Trial(
            nct_id=f"NCT{i:08d}",
            brief_title=f"Synthetic immunotherapy trial {i}",
            overall_status=statuses[i % 4],
            phases=join_codes(["PHASE2"]),
            status="published",
            published_at="2024-01-01T00:00:00Z",
            conditions=["Melanoma"],
            source="synthetic",
        )
        for i in range(1, n + 1)
    )
    Intervention.objects.bulk_create(
        Intervention(trial=t, type="DRUG", name=d.name, drug=d)
        for i, t in enumerate(trials)
        for d in (drugs[i % len(drugs)], drugs[(i + 1) % len(drugs)])
    )
    TrialSite.objects.bulk_create(
        TrialSite(trial=t, unit=unit, local_status="RECRUITING") for t in trials
    )


def measure(client: Client, url: str, repeat: int = 5) -> tuple[float, int, int]:
    times, queries, size = [], 0, 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            times.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        queries, size = len(ctx.captured_queries), len(body)
    return statistics.median(times) * 1000, queries, size


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    setup_test_environment()
    build(n)
    client = Client()
    etag = client.get("/api/v1/trials/?page_size=50")["ETag"]
    print(f"{connection.vendor}, {n} published trials (2 interventions and 1 site each)")
    print(f"{'request':55} {'median ms':>10} {'queries':>8} {'bytes':>10}")
    for url in [
        "/api/v1/trials/",
        "/api/v1/trials/?page_size=200",
        "/api/v1/trials/?status=open&phase=PHASE2&page=3",
        "/api/v1/trials/NCT00000042/",
        "/api/v1/trials/?format=csv",
        "/fhir/ResearchStudy?_count=50",
        "/fhir/ResearchStudy?status=recruiting&_count=200",
        "/api/v1/drugs/",
        "/api/v1/cancer-types/",
    ]:
        ms, queries, size = measure(client, url)
        print(f"{url:55} {ms:10.1f} {queries:8d} {size:10d}")
    start = time.perf_counter()
    response = client.get("/api/v1/trials/?page_size=50", HTTP_IF_NONE_MATCH=etag)
    print(
        f"{'conditional GET (304) /api/v1/trials/?page_size=50':55} "
        f"{(time.perf_counter() - start) * 1000:10.1f} {'':8} {response.status_code:>10}"
    )


if __name__ == "__main__":
    main()
