# ruff: noqa: S311 (random picks of pages and trials, not secrets)
"""Benchmark of the registry over HTTP against a running server (gunicorn, DEBUG=False), not a test.

Every measured request is interleaved with a GET /healthz, so each figure comes with its ratio to the
cheapest request the same server answered at the same moment (the machine is shared: the ratio is the
load-independent figure). Reports p50/p95 in ms and the ratio of p50 and p95 to /healthz's.

- list/search **cold**: every request is a filter combination not asked before (a fresh age value with
  a phase, class and sex, in an order drawn from `--seed`, new on every run), so no cached facet or
  count can serve it;
- search of a **query never asked before**: two words of the synthetic texts in an order no earlier
  request used, so no process has the query's matches (trials/search_matches.py) yet;
- list/search **warm**: the same URL again;
- trial page: a different published trial each time;
- API list: pages of /api/v1/trials/ fetched by 4 concurrent clients (p95 and requests/s);
- full CSV: /api/v1/trials/?format=csv&status=all streamed to the end, checked for its trailer, and the
  background dump (/api/v1/trials/dump/): time to first byte and to the end.

Usage (after `manage.py seed_synthetic --trials 560000` and `manage.py build_trial_dump`):

    DJANGO_DEBUG=false DJANGO_SECRET_KEY=… ALLOWED_HOSTS=127.0.0.1 DATABASE_URL=… REDIS_URL=… \\
        gunicorn ion_portal.wsgi --workers 4 --bind 127.0.0.1:8010 --timeout 30 &
    .venv/bin/python benchmarks/http_scale.py --base http://127.0.0.1:8010 [--runs 40]
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import random
import statistics
import threading
import time
import urllib.parse

TRAILER_PREFIX = (
    "# end of export: "  # as trials/exports.py (not imported: this script needs no Django)
)

PHASES = ["PHASE1", "PHASE2", "PHASE3", "NA", "EARLY_PHASE1", "PHASE4"]
CLASSES = ["anti-pd-1", "anti-pd-l1", "anti-ctla-4", "car-t", "bispecific"]
SEXES = ["FEMALE", "MALE"]
TERMS = ["pembrolizumab", "nivolumab", "melanoma", "lung", "keytruda", "atezolizumab"]
# Words of the synthetic summaries and titles (trials/management/commands/seed_synthetic.py): two of
# them, in an order never asked before, make a query no process has matched yet.
WORDS = [
    "safety", "efficacy", "investigational", "regimen", "adults", "advanced", "cycles",
    "progression", "toxicity", "endpoint", "survival", "blinded", "independent", "central",
    "secondary", "overall", "objective", "response", "duration", "biopsies", "blood", "samples",
    "baseline", "translational", "research", "graded", "guidelines", "previously", "checkpoint",
    "eligible", "expansion", "cohort", "quality", "questionnaire", "patients", "study",
]  # fmt: skip


class Server:
    def __init__(self, base: str):
        parts = urllib.parse.urlsplit(base)
        self.host, self.port = parts.hostname, parts.port or 80

    def get(self, path: str, *, stream: bool = False) -> tuple[float, int, bytes, float]:
        """(total ms, status, body, ms to first body byte)."""
        start = time.perf_counter()
        conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
        try:
            conn.request("GET", path, headers={"Host": "127.0.0.1", "Accept-Encoding": "identity"})
            response = conn.getresponse()
            first = response.read(1)
            ttfb = (time.perf_counter() - start) * 1000
            body = first + response.read()
            return (time.perf_counter() - start) * 1000, response.status, body, ttfb
        finally:
            conn.close()


def p95(samples):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def measure(server: Server, urls, runs: int) -> dict:
    times, health = [], []
    for _, url in zip(range(runs), urls, strict=False):
        ms, status, _body, _ = server.get(url)
        if status != 200:
            raise SystemExit(f"{url} answered {status}")
        times.append(ms)
        health.append(server.get("/healthz")[0])
    return summary(times, health)


def summary(times, health) -> dict:
    h50, h95 = statistics.median(health), p95(health)
    return {
        "n": len(times),
        "p50": statistics.median(times),
        "p95": p95(times),
        "healthz_p50": h50,
        "healthz_p95": h95,
        "ratio_p50": statistics.median(times) / h50,
        "ratio_p95": p95(times) / h95,
    }


def cold_lists(q: str | None, rng: random.Random):
    """Filter combinations never asked before: the age makes each one new (ages 18 to 130 times
    phases, classes and sexes), in an order drawn from the run's seed, so a second run within the
    cache lifetime does not ask the first run's combinations again (they would be warm)."""
    combos = list(itertools.product(range(18, 131), PHASES, CLASSES, SEXES))
    rng.shuffle(combos)
    for age, phase, cls, sex in combos:
        params = {"age": age, "phase": phase, "immunotherapy_class": cls, "sex": sex}
        if q:
            params["q"] = q
        yield "/trials/?" + urllib.parse.urlencode(params)


