"""Two people asking for the last place at the same moment: one gets it, the other the waiting list.

Real concurrency needs a database with row locks: PostgreSQL (CI runs the suite on it). SQLite
serialises writers for the whole file, so the race cannot be shown there: skipped with that reason.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from education import registration as service
from education.models import Registration
from tests.factories import make_event

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL row locks (select_for_update); SQLite locks the whole database",
)
def test_two_simultaneous_requests_for_the_last_place_never_over_book(client, settings):
    event = make_event("last-place", registration_enabled=True, capacity=1)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def register(email: str) -> None:
        try:
            barrier.wait()
            registration = service.register(
                event, {"name": email, "email": email, "profession": "nurse"}
            )
            outcomes.append(registration.status)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(f"p{i}@example.org",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert sorted(outcomes) == ["confirmed", "waiting"]
    assert Registration.objects.holding_places().filter(event=event).count() == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL row locks (select_for_update); SQLite locks the whole database",
)
def test_many_simultaneous_requests_fill_exactly_the_capacity(client):
    event = make_event("rush", registration_enabled=True, capacity=3)
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def register(email: str) -> None:
        try:
            barrier.wait()
            service.register(event, {"name": email, "email": email, "profession": "nurse"})
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(f"r{i}@example.org",)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    statuses = list(event.registrations.values_list("status", flat=True))
    assert statuses.count("confirmed") == 3 and statuses.count("waiting") == 5
