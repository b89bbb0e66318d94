"""A live server on a database loaded once per pytest-xdist worker, for browser tests that only read.

A test that asks for `page` or `live_server` is transactional: pytest-django flushes every table after
it, so each one loads its data again. Tests that only look at the demo content (layout, accessibility,
search, widths) ask for `read_only_live_server` (or `read_only_page`, tests/browser/conftest.py) instead:

- The first such test of a worker loads the core vocabularies and the curators' permissions (when a
  flush took them) and the demo data set (`manage.py seed_demo`) and COMMITS them, so the server's own
  connections see them on PostgreSQL (on SQLite pytest-django's live server shares the test thread's
  in-memory connection with its threads). The rows come from the `seed_demo` snapshot of
  tests/conftest.py (tests/snapshots.py `shared_snapshot`): the loader runs once for the run, and the
  snapshot says exactly which rows were added.
- The data stays for the following read-only tests: no flush, no new load. They run as one group after
  the database tests and before the transactional ones (tests/conftest.py
  `pytest_collection_modifyitems`), so each worker loads once.
- The first test of another kind that needs the database unloads it (tests/conftest.py
  `pytest_runtest_setup`): every row added since the load began is deleted again, so that test finds
  the database as the loader found it (migrated, or flushed by an earlier transactional test).
- Guard: while the data is loaded, a trigger on every table notes any INSERT, UPDATE or DELETE, from
  the test or from the server. After each read-only test the guard reads that log; a test that wrote
  fails (at teardown) naming the tables, and the data is thrown away (a flush, as after a transactional
  test) and loaded afresh for the next read-only test.
- No table is exempt. Page views of an anonymous visitor write no row: sessions (database-backed) are
  only saved once something is put in them, the language choice is a cookie, and the cache and rate
  limits live in the cache, not the database. A session row therefore means the test signed in or
  kept state, which a read-only test must not do (the moved tests pass the guard as they are).

Read-only tests carry no `django_db` marker (it would flush the shared data after them): the fixture
refuses one that does.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import override_settings
from pytest_django.live_server_helper import LiveServer

from ion_portal.models import CancerType
from ion_portal.permissions import grant_curator_permissions
from ion_portal.vocabularies import seed_core_vocabularies
from tests.snapshots import RowSnapshot, _state, _tables, shared_snapshot

READ_ONLY_FIXTURES = ("read_only_live_server",)  # the read-only pages ask for it
WRITES = "live_db_writes"  # the trigger log (a temporary table on SQLite)
_CHUNK = 500


def is_read_only(item) -> bool:
    return any(name in getattr(item, "fixturenames", ()) for name in READ_ONLY_FIXTURES)


def seed_demo() -> None:
    """The demo data set, as `manage.py seed_demo --allow-production` loads it (the loader of the
    `seed_demo` snapshot, tests/conftest.py, which the shared data reuses)."""
    call_command("seed_demo", allow_production=True, verbosity=0)


def _seed_vocabularies() -> None:
    """The vocabularies and permissions `core_vocabularies` restores after a flush
    (tests/browser/conftest.py); already there in a migrated database."""
    seed_core_vocabularies(Group, CancerType)
    grant_curator_permissions()


def _table_names() -> list[str]:
    return sorted({model._meta.db_table for model in _tables()})


def install_guard() -> None:
    """A trigger per table and kind of write that notes the table's name in the log."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {WRITES} (name TEXT)")
            for number, table in enumerate(_table_names()):
                for kind in ("INSERT", "UPDATE", "DELETE"):
                    # Table names from the models, quoted; a trigger's body takes no parameters.
                    name = f"live_db_{number}_{kind.lower()}"
                    note = f"INSERT INTO {WRITES} VALUES ('{table}')"  # noqa: S608
                    cursor.execute(
                        f"CREATE TEMP TRIGGER IF NOT EXISTS {name} AFTER {kind} "
                        f"ON main.{quote(table)} BEGIN {note}; END"
                    )
            return
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {WRITES} (name TEXT)")
        note = f"INSERT INTO {WRITES} VALUES (TG_TABLE_NAME)"  # noqa: S608 - a constant name
        cursor.execute(
            "CREATE OR REPLACE FUNCTION live_db_note_write() RETURNS trigger AS $$ BEGIN "
            f"{note}; RETURN NULL; END $$ LANGUAGE plpgsql"
        )
        for table in _table_names():
            cursor.execute(
                f"CREATE OR REPLACE TRIGGER live_db_write AFTER INSERT OR UPDATE OR DELETE "
                f"ON {quote(table)} FOR EACH ROW EXECUTE FUNCTION live_db_note_write()"
            )


