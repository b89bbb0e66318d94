"""One migration per test run, not one per pytest-xdist worker.

Migrating a new test database costs ~6.5 s of CPU (about 20 s of wall time on a busy 2-core machine),
and every worker used to do it. Here the first worker to take a file lock migrates its own database as
usual and leaves a copy beside the lock; every other worker starts from that copy:

- SQLite (an in-memory test database per worker): the migrated database is written to a file with
  SQLite's online backup API, and the other workers load it into their own in-memory database the same
  way.
- PostgreSQL: the migrated database is copied to a template database (`CREATE DATABASE … TEMPLATE`),
  and each other worker creates its database from that template, which copies the files.

Either way each worker still has a database of its own, with exactly what `migrate` made (the data
migrations' rows included). The copy belongs to this run only: it lives in the run's temporary folder
(SQLite) or is dropped and made again by the next run's first worker (PostgreSQL).
"""

from __future__ import annotations

import fcntl
import os
import re
import sqlite3
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.test.utils import setup_databases


@contextmanager
def _locked(path: Path):
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _use_name(connection, name: str) -> None:
    connection.close()
    settings.DATABASES[connection.alias]["NAME"] = name
    connection.settings_dict["NAME"] = name


def _save(connection, folder: Path) -> None:
    """Keep a copy of this worker's freshly migrated database for the others."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        partial = folder / f"{connection.alias}.sqlite3.partial"
        target = sqlite3.connect(partial)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        partial.replace(folder / f"{connection.alias}.sqlite3")
        return
    name = connection.settings_dict["NAME"]
    # Named after the run's database, not the worker that migrated, so the next run replaces it.
    template = re.sub(r"_gw\d+$", "", name) + "_template"
    # CREATE DATABASE … TEMPLATE needs no other session on the source: this worker's own is closed.
    connection.close()
    quote = connection.ops.quote_name
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quote(template)}")
        cursor.execute(f"CREATE DATABASE {quote(template)} TEMPLATE {quote(name)}")
    (folder / f"{connection.alias}.template").write_text(template)


def _copy(connection, folder: Path, serialize: bool) -> tuple:
    """This worker's test database as a copy of the migrated one; the triple teardown_databases takes."""
    old_name = connection.settings_dict["NAME"]
    creation = connection.creation
    name = creation._get_test_db_name()
    if connection.vendor == "sqlite":
        _use_name(connection, name)
        connection.ensure_connection()
        source = sqlite3.connect(folder / f"{connection.alias}.sqlite3")
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    else:
        template = (folder / f"{connection.alias}.template").read_text()
        quote = connection.ops.quote_name
        with creation._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(name)} WITH (FORCE)")
            cursor.execute(f"CREATE DATABASE {quote(name)} TEMPLATE {quote(template)}")
        _use_name(connection, name)
    connection.ensure_connection()
    if serialize:
        connection._test_serialized_contents = creation.serialize_db_to_string()
    return (connection, old_name, True)


def shared_setup_databases(
    folder: Path, *, aliases, serialized_aliases, verbosity: int, keepdb: bool
):
    """`django.test.utils.setup_databases`, migrating once for all the workers that share `folder`."""
    if keepdb:  # --reuse-db keeps each worker's own database: nothing to share
        return setup_databases(
            verbosity=verbosity,
            interactive=False,
            aliases=aliases,
            serialized_aliases=serialized_aliases,
            keepdb=True,
        )
    folder.mkdir(parents=True, exist_ok=True)
    with _locked(folder / "migrate.lock"):
        ready = folder / "migrated"
        if not ready.exists():
            config = setup_databases(
                verbosity=verbosity,
                interactive=False,
                aliases=aliases,
                serialized_aliases=serialized_aliases,
            )
            for alias in aliases:
                _save(connections[alias], folder)
            ready.write_text(os.environ.get("PYTEST_XDIST_WORKER", "main"))
            return config
    return [
        _copy(
            connections[alias],
            folder,
            serialized_aliases is None or alias in serialized_aliases,
        )
        for alias in sorted(aliases)
    ]
