# ruff: noqa: S608, S101 (constant benchmark SQL; asserts guard the measurements)
"""Benchmark of the trial registry pages (not a test).

Measures the median and 95th-percentile time of /trials/ without and with a search term, with a misspelt
drug name, with filters, and of a trial page, through Django's test client (full request: middleware,
filters, facets, template), and the same main queries in raw SQL; prints both and their ratio.

Usage (PostgreSQL, after `manage.py seed_synthetic --trials 100000`):

    DJANGO_DEBUG=true DATABASE_URL=postgres://…/ion_trials .venv/bin/python benchmarks/trials_search.py [--runs 30]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ion_portal.settings")

import django

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from trials.models import Trial  # noqa: E402

OPEN = "('RECRUITING','ENROLLING_BY_INVITATION','AVAILABLE')"
PUBLISHED = "t.status = 'published' AND t.published_at <= now()"

RAW = {
    "list, no term": [
        f"SELECT count(*) FROM trials_trial t WHERE {PUBLISHED} AND t.overall_status IN {OPEN}",
        f"SELECT t.id, t.nct_id, t.brief_title FROM trials_trial t WHERE {PUBLISHED} "
        f"AND t.overall_status IN {OPEN} ORDER BY t.last_update_posted DESC, t.nct_id LIMIT 20",
    ],
    "list, q=pembrolizumab": [
        f"SELECT count(*) FROM trials_trial t WHERE {PUBLISHED} AND t.overall_status IN {OPEN} "
        "AND t.search_vector @@ plainto_tsquery('english', 'pembrolizumab')",
        f"SELECT t.id, t.nct_id, t.brief_title, ts_rank(t.search_vector, q) AS r FROM trials_trial t, "
        "plainto_tsquery('english', 'pembrolizumab') q "
        f"WHERE {PUBLISHED} AND t.overall_status IN {OPEN} AND t.search_vector @@ q "
        "ORDER BY r DESC, t.last_update_posted DESC, t.nct_id LIMIT 20",
    ],
    "trial page": ["SELECT * FROM trials_trial t WHERE t.nct_id = %(nct)s AND " + PUBLISHED],
}


def timed(fn, runs: int) -> list[float]:
    fn()  # warm-up (connection, caches)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument(
        "--cold-facets",
        action="store_true",
        help="Clear the cache before every request, so facet counts are computed each time.",
    )
    args = parser.parse_args()
    setup_test_environment()
    client = Client()
    total = Trial.objects.count()
    published = Trial.objects.published().count()
    nct = (
        Trial.objects.published()
        .recruiting()
        .order_by("pk")
        .values_list("nct_id", flat=True)
        .first()
    )
    print(
        f"Database: {connection.vendor}, {total} trials ({published} published), runs={args.runs}, "
        f"facet cache: {'cleared before every request' if args.cold_facets else 'warm'}"
    )

    pages = {
        "list, no term": "/trials/",
        "list, q=pembrolizumab": "/trials/?q=pembrolizumab",
        "list, q=pembrolizumb (typo)": "/trials/?q=pembrolizumb",
        "list, q=keytruda melanoma": "/trials/?q=keytruda+melanoma",
        "list, phase=PHASE2&age=70&sex=FEMALE": "/trials/?phase=PHASE2&age=70&sex=FEMALE",
        "trial page": f"/trials/{nct}/",
    }
    results = {}
    for label, url in pages.items():

        def fetch(url=url):
            if args.cold_facets:
                cache.clear()
            response = client.get(url, HTTP_HOST="localhost")
            assert response.status_code == 200, (url, response.status_code)

        results[label] = timed(fetch, args.runs)

    raw_results = {}
    for label, statements in RAW.items():

        def run(statements=statements):
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql, {"nct": nct} if "%(nct)s" in sql else None)
                    cursor.fetchall()

        raw_results[label] = timed(run, args.runs)

    print(
        f"\n{'what':40} {'median ms':>10} {'p95 ms':>8} {'raw med':>8} {'raw p95':>8} {'ratio':>6}"
    )
    for label, samples in results.items():
        med, high = statistics.median(samples), p95(samples)
        raw = raw_results.get(label)
        if raw:
            rmed, rhigh = statistics.median(raw), p95(raw)
            print(f"{label:40} {med:10.1f} {high:8.1f} {rmed:8.1f} {rhigh:8.1f} {med / rmed:6.1f}")
        else:
            print(f"{label:40} {med:10.1f} {high:8.1f} {'':>8} {'':>8} {'':>6}")
    print(
        "\nratio = page median / raw SQL median (the page also renders facets, template and middleware)."
    )


if __name__ == "__main__":
    main()