def remove_guard() -> None:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for number, _table in enumerate(_table_names()):
                for kind in ("insert", "update", "delete"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS temp.live_db_{number}_{kind}")
            cursor.execute(f"DROP TABLE IF EXISTS temp.{WRITES}")
            return
        for table in _table_names():
            cursor.execute(f"DROP TRIGGER IF EXISTS live_db_write ON {quote(table)}")
        cursor.execute("DROP FUNCTION IF EXISTS live_db_note_write()")
        cursor.execute(f"DROP TABLE IF EXISTS {WRITES}")


def written_tables() -> list[str]:
    """The tables written since the guard was installed or last read; empties the log."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT name FROM {WRITES}")  # noqa: S608 - a constant name
        names = sorted(row[0] for row in cursor.fetchall())
        cursor.execute(f"DELETE FROM {WRITES}")  # noqa: S608 - a constant name
    return names


def guard_message(nodeid: str, tables: list[str]) -> str:
    return (
        f"{nodeid} uses the shared read-only database but wrote to it: {', '.join(tables)}. "
        "Give it `page` / `live_server` (a transactional test) instead. The shared data was "
        "flushed and is loaded again for the next read-only test."
    )


def _delete_rows_not_in(state: dict) -> None:
    """Delete every row whose key `state` (tests.snapshots `_state`) does not list, in one transaction
    (foreign keys are checked at its end); again while triggers keep adding rows."""
    quote = connection.ops.quote_name
    for _attempt in range(3):
        extra = {}
        for model in _tables():
            kept = set(state.get(model._meta.label, ()))
            keys = [
                key
                for key in model._base_manager.values_list("pk", flat=True)
                if str(key) not in kept
            ]
            if keys:
                extra[model] = keys
        if not extra:
            return
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            for model, keys in extra.items():
                pk = model._meta.pk
                values = [pk.get_db_prep_value(key, connection) for key in keys]
                for start in range(0, len(values), _CHUNK):
                    chunk = values[start : start + _CHUNK]
                    # Names from the models, quoted; every key a parameter.
                    cursor.execute(
                        f"DELETE FROM {quote(model._meta.db_table)} "  # noqa: S608
                        f"WHERE {quote(pk.column)} IN ({', '.join(['%s'] * len(chunk))})",
                        chunk,
                    )
    raise RuntimeError("rows keep coming back after their deletion")


class SharedDatabase:
    """This worker's loaded demo data (one per process: module state, like the database itself)."""

    def __init__(self):
        self.snapshot: RowSnapshot | None = None
        self.blocker = None
        self.media: Path | None = None
        self.before: dict = {}  # the keys of every table's rows before the load

    @property
    def loaded(self) -> bool:
        return self.snapshot is not None

    def load(self, django_db_blocker, tmp_path_factory) -> None:
        if self.loaded:
            return
        with django_db_blocker.unblock():
            before = _state()
            _seed_vocabularies()
            seeded = _state()
        # The snapshot the `seeded_demo` tests use (the same name and loader): taken once for the run
        # when the database is as theirs was (migrated, which it is before the transactional tests).
        snapshot = shared_snapshot(
            django_db_blocker, tmp_path_factory, "seed_demo", seed_demo, media=True
        )
        self.media = Path(tmp_path_factory.mktemp("read_only_media"))
        loaded = {
            model._meta.label: [str(row[model._meta.pk.attname]) for row in rows]
            for model, rows in snapshot.added.items()
        }
        with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(self.media)):
            snapshot.restore()  # committed: autocommit outside any test transaction
            # The trials' own triggers (trials/models_facets.py) queued the inserted trials again:
            # drop those queue rows, the loader had refreshed them already.
            _delete_rows_not_in(
                {label: [*keys, *loaded.get(label, ())] for label, keys in seeded.items()}
            )
            install_guard()
        self.snapshot, self.blocker, self.before = snapshot, django_db_blocker, before

    def unload(self) -> None:
        """Delete every row the load added (and those the trials' triggers queued as they went): the
        database is again as the loader found it (the guard has seen no other write)."""
        if not self.loaded:
            return
        with self.blocker.unblock():
            remove_guard()
            _delete_rows_not_in(self.before)
        self.snapshot = None

    def discard(self) -> None:
        """After a write: empty every table, as pytest-django does after a transactional test."""
        with self.blocker.unblock():
            remove_guard()
            call_command("flush", interactive=False, verbosity=0)
        self.snapshot = None


SHARED = SharedDatabase()


def _address(config) -> str:
    """Where pytest-django's `live_server` listens (fixtures.py)."""
    return (
        config.getvalue("liveserver") or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "localhost"
    )


@pytest.fixture(scope="session")
def _read_only_server(request, django_db_setup, django_db_blocker):
    """A live server of its own: asking for pytest-django's `live_server` would make the test
    transactional (its `_live_server_helper` asks for `transactional_db`, which flushes)."""
    with django_db_blocker.unblock():
        server = LiveServer(_address(request.config))
    yield server
    server.thread.terminate()
    # The session's Chromium (`browser`, closed after this fixture) may still hold keep-alive
    # connections to this server: when it lets go, their threads close the test thread's SQLite
    # connection, which must still be shareable then. It stops being shared at the end of the run.
    shared = list(server.thread.connections_override.values())
    request.config.add_cleanup(lambda: [conn.dec_thread_sharing() for conn in shared])


@pytest.fixture
def read_only_live_server(request, _read_only_server, django_db_blocker, tmp_path_factory):
    """The live server on the shared demo data; the test fails if it wrote to the database."""
    if request.node.get_closest_marker("django_db"):
        pytest.fail(
            f"{request.node.nodeid}: a read-only test carries no django_db marker (pytest-django "
            "would flush the shared data after it)."
        )
    SHARED.load(django_db_blocker, tmp_path_factory)
    server = _read_only_server
    # The server's thread and the test's own ORM reads use the database without a `db` fixture.
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(SHARED.media)):
        server._live_server_modified_settings.enable()
        try:
            yield server
        finally:
            server._live_server_modified_settings.disable()
        tables = written_tables()
    if tables:
        SHARED.discard()
        pytest.fail(guard_message(request.node.nodeid, tables))


def release_for(item) -> None:
    """Before a test of another kind that uses the database: give the database back as it was."""
    if SHARED.loaded and not is_read_only(item):
        SHARED.unload()
