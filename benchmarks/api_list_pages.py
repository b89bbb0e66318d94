"""In-process timing of API list pages on an existing (large) registry, read-only.

Run against the benchmark database, e.g. (the code measured is the tree given by --code, default this
checkout, so the same script times two branches back to back):

    DJANGO_DEBUG=false DJANGO_SECRET_KEY=x-long-random-string DJANGO_ALLOWED_HOSTS=testserver \
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ion_scale \
    .venv/bin/python benchmarks/api_list_pages.py --pages 30 --seed 1 [--code /path/to/checkout]

GETs `--pages` random pages `/api/v1/trials/?page=N` through django.test.Client (after one warm-up
request that fills the cached count) and prints the mean and median wall time, the CPU time
(time.process_time) and the queries of a request, for each round (--repeat N: the same pages N
times; from round 2 on, the process and the database cache are warm). Only SELECTs are sent.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1, help="rounds over the same pages")
    parser.add_argument("--code", default=str(Path(__file__).resolve().parent.parent))
    parser.add_argument("--query", default="", help="extra query string, e.g. status=open")
    args = parser.parse_args()

    sys.path.insert(0, args.code)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ion_portal.settings")
    os.environ["API_ANON_RATE"] = "1000000/min"
    # Start-up order: settings must be configured before anything touches the ORM.
    import django

    django.setup()
    # Only importable once Django is set up (and sys.path holds --code).
    from django.db import connection  # noqa: I001
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    import trials

    client = Client()
    extra = f"&{args.query}" if args.query else ""
    first = client.get(f"/api/v1/trials/?page=1{extra}", secure=True)
    if first.status_code != 200:
        raise SystemExit(f"page 1 answered {first.status_code}: {first.content[:500]!r}")
    pages = max(1, -(-first.json()["count"] // 50))
    rng = random.Random(args.seed)  # noqa: S311 (which pages to time, not a secret)
    chosen = [rng.randint(1, pages) for _ in range(args.pages)]
    rounds, queries = [], 0
    for _ in range(args.repeat):
        wall, cpu = [], []
        for page in chosen:
            with CaptureQueriesContext(connection) as ctx:
                start, start_cpu = time.perf_counter(), time.process_time()
                response = client.get(f"/api/v1/trials/?page={page}{extra}", secure=True)
                cpu.append((time.process_time() - start_cpu) * 1000)
                wall.append((time.perf_counter() - start) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"page {page} answered {response.status_code}")
            queries = len(ctx.captured_queries)
        rounds.append((wall, cpu))
    print(
        f"code {trials.__file__.rsplit('/trials/', 1)[0]}, {connection.vendor} "
        f"{connection.settings_dict['NAME']}, {pages} pages, {len(chosen)} requests a round "
        f"(seed {args.seed}), {queries} queries/request"
    )
    for number, (wall, cpu) in enumerate(rounds, 1):
        print(
            f"round {number}: wall ms mean {statistics.mean(wall):.1f} median "
            f"{statistics.median(wall):.1f} p95 {sorted(wall)[int(len(wall) * 0.95) - 1]:.1f} | "
            f"CPU ms mean {statistics.mean(cpu):.1f} median {statistics.median(cpu):.1f}"
        )


if __name__ == "__main__":
    main()