def load_avg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def api_concurrent(server: Server, clients: int, per_client: int, page_size: int = 50) -> dict:
    times: list[float] = []
    health: list[float] = []
    lock = threading.Lock()

    def worker(n):
        rng = random.Random(n)
        for _ in range(per_client):
            page = rng.randint(1, 200)
            ms, status, _body, _ = server.get(f"/api/v1/trials/?page={page}&page_size={page_size}")
            if status != 200:
                raise SystemExit(f"API page {page} answered {status}")
            with lock:
                times.append(ms)

    def prober():
        while not done.is_set():
            health.append(server.get("/healthz")[0])
            time.sleep(0.2)

    done = threading.Event()
    probe = threading.Thread(target=prober)
    probe.start()
    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    done.set()
    probe.join()
    result = summary(times, health or [1.0])
    result["req_per_s"] = len(times) / elapsed
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8010")
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--skip-csv", action="store_true")
    parser.add_argument(
        "--warm-up", type=int, default=12, help="requests of each kind before measuring"
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=time.time_ns() % 1_000_000,
        help="Order of the cold combinations (default: new each run, so they are really cold).",
    )
    args = parser.parse_args()
    server = Server(args.base)
    rng = random.Random(args.seed)
    server.get("/healthz")
    # Each worker's first request of a kind loads its templates and code; a long-lived worker pays
    # that once. These requests (a page, a search and an API page no measured request asks) warm the
    # workers (gunicorn hands them to whichever is free), not any count or match asked later.
    for _ in range(args.warm_up):
        for path in ("/trials/?page=3", "/trials/?q=warm-up&page=2", "/api/v1/trials/?page=7"):
            server.get(path)
    results = {}
    print(f"load before: {load_avg()}; seed {args.seed}", flush=True)

    results["list, cold (new filter combination each time)"] = measure(
        server, cold_lists(None, rng), args.runs
    )
    results["search q=pembrolizumab, cold (new filters each time)"] = measure(
        server, cold_lists("pembrolizumab", rng), args.runs
    )
    terms = list(itertools.product(TERMS, range(18, 131), SEXES))
    rng.shuffle(terms)
    results["search, cold (new term+filters each time)"] = measure(
        server,
        (f"/trials/?q={term}&age={age}&sex={sex}" for term, age, sex in terms),
        args.runs,
    )
    pairs = list(itertools.permutations(WORDS, 2))
    rng.shuffle(pairs)
    results["search, a query never asked before (two words)"] = measure(
        server, (f"/trials/?q={a}+{b}" for a, b in pairs), args.runs
    )
    for label, url in [
        ("list, warm (default /trials/)", "/trials/"),
        ("list, warm (phase=PHASE2)", "/trials/?phase=PHASE2"),
        ("search, warm (q=pembrolizumab)", "/trials/?q=pembrolizumab"),
    ]:
        server.get(url)  # fills the cache
        results[label] = measure(server, itertools.repeat(url), args.runs)
    ncts = [f"NCT{90_000_000 + rng.randrange(0, 500_000):08d}" for _ in range(args.runs)]
    results["trial page"] = measure(server, (f"/trials/{n}/" for n in ncts), args.runs)
    print(f"load: {load_avg()}", flush=True)
    results["API list, 4 concurrent clients"] = api_concurrent(server, 4, max(10, args.runs // 2))

    print(f"\n{'what':55} {'p50':>8} {'p95':>8} {'/hz p50':>8} {'x p50':>6} {'x p95':>6}")
    for label, r in results.items():
        extra = f"  {r['req_per_s']:.1f} req/s" if "req_per_s" in r else ""
        print(
            f"{label:55} {r['p50']:8.1f} {r['p95']:8.1f} {r['healthz_p50']:8.1f} "
            f"{r['ratio_p50']:6.1f} {r['ratio_p95']:6.1f}{extra}"
        )
    print(f"load after pages: {load_avg()}", flush=True)

    if not args.skip_csv:
        ms, status, body, ttfb = server.get("/api/v1/trials/dump/")
        print(
            f"\ndump /api/v1/trials/dump/: HTTP {status}, first byte {ttfb:.0f} ms, "
            f"whole {len(body) / 1e6:.1f} MB in {ms:.0f} ms"
        )
        try:
            ms, status, body, ttfb = server.get("/api/v1/trials/?format=csv&status=all")
            text = body.decode()
            last = text.rstrip("\r\n").rsplit("\n", 1)[-1]
            complete = last.startswith(TRAILER_PREFIX)
            print(
                f"streamed CSV status=all: HTTP {status}, first byte {ttfb:.0f} ms, "
                f"{text.count(chr(10))} lines in {ms / 1000:.1f} s, trailer: "
                f"{last if complete else 'MISSING (incomplete)'}"
            )
        except (http.client.IncompleteRead, ConnectionError) as exc:
            print(
                f"streamed CSV status=all: cut by the server, the client sees {type(exc).__name__}"
            )
        print(f"load after CSV: {load_avg()}")
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
