"""Benchmark of the referral pre-screen over 10,000 synthetic open trials with structured criteria.

Seeds (once) 10,000 published, recruiting synthetic trials (NCT9xxxxxxx, source "synthetic") with 6 to
16 confirmed criteria each (about 110,000) drawn from realistic pools (cancer types of the vocabulary,
ECOG ranges, prior-line limits, prior immunotherapy exclusions, brain metastases, viral status, labs in
several units, biomarker thresholds), plus a few proposed ones. Then measures, interleaved with
/healthz (the ratio says how busy the machine was):

- the whole members' page: POST /trials/pre-screen/ as a signed-in member (middleware, form, engine,
  25 trials explained, template), the compiled criteria warm in the process (the normal case);
- the same with the compiled criteria thrown away before every request (a process's first pre-screen,
  or the first after a bulk change);
- the same right after a criterion is saved (what a curator's confirmation does: the saved criterion's
  trial is compiled again, not the 10,000);
- `queries.prescreen()` alone.

Prints `uptime` before and after. Needs PostgreSQL (its own database):

    DJANGO_DEBUG=true DATABASE_URL=postgres://postgres@127.0.0.1:5432/ion_prescreen \
        .venv/bin/python benchmarks/prescreen.py [--runs 40] [--trials 10000]

Each line gives the full garbage collections during its runs: a pause of 100-200 ms in a 60 ms request,
so they decide the p95 (see forget_rendered() for the test client's own share).
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ion_portal.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")

import django

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.inspect import _get_func_parameters  # noqa: E402

from ion_portal.models import MEMBERS_GROUP, CancerType, User  # noqa: E402
from trials.models import Trial  # noqa: E402
from trials.models_criteria import EligibilityCriterion  # noqa: E402
from trials.prescreen import queries  # noqa: E402
from trials.prescreen.engine import Patient  # noqa: E402

PREFIX = "NCT9"
ANSWERS = [
    {"cancer_type": "melanoma", "age": "64", "sex": "female", "ecog": "1"},
    {
        "cancer_type": "non-small-cell-lung-cancer",
        "age": "71",
        "ecog": "3",
        "prior_immunotherapy": "yes",
        "prior_classes": "anti-pd-1",
        "pd_l1_tps": "60",
    },
    {
        "cancer_type": "renal-cell-carcinoma",
        "age": "55",
        "sex": "male",
        "ecog": "0",
        "prior_lines": "1",
        "prior_immunotherapy": "none",
        "brain_metastases": "none",
        "anc": "2.1",
        "platelets": "220",
        "haemoglobin": "11.5",
        "ast_alt": "1.2",
        "hiv": "negative",
    },
]


def _criteria(rng: random.Random, slugs: list[str]) -> list[tuple[str, str, str, dict, str]]:
    """(section, kind, operator, value, sentence) for one synthetic trial."""
    pool = [
        ("inclusion", "cancer_type", "in", {"cancer_types": rng.sample(slugs, rng.randint(1, 2))}),
        ("inclusion", "age", "range", {"min": 18, "max": rng.choice([None, None, 75, 80])}),
        ("inclusion", "ecog", "range", {"min": 0, "max": rng.choice([1, 1, 2])}),
        ("inclusion", "prior_lines", "range", {"min": rng.choice([0, 1]), "max": rng.choice([None, 2, 3])}),
        ("inclusion", "setting", "in", {"settings": rng.sample(["adjuvant", "first_line_metastatic", "later_line"], 1)}),
        ("exclusion", "prior_immunotherapy", "excluded", {"classes": rng.choice([["anti-pd-1"], ["anti-pd-1", "anti-pd-l1"], []])}),
        ("exclusion", "brain_metastases", rng.choice(["excluded", "allowed_if_treated"]), {}),
        ("exclusion", "autoimmune_disease", "excluded", {}),
        ("exclusion", "steroids", "max", {"mg_prednisone_per_day": rng.choice([10, 10, 20])}),
        ("exclusion", "hiv", rng.choice(["excluded", "allowed_if_controlled"]), {}),
        ("exclusion", "hbv", rng.choice(["excluded", "allowed_if_controlled"]), {}),
        ("inclusion", "anc", "min", rng.choice([{"value": 1.5, "unit": "10^9/L"}, {"value": 1500, "unit": "/mm3"}])),
        ("inclusion", "platelets", "min", {"value": rng.choice([75, 100]), "unit": "10^9/L"}),
        ("inclusion", "haemoglobin", "min", rng.choice([{"value": 9, "unit": "g/dL"}, {"value": 90, "unit": "g/L"}])),
        ("inclusion", "ast_alt", "max", {"uln": 2.5, "uln_with_liver_metastases": rng.choice([None, 5])}),
        ("inclusion", "bilirubin", "max", {"uln": 1.5}),
        ("inclusion", "measurable_disease", "required", {}),
        ("inclusion", "pd_l1_tps", "min", {"value": rng.choice([1, 50])}),
        ("exclusion", "egfr", "excluded", {}),
        ("exclusion", "pregnancy", "excluded", {}),
    ]  # fmt: skip
    chosen = rng.sample(pool, rng.randint(6, 16))
    return [(s, k, o, v, f"Synthetic {s} criterion: {k} {o} {v}.") for s, k, o, v in chosen]


def seed(total: int) -> None:
    existing = Trial.objects.filter(
        source=Trial.Source.SYNTHETIC, nct_id__startswith=PREFIX
    ).count()
    if existing >= total:
        print(f"{existing} synthetic trials already seeded")
        return
    rng = random.Random(15)  # noqa: S311 - reproducible synthetic data
    slugs = list(CancerType.objects.values_list("slug", flat=True))
    now, verified = timezone.now(), date.today() - timedelta(days=30)
    start = time.perf_counter()
    for first in range(existing, total, 1000):
        with transaction.atomic():
            trials = Trial.objects.bulk_create(
                Trial(
                    nct_id=f"{PREFIX}{i:07d}",
                    brief_title=f"Synthetic pre-screen trial {i}",
                    overall_status="RECRUITING",
                    status_verified=verified,
                    status=Trial.Status.PUBLISHED,
                    published_at=now,
                    source=Trial.Source.SYNTHETIC,
                )
                for i in range(first, min(first + 1000, total))
            )
            rows = []
            for trial in trials:
                for n, (section, kind, operator, value, sentence) in enumerate(
                    _criteria(rng, slugs)
                ):
                    status = "proposed" if rng.random() < 0.03 else "confirmed"
                    rows.append(
                        EligibilityCriterion(
                            trial=trial,
                            section=section,
                            kind=kind,
                            operator=operator,
                            value=value,
                            source_sentence=sentence,
                            source_start=n * 100,
                            status=status,
                        )
                    )
            EligibilityCriterion.objects.bulk_create(rows, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE trials_trial; ANALYZE trials_eligibilitycriterion")
    print(f"seeded {total - existing} trials in {time.perf_counter() - start:.0f} s")


def uptime() -> str:
    return subprocess.run(
        ["/usr/bin/uptime"], capture_output=True, text=True, check=False
    ).stdout.strip()


def _ms(func) -> float:
    start = time.perf_counter()
    func()
    return (time.perf_counter() - start) * 1000


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def forget_rendered() -> None:
    """Drop what the test client leaves behind. With DEBUG, Django checks every signal receiver's
    signature through an lru_cache of 512 entries, and the test client connects a new
    partial(store_rendered_templates, data) per request: the cache keeps the last 512 pages' template
    contexts (results, verdicts, forms) alive, and each full garbage collection then traverses them
    (230-660 ms measured, growing through the run). A server process has no test client; outside the
    timed part."""
    _get_func_parameters.cache_clear()


def measure(label, func, runs, healthz) -> dict:
    """Wall-clock median and p95 (interleaved with /healthz), the median CPU time of this process
    (time.process_time: what the request itself costs in Python, whatever else the machine runs;
    PostgreSQL's own time is not in it) and the full garbage collections during the runs."""
    func()  # warm-up
    forget_rendered()
    times, base, cpu = [], [], []
    full_gcs = gc.get_stats()[2]["collections"]
    for _ in range(runs):
        start = time.process_time()
        times.append(_ms(func))
        cpu.append((time.process_time() - start) * 1000)
        base.append(_ms(healthz))
        forget_rendered()
    full_gcs = gc.get_stats()[2]["collections"] - full_gcs
    median, high = statistics.median(times), p95(times)
    ratio = median / statistics.median(base)
    print(
        f"{label:58} median {median:7.1f} ms  p95 {high:7.1f} ms  {ratio:6.1f}x /healthz"
        f"  (CPU median {statistics.median(cpu):6.1f} ms, /healthz {statistics.median(base):5.1f} ms,"
        f" {full_gcs} full GC)"
    )
    return {"median": median, "p95": high, "ratio": ratio}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--trials", type=int, default=10_000)
    args = parser.parse_args()
    assert connection.vendor == "postgresql", "run on PostgreSQL (DATABASE_URL)"  # noqa: S101
    print("uptime before:", uptime())
    call_command("migrate", verbosity=0)
    seed(args.trials)
    setup_test_environment()
    member, _created = User.objects.get_or_create(email="bench-prescreen@example.org")
    member.groups.add(*Group.objects.filter(name=MEMBERS_GROUP))
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(member)
    healthz = lambda: client.get("/healthz")  # noqa: E731
    open_count = queries.open_trials().count()
    confirmed = EligibilityCriterion.objects.confirmed().count()
    print(f"{open_count} open trials, {confirmed} confirmed criteria, runs={args.runs}")
    compiled = queries.compiled_criteria()
    print(f"distinct criteria compiled: {len(compiled.rules)}")
    changed = EligibilityCriterion.objects.filter(trial__nct_id__startswith=PREFIX).earliest("pk")

    for n, answers in enumerate(ANSWERS, 1):

        def page(answers=answers):
            response = client.post("/trials/pre-screen/", answers)
            assert response.status_code == 200, response.status_code  # noqa: S101

        def cold(answers=answers):
            queries.clear_cache()
            page(answers)

        def after_save(answers=answers):
            changed.save(update_fields=["updated_at"])  # post_save: one trial's criteria changed
            page(answers)

        outcome = client.post("/trials/pre-screen/", answers).context["outcome"]
        print(
            f"\nprofile {n}: {answers['cancer_type']}, ECOG {answers['ecog']}: {outcome.ranked} ranked, "
            f"{outcome.eligible} eligible so far"
        )
        measure(f"POST /trials/pre-screen/ (profile {n})", page, args.runs, healthz)
        measure(f"POST /trials/pre-screen/, criteria recompiled (profile {n})", cold, 5, healthz)
        measure(f"a criterion saved, then POST (profile {n})", after_save, 10, healthz)
        patient = Patient(cancer_type=answers["cancer_type"], ecog=int(answers["ecog"]))
        measure(
            f"queries.prescreen() alone (profile {n})",
            lambda p=patient: queries.prescreen(p),
            args.runs,
            healthz,
        )
    print("\nuptime after:", uptime())


if __name__ == "__main__":
    main()
