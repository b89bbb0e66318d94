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


def measure(label: str, func, runs: int = 50) -> None:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    print(
        f"{label:<40} median {statistics.median(times):7.2f} ms   p95 {times[int(runs * 0.95) - 1]:7.2f} ms"
    )


def main() -> None:
    call_command("migrate", verbosity=0)
    from toxicity import demo
    from toxicity.models import Toxicity

    demo.load()
    client = Client(HTTP_HOST="127.0.0.1")
    measure(
        "search 'diarrhoea' (queryset)",
        lambda: list(Toxicity.objects.published().search("diarrhoea")),
    )
    measure(
        "GET /toxicity/?q=short of breath (fragment)",
        lambda: client.get("/toxicity/", {"q": "short of breath", "fragment": "results"}),
    )
    measure("GET /toxicity/", lambda: client.get("/toxicity/"))
    measure("GET /toxicity/colitis/", lambda: client.get("/toxicity/colitis/"))
    measure("GET /api/v1/toxicities/", lambda: client.get("/api/v1/toxicities/"), runs=20)
    measure("GET /toxicity/sw.js", lambda: client.get("/toxicity/sw.js"))
    start = time.perf_counter()
    call_command("import_ctcae", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    print(
        f"{'import_ctcae (XLSX, 837 terms, first run)':<40} {(time.perf_counter() - start) * 1000:7.0f} ms"
    )


if __name__ == "__main__":
    main()
