"""Chromium on the main pages of a live production server: 0 console errors, 0 page errors.

Catches what only a browser sees with debug off: a script or stylesheet refused by the strict Content
Security Policy, a hashed static file that 404s, a script that throws. `.ci/production-checks` runs it
against gunicorn; the proxy's `X-Forwarded-Proto: https` is sent with every request (see smoke.py).

    python tests/production/console.py --base-url http://127.0.0.1:8765
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys

os.environ.setdefault("PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS", "1")

MAIN_PAGES = [
    "/",
    "/about/",
    "/contact/",
    "/trials/",
    "/toxicity/",
    "/toxicity/task-force/",
    "/toxicity/patient-card/",
    "/collaborations/",
    "/collaborations/platforms/",
    "/collaborations/collections/",
    "/news/",
    "/events/",
    "/resources/",
    "/accounts/login/",
    "/accounts/signup/",
    "/api/v1/docs/",
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8765")
    args = parser.parse_args(argv)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("console: no Chromium on the PATH", file=sys.stderr)
        return 1
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context(
            base_url=args.base_url,
            extra_http_headers={"X-Forwarded-Proto": "https"},
            service_workers="block",
        )
        page = context.new_page()
        current = {"path": ""}
        page.on(
            "console",
            lambda message: (
                problems.append(f"{current['path']}: console {message.type}: {message.text}")
                if message.type == "error"
                else None
            ),
        )
        page.on("pageerror", lambda error: problems.append(f"{current['path']}: {error}"))
        paths = MAIN_PAGES + ["/nl" + path for path in MAIN_PAGES if not path.startswith("/api/")]
        for path in paths:
            current["path"] = path
            response = page.goto(path, wait_until="load")
            if response is None or response.status >= 400:
                problems.append(f"{path}: HTTP {response.status if response else 'no answer'}")
        context.close()

        # The offline guidelines' service worker installs and stores the section.
        context = browser.new_context(base_url=args.base_url, service_workers="allow")
        # The proxy's header on every request, the service worker's own fetches included (Playwright
        # routes those in Chromium with PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS, set above).
        context.route(
            "**/*",
            lambda route, request: route.continue_(
                headers={**request.headers, "x-forwarded-proto": "https"}
            ),
        )
        page = context.new_page()
        current["path"] = "/toxicity/ (service worker)"
        page.on("pageerror", lambda error: problems.append(f"{current['path']}: {error}"))
        page.goto("/toxicity/", wait_until="load")
        try:
            page.wait_for_function(
                "navigator.serviceWorker.ready.then(() => caches.keys())"
                ".then(keys => Promise.all(keys.map(k => caches.open(k).then(c => c.keys()))))"
                ".then(lists => lists.flat().some(r => r.url.endsWith('/toxicity/task-force/')))",
                timeout=20_000,
            )
            installed = True
        except PlaywrightTimeout as error:
            installed = False
            problems.append(f"the service worker did not install: {error}")
        context.close()
        browser.close()
    print(
        f"console: {len(paths)} pages in Chromium, {len(problems)} errors; "
        f"service worker installed: {installed}"
    )
    for problem in problems:
        print(f"  FAIL {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
