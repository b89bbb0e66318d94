"""Fixtures shared by the whole suite: users in each role, a clean cache, fast password hashing."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.utils import translation

from ion_portal.models import CURATORS_GROUP, MEMBERS_GROUP, PARTNERS_GROUP, User
from tests.factories import give_second_factor, make_user


@pytest.fixture(autouse=True, scope="session")
def _redis_database_per_worker():
    """pytest-xdist workers share one Redis; each clears the cache around every test (FLUSHDB), which
    would wipe the other worker's rate-limit counters mid-test. Each worker gets a database of its own."""
    import os
    import re

    from django.conf import settings as django_settings
    from django.test import override_settings

    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    caches = django_settings.CACHES
    location = caches["default"].get("LOCATION", "")
    match = re.fullmatch(r"(rediss?://[^/]+)/?(\d*)", location) if worker else None
    if match is None:
        yield
        return
    number = int(match.group(2) or 0) + 1 + int(worker.removeprefix("gw") or 0)
    default = {**caches["default"], "LOCATION": f"{match.group(1)}/{number % 16}"}
    with override_settings(CACHES={**caches, "default": default}):
        yield


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings):
    # MD5 keeps account tests fast; the cache holds rate-limit counters that must not leak between tests.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    yield
    cache.clear()
    # A request to a /nl/ page leaves Dutch active in this thread (LocaleMiddleware activates, nothing
    # deactivates): the next test's reverse() would give /nl/ URLs and its pages would be Dutch.
    translation.deactivate()


@pytest.fixture
def admin_user(db) -> User:
    """pytest-django's superuser, with the second factor the admin requires."""
    return give_second_factor(make_user("admin@example.com", is_staff=True, is_superuser=True))


@pytest.fixture
def user(db) -> User:
    """Signed-up, verified, but not yet approved as a member."""
    return make_user("newcomer@example.org")


@pytest.fixture
def member(db) -> User:
    return make_user("member@example.org", groups=(MEMBERS_GROUP,))


@pytest.fixture
def curator(db) -> User:
    return give_second_factor(
        make_user("curator@example.org", groups=(CURATORS_GROUP,), is_staff=True)
    )


@pytest.fixture
def partner(db) -> User:
    return make_user("partner@example.org", groups=(PARTNERS_GROUP,))


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator)
    return client
