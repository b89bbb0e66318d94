"""Benchmark of the irAE guidelines: search, the index, a guideline page and the API list.

Run: DJANGO_DEBUG=true .venv/bin/python benchmarks/toxicity.py  (uses a throw-away SQLite database
unless DATABASE_URL is set; loads the demo guidelines first).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ion_portal.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{tempfile.mkdtemp()}/bench.db")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402


def _timed(func) -> float:
    start = time.perf_counter()
    func()
    return (time.perf_counter() - start) * 1000


def measure(label: str, func, runs: int = 50, *, baseline=None) -> float:
    """Median and p95 of `func`; with `baseline` (the /healthz call), each run is interleaved with one
    /healthz call and the median is also given as a ratio to /healthz's median in the same run."""
    times, base = [], []
    for _ in range(runs):
        times.append(_timed(func))
        if baseline is not None:
            base.append(_timed(baseline))
    times.sort()
    median = statistics.median(times)
    ratio = f"   {median / statistics.median(base):6.1f}x /healthz" if base else ""
    print(f"{label:<44} median {median:7.2f} ms   p95 {times[int(runs * 0.95) - 1]:7.2f} ms{ratio}")
    return median


def main() -> None:
    call_command("migrate", verbosity=0)
    from toxicity import demo
    from toxicity.models import Toxicity

    demo.load()
    client = Client(HTTP_HOST="127.0.0.1")
    healthz = lambda: client.get("/healthz")  # noqa: E731
    measure("GET /healthz (baseline)", healthz)
    measure(
        "search 'diarrhoea' (queryset)",
        lambda: list(Toxicity.objects.published().search("diarrhoea")),
        baseline=healthz,
    )
    measure(
        "search 'pijn op de borst' (queryset, Dutch)",
        lambda: list(Toxicity.objects.published().search("pijn op de borst")),
        baseline=healthz,
    )
    measure(
        "GET /toxicity/?q=short of breath (fragment)",
        lambda: client.get("/toxicity/", {"q": "short of breath", "fragment": "results"}),
        baseline=healthz,
    )
    measure("GET /toxicity/", lambda: client.get("/toxicity/"), baseline=healthz)
    measure("GET /toxicity/colitis/", lambda: client.get("/toxicity/colitis/"), baseline=healthz)
    measure(
        "GET /api/v1/toxicities/",
        lambda: client.get("/api/v1/toxicities/"),
        runs=20,
        baseline=healthz,
    )
    measure("GET /toxicity/sw.js", lambda: client.get("/toxicity/sw.js"), baseline=healthz)
    start = time.perf_counter()
    call_command("import_ctcae", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    print(
        f"{'import_ctcae (XLSX, 837 terms, first run)':<40} {(time.perf_counter() - start) * 1000:7.0f} ms"
    )


if __name__ == "__main__":
    main()
