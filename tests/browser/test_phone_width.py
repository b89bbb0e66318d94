"""No page is wider than a phone: every page template, in English, Dutch and French, at 390 by 844 px.

The pages are the sitemap's (the demo data loaded), one per URL pattern (so one per template), plus the
pages the sitemap leaves out (forms, sign-in, search, the patient card, the API docs). The check is the
document's scroll width: anything wider than the screen means sideways scrolling.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.urls import Resolver404, resolve

PHONE = {"width": 390, "height": 844}
EXTRA_PAGES = [
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/contact/",
    "/search/?q=melanoma",
    "/trials/?status=all",
    "/trials/?q=pembrolizumab",
    "/trials/find-a-trial/",
    "/toxicity/?q=diarrhoea",
    "/toxicity/patient-card/",
    "/toxicity/patient-card/?drugs=pembrolizumab&drugs=ipilimumab",
    "/api/v1/docs/",
    "/partners/",
    "/events/immunotherapy-masterclass/register/",
    "/events/registrations/demo-registration-past-course/",
    "/events/certificates/DEMO-CERT-2026/",
]


def _one_url_per_pattern(urls: list[str]) -> list[str]:
    """The first URL of each URL pattern (view name), so every template is visited once."""
    chosen: dict[str, str] = {}
    for url in urls:
        path = urlsplit(url).path
        try:
            match = resolve(path)
        except Resolver404:
            continue
        chosen.setdefault(match.view_name, path)
    return list(chosen.values())


def _resolves(url: str) -> bool:
    try:
        resolve(urlsplit(url).path)
    except Resolver404:
        return False
    return True


def _sitemap_urls(page) -> list[str]:
    page.goto("/sitemap.xml")
    return re.findall(r"<loc>([^<]+)</loc>", page.content())


def test_no_page_is_wider_than_a_phone_in_either_language(browser, read_only_live_server, settings):
    # The shared read-only database holds what `manage.py seed_demo` loads (tests/live_db.py).
    live_server = read_only_live_server
    settings.SITE_URL = live_server.url
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, locale="en-GB", service_workers="block"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    paths = _one_url_per_pattern(_sitemap_urls(page)) + EXTRA_PAGES
    assert len(paths) > 25, paths  # the sitemap lists every section's pages
    too_wide = []
    for path in paths:
        for prefix in ("", "/nl", "/fr"):
            if prefix and path.startswith(("/nl/", "/fr/")):
                continue
            url = prefix + path
            if prefix and not _resolves(url):
                continue  # not a translated page (the API docs)
            response = page.goto(url)
            assert response.status < 400, (url, response.status)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                culprits = page.evaluate(
                    """(limit) => [...document.querySelectorAll('body *')]
                        .filter(e => e.getBoundingClientRect().right > limit + 1)
                        .slice(0, 3)
                        .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))""",
                    PHONE["width"],
                )
                too_wide.append(f"{url}: {width} px ({', '.join(culprits)})")
    context.close()
    assert too_wide == []
