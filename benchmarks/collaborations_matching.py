"""Benchmark: score every pair of 200 platforms x 500 sample collections (target: under a second).

Run: DJANGO_DEBUG=true .venv/bin/python benchmarks/collaborations_matching.py [--platforms N] [--collections M]

The profiles are synthetic but built from the real seed vocabularies (techniques, sample types, the
compatibility table, cancer-type hierarchy, timepoints, data types, access conditions) with a fixed random
seed, so runs are comparable. No database is needed: the engine only reads pre-loaded profiles, which is
exactly what the pages and the curator view do after their handful of queries.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ion_portal.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")

import django

django.setup()

from collaborations import vocabularies as cv  # noqa: E402
from collaborations.match_queries import match_all  # noqa: E402
from collaborations.matching import (  # noqa: E402
    CollectionProfile,
    PlatformProfile,
    Vocabulary,
    rank,
)
from collaborations.models import TherapyClass  # noqa: E402
from ion_portal.vocabularies import CANCER_TYPES  # noqa: E402


def build_vocabulary() -> Vocabulary:
    v = Vocabulary()
    v.techniques = {i: name for i, (_slug, name, _d) in enumerate(cv.TECHNIQUES, 1)}
    v.sample_types = {i: name for i, (_slug, name, _m) in enumerate(cv.SAMPLE_TYPES, 1)}
    tech_ids = {slug: i for i, (slug, _n, _d) in enumerate(cv.TECHNIQUES, 1)}
    sample_ids = {slug: i for i, (slug, _n, _m) in enumerate(cv.SAMPLE_TYPES, 1)}
    for technique, sample_type, weight in cv.COMPATIBILITY:
        v.compatibility.setdefault(tech_ids[technique], {})[sample_ids[sample_type]] = weight
    cancer_ids = {name: i for i, (name, *_rest) in enumerate(CANCER_TYPES, 1)}
    for name, parent, *_rest in CANCER_TYPES:
        v.cancer_types[cancer_ids[name]] = name
        v.cancer_parent[cancer_ids[name]] = cancer_ids.get(parent)
    v.timepoints = {i: name for i, (_s, name, _o) in enumerate(cv.TIMEPOINTS, 1)}
    v.data_types = {i: name for i, (_s, name) in enumerate(cv.DATA_TYPES, 1)}
    v.access_conditions = {i: name for i, (_s, name, _d) in enumerate(cv.ACCESS_CONDITIONS, 1)}
    v.therapy_classes = {code: str(label) for code, label in TherapyClass.choices}
    return v


def sample(rng, population, low, high) -> frozenset:
    return frozenset(rng.sample(sorted(population), rng.randint(low, high)))


def build_profiles(v: Vocabulary, n_platforms: int, n_collections: int, seed: int = 42):
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not security
    therapies = list(v.therapy_classes)
    credit_cache = {}
    platforms = []
    for pk in range(1, n_platforms + 1):
        techniques = tuple(sorted(sample(rng, v.techniques, 1, 3)))
        focus = sample(rng, v.cancer_types, 0, 3)
        if focus not in credit_cache:
            credit_cache[focus] = v.cancer_credit_map(focus)
        platforms.append(
            PlatformProfile(
                pk=pk,
                name=f"Platform {pk:03d}",
                unit_id=rng.randint(1, 15),
                obj=None,
                techniques=techniques,
                technique_inputs=tuple(dict(v.compatibility.get(t, {})) for t in techniques),
                cancer_focus=focus,
                cancer_credit=credit_cache[focus],
                timepoints=sample(rng, v.timepoints, 0, 3),
                therapy_classes=frozenset(rng.sample(therapies, rng.randint(0, 3))),
                data_types=sample(rng, v.data_types, 0, 3),
                not_met=sample(rng, v.access_conditions, 0, 1),
            )
        )
    collections = [
        CollectionProfile(
            pk=pk,
            name=f"Collection {pk:03d}",
            unit_id=rng.randint(1, 15),
            obj=None,
            sample_types=sample(rng, v.sample_types, 1, 4),
            cancer_types=sample(rng, v.cancer_types, 1, 4),
            timepoints=sample(rng, v.timepoints, 1, 4),
            therapy_classes=frozenset(rng.sample(therapies, rng.randint(1, 3))),
            data_types=sample(rng, v.data_types, 1, 4),
            access_conditions=sample(rng, v.access_conditions, 1, 3),
        )
        for pk in range(1, n_collections + 1)
    ]
    return platforms, collections


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--platforms", type=int, default=200)
    parser.add_argument("--collections", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    v = build_vocabulary()
    platforms, collections = build_profiles(v, args.platforms, args.collections)
    pairs = len(platforms) * len(collections)

    # Wall-clock time, and CPU time of this process: on a busy shared machine the wall clock also
    # counts the time spent waiting for a core, the CPU time only the work.
    timings, cpu = [], []
    for _ in range(args.repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        matches = match_all(platforms=platforms, collections=collections, vocabulary=v)
        timings.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    excluded = sum(row[4] for row in matches)

    start = time.perf_counter()
    shown = rank(matches, v)
    # Reasons are plain text built on demand for the pairs a page shows: time the top 10 of each platform.
    per_platform: dict[int, list] = {}
    for m in shown:
        per_platform.setdefault(m.platform.pk, []).append(m)
    reasons = sum(len(m.reasons) for ms in per_platform.values() for m in ms[:10])
    rank_time = time.perf_counter() - start

    print(f"{len(platforms)} platforms x {len(collections)} collections = {pairs:,} pairs")
    print(
        f"score all pairs: best {min(timings):.3f} s, median {statistics.median(timings):.3f} s "
        f"over {args.repeat} runs ({excluded:,} excluded)"
    )
    print(f"CPU time: best {min(cpu):.3f} s, median {statistics.median(cpu):.3f} s")
    print(
        f"rank + reasons for the top 10 of each platform: {rank_time:.3f} s ({reasons:,} reasons)"
    )
    verdict = "OK" if min(timings) < 1.0 else "TOO SLOW"
    print(f"target < 1 s for all pairs: {verdict}")
    return 0 if verdict == "OK" else 1


if __name__ == "__main__":
    raise SystemExit(main())
