"""Redis down = slower, never broken: a real, throwaway redis-server is stopped during requests.

While it is down, pages, the API, FHIR, the calendar feed, sign-in and the contact form answer below
500, rate limits keep counting in the local fallback and /healthz says the cache is down; when it is
started again, the cache is used again without a restart.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import subprocess
import time

import pytest
import redis
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server")


def _free_port() -> int:
    # The 63xx range, never the shared 6379; each pytest-xdist worker starts at its own port, so two
    # workers probing at the same moment do not pick (and later stop) the same server.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    start = 6371 + 3 * int(worker.removeprefix("gw") or 0)
    for port in range(start, 6399):
        if port == 6379:
            continue
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port in 6371-6398")


class ThrowawayRedis:
    def __init__(self):
        self.port = _free_port()
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port)
        deadline = time.monotonic() + 10
        while True:
            try:
                if client.ping():
                    return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.02)  # waiting for the server's socket, not for the code under test

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def stored_keys(self) -> list[bytes]:
        return redis.Redis(port=self.port).keys("*")


@pytest.fixture(scope="module")
def redis_server():
    server = ThrowawayRedis()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def redis_cache(settings, redis_server):
    settings.CACHES = {
        "default": {
            "BACKEND": "ion_portal.cache.FailoverRedisCache",
            "LOCATION": f"redis://127.0.0.1:{redis_server.port}/0",
            # RETRY_SECONDS=0: every call tries Redis again, so the test sees the reconnection at once.
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5, "RETRY_SECONDS": 0},
        }
    }
    if redis_server.process is None:
        redis_server.start()
    yield redis_server
    if redis_server.process is None:
        redis_server.start()
    cache.clear()


def _requests(client: Client):
    """What broke when Redis stopped (issue #12): pages, API, FHIR, iCalendar, sign-in, contact."""
    yield "GET /", client.get("/")
    yield "GET /trials/", client.get("/trials/")
    yield "GET /nl/trials/", client.get("/nl/trials/")
    yield "GET /api/v1/trials/", client.get("/api/v1/trials/")
    yield "GET /fhir/ResearchStudy", client.get("/fhir/ResearchStudy")
    yield "GET /events/feed.ics", client.get("/events/feed.ics")
    yield "GET /toxicity/", client.get("/toxicity/")
    yield (
        "POST login",
        client.post(
            reverse("account_login"), {"login": "redis-user@example.org", "password": PASSWORD}
        ),
    )
    yield (
        "POST contact",
        client.post(
            reverse("contact"),
            {"name": "R", "email": "r@example.org", "subject": "Up?", "message": "Still there?"},
        ),
    )


def test_redis_stopped_during_requests_is_slower_never_broken(db, redis_cache, settings, caplog):
    make_user("redis-user@example.org")
    client = Client(raise_request_exception=False)

    # Up: answers come through Redis (its keys appear).
    results = list(_requests(client))
    assert [(name, r.status_code) for name, r in results if r.status_code >= 500] == []
    assert redis_cache.stored_keys()
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json()["cache"] is True

    # Stopped in the middle of a run of requests.
    caplog.set_level(logging.WARNING, logger="ion_portal.cache")
    client = Client(raise_request_exception=False)
    statuses = []
    for index, (name, response) in enumerate(_requests(client)):
        statuses.append((name, response.status_code))
        if index == 2:
            redis_cache.stop()
    statuses += [
        (name, r.status_code) for name, r in _requests(Client(raise_request_exception=False))
    ]
    assert [(name, code) for name, code in statuses if code >= 500] == []
    assert any("Redis cache unreachable" in record.getMessage() for record in caplog.records)

    # /healthz says what is down, and stays 200: the portal runs on its fallback.
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json()["status"] == "degraded"
    assert health.json()["cache"] is False
    assert health.json()["down"] == ["cache"]
    settings.HEALTHZ_REQUIRE_CACHE = True
    assert client.get("/healthz").status_code == 503
    settings.HEALTHZ_REQUIRE_CACHE = False

    # Back: used again without a restart.
    redis_cache.start()
    assert redis_cache.stored_keys() == []
    health = client.get("/healthz")
    assert health.json()["cache"] is True
    assert health.json()["status"] == "ok"
    assert client.get("/api/v1/trials/").status_code == 200
    assert any(key.startswith(b":1:api-throttle") for key in redis_cache.stored_keys())


def test_rate_limits_keep_counting_in_the_fallback_while_redis_is_down(db, redis_cache, settings):
    settings.API_ANON_RATE = "2/min"
    settings.CONTACT_RATE_LIMIT = 1
    redis_cache.stop()
    client = Client(raise_request_exception=False)
    assert [client.get("/api/v1/trials/").status_code for _ in range(3)] == [200, 200, 429]
    data = {"name": "R", "email": "r@example.org", "subject": "Up?", "message": "Still there?"}
    assert client.post(reverse("contact"), data).status_code == 302
    assert client.post(reverse("contact"), data).status_code == 429
    # allauth's failed-login limit still counts. Its lock spins (up to a second per sign-in) unless
    # cache.add() succeeds: with the fallback it does, while Redis is down.
    assert cache.add("lock-probe", True, timeout=10) is True
    assert cache.add("lock-probe", True, timeout=10) is False
    answers = [
        client.post(reverse("account_login"), {"login": f"x{n}@example.org", "password": "no"})
        for n in range(12)
    ]
    assert all(answer.status_code < 500 for answer in answers)
    assert "Too many failed login attempts" in answers[-1].content.decode()
