"""Production smoke run against a live server (gunicorn, debug off): `.ci/run` calls it.

Requests every URL of the sitemap (English and its Dutch alternates), the pages that are not in it (API
root, schema and docs, FHIR metadata, feeds, .ics, sw.js, robots.txt, sign-in, admin login, a missing
page) in English and Dutch, and every static file those pages refer to. Exit status 1 when any answer is
500 or more.

The server runs with SECURE_SSL_REDIRECT on, as in production; the script speaks plain HTTP on
127.0.0.1 and says, as the TLS-terminating proxy would, `X-Forwarded-Proto: https` (the settings'
SECURE_PROXY_SSL_HEADER).

    python tests/production/smoke.py --base-url http://127.0.0.1:8765 [--cache-down]

`--cache-down`: Redis has been stopped; additionally /healthz must answer 200 "degraded" and name
the cache as what is down.

`--quick`: only a few pages, each several times (so that every worker answers them): used right after
every PostgreSQL connection of the portal was terminated, as a database restart does.
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import sys
import time
from urllib.parse import urlsplit
from xml.etree import ElementTree

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML_LINK = "{http://www.w3.org/1999/xhtml}link"
STATIC_REF = re.compile(r"""(?:src|href)=["'](/static/[^"'?#]+)""")
# Language-neutral machine endpoints: requested once.
MACHINE = [
    "/robots.txt",
    "/sitemap.xml",
    "/healthz",
    "/api/v1/",
    "/api/v1/schema/",
    "/api/v1/trials/",
    "/api/v1/trials/?page_size=5&format=json",
    "/api/v1/events/",
    "/fhir/metadata",
    "/fhir/ResearchStudy?_count=5",
]
# Pages outside the sitemap: requested in English and under /nl/.
PAGES = [
    "/api/v1/docs/",
    "/trials/feed/",
    "/trials/trials.csv",
    "/news/feed/",
    "/events/feed/",
    "/events/feed.ics",
    "/toxicity/sw.js",
    "/toxicity/patient-card/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/admin/login/",
    "/account/",
    "/no-such-page/",
]


# After a database restart: a page, a Dutch page, the API, FHIR, sign-in.
QUICK = ["/", "/nl/trials/", "/api/v1/trials/", "/fhir/metadata", "/accounts/login/", "/healthz"]


class Smoke:
    def __init__(self, base_url: str, timeout: float):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port or 80
        self.timeout = timeout
        self.results: list[tuple[str, int, float]] = []
        self.static: set[str] = set()

    def get(self, path: str) -> tuple[int, bytes, str]:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        started = time.perf_counter()
        try:
            connection.request(
                "GET",
                path,
                headers={
                    "X-Forwarded-Proto": "https",
                    "Accept-Language": "en",
                    "User-Agent": "ion-portal-smoke",
                },
            )
            response = connection.getresponse()
            body = response.read()
            status, content_type = response.status, response.getheader("Content-Type", "")
        except (OSError, http.client.HTTPException) as error:
            print(f"  {path}: no answer ({error})", file=sys.stderr)
            status, body, content_type = 599, b"", ""
        finally:
            connection.close()
        self.results.append((path, status, time.perf_counter() - started))
        if content_type.startswith("text/html"):
            self.static.update(STATIC_REF.findall(body.decode("utf-8", "replace")))
        return status, body, content_type

    def sitemap_paths(self) -> list[str]:
        status, body, _ = self.get("/sitemap.xml")
        if status != 200:
            return []
        tree = ElementTree.fromstring(body)  # noqa: S314 (the portal's own sitemap)
        urls = [loc.text or "" for loc in tree.iter(f"{SITEMAP_NS}loc")]
        urls += [link.get("href", "") for link in tree.iter(XHTML_LINK)]
        return sorted({urlsplit(url).path for url in urls if url})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8765")
    parser.add_argument("--timeout", type=float, default=30)
    parser.add_argument("--cache-down", action="store_true", help="Redis is stopped")
    parser.add_argument("--quick", action="store_true", help="a few pages, several times each")
    args = parser.parse_args(argv)

    smoke = Smoke(args.base_url, args.timeout)
    started = time.perf_counter()
    if args.quick:
        paths, sitemap_count = [], None
        for _ in range(4):
            for path in QUICK:
                smoke.get(path)
    else:
        paths = smoke.sitemap_paths()
        sitemap_count = len(paths)
        paths += MACHINE
        paths += PAGES + ["/nl" + page for page in PAGES]
    for path in dict.fromkeys(paths):
        smoke.get(path)
    for path in sorted(smoke.static):
        smoke.get(path)

    failures = [(path, status) for path, status, _ in smoke.results if status >= 500]
    missing_static = [
        (path, status)
        for path, status, _ in smoke.results
        if path.startswith("/static/") and status != 200
    ]
    slowest = sorted(smoke.results, key=lambda result: result[2], reverse=True)[:3]
    print(
        f"smoke: {len(smoke.results)} requests ({sitemap_count or 0} sitemap URLs, "
        f"{len(smoke.static)} static files) in {time.perf_counter() - started:.1f} s; "
        f"{len(failures)} answers >= 500; slowest: "
        + ", ".join(f"{path} {seconds * 1000:.0f} ms" for path, _, seconds in slowest)
    )
    problems = [f"{status} {path}" for path, status in failures + missing_static]
    if sitemap_count is not None and sitemap_count < 10:
        problems.append(f"the sitemap lists only {sitemap_count} URLs")

    status, body, _ = smoke.get("/healthz")
    health = json.loads(body or b"{}")
    print(f"healthz: {status} {json.dumps(health)}")
    if args.cache_down:
        if status != 200 or health.get("status") != "degraded" or health.get("down") != ["cache"]:
            problems.append("/healthz does not say that (only) the cache is down")
    elif status != 200 or health.get("status") != "ok":
        problems.append("/healthz is not ok")

    for problem in problems:
        print(f"  FAIL {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
