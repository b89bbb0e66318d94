"""Browser tests: Playwright drives the system Chromium against pytest-django's live server.

Without a Chromium on the PATH these tests skip with a reason, except under CI=true, where a missing
browser fails the run: CI must never pass with the journeys unchecked.
"""

from __future__ import annotations

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make are synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def _chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    path = _chromium_path()
    if path is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true but no Chromium on the PATH: install Debian's chromium package.")
        pytest.skip("No Chromium on the PATH (apt-get install chromium); browser tests skipped.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=path, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def core_vocabularies(transactional_db):
    """Live-server tests flush the database after each test, data migrations included: restore them."""
    from django.contrib.auth.models import Group

    from ion_portal.models import CancerType
    from ion_portal.permissions import grant_curator_permissions
    from ion_portal.vocabularies import seed_core_vocabularies

    seed_core_vocabularies(Group, CancerType)
    grant_curator_permissions()


def _page(browser, live_server, **options):
    context = browser.new_context(base_url=live_server.url, locale="en-GB", **options)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


@pytest.fixture
def page(browser, live_server, core_vocabularies):
    # Service workers are blocked: one left installing in the background would still be reading the
    # database while the test's flush empties it.
    context, page = _page(browser, live_server, service_workers="block")
    yield page
    context.close()


@pytest.fixture
def read_only_page(browser, read_only_live_server):
    """`page` on the shared, loaded database of the read-only tests (tests/live_db.py): the demo data
    set is there, and the test fails if it writes to the database."""
    context, page = _page(browser, read_only_live_server, service_workers="block")
    yield page
    context.close()


@pytest.fixture
def read_only_page_with_service_worker(browser, read_only_live_server):
    """`page_with_service_worker` on the shared read-only database."""
    context, page = _page(browser, read_only_live_server, service_workers="allow")
    yield page
    context.close()


@pytest.fixture
def page_with_service_worker(browser, live_server, core_vocabularies):
    """A page whose service workers run (offline tests): wait for the worker to take control."""
    context, page = _page(browser, live_server, service_workers="allow")
    yield page
    context.close()
