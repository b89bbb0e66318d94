"""Expensive fixture data built once per test session and copied into each test's transaction.

`RowSnapshot.take(load)` runs `load()` once in a transaction that is rolled back and keeps every row it
added (every model, history and many-to-many tables included). `snapshot.restore()` inserts those rows
again with one bulk insert per table inside the current test's transaction, which rolls back as usual:
each test gets its own copy, no test sees another's writes, and nothing stays behind in the database.

Only for loaders that add rows (the demo loaders create what is missing): `take` refuses a loader that
changes rows that were already there, since restoring would not reproduce it.
"""

from __future__ import annotations

import fcntl
import os
import pickle
import shutil
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.management.color import no_style
from django.db import connection, transaction
from django.test.utils import override_settings

# The password hashers of every test (tests/conftest.py `_fast_and_isolated`).
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _tables() -> list:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]


def _rows(model) -> dict:
    """Every row of `model` as {primary key: {attname: value}}."""
    pk = model._meta.pk.attname
    return {row[pk]: row for row in model._base_manager.values(*_attnames(model))}


def _attnames(model) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


class _RollBack(Exception):
    pass


class RowSnapshot:
    def __init__(self, added: dict, result=None, media: Path | None = None):
        self.added = added  # model -> list of {attname: value}
        self.result = result  # what load() returned
        self.media = media  # the files load() saved to MEDIA_ROOT (a folder of this session)
        self._inserts = (
            None  # (sql, rows of parameters ready for the database), made at first restore
        )

    @classmethod
    def take(cls, load, media: Path | None = None) -> RowSnapshot:
        """`media`: an empty folder that serves as MEDIA_ROOT while `load` runs; `restore` copies what
        the loader saved there into the MEDIA_ROOT of the test."""
        added = {}
        result = None
        try:
            with transaction.atomic():
                before = {model: _rows(model) for model in _tables()}
                if media is None:
                    result = load()
                else:
                    with override_settings(MEDIA_ROOT=str(media)):
                        result = load()
                for model, old in before.items():
                    now = _rows(model)
                    changed = [pk for pk, row in old.items() if now.get(pk) != row]
                    if changed:
                        raise ValueError(
                            f"the loader changed existing {model.__name__} rows {changed[:5]}: "
                            "a snapshot cannot reproduce that"
                        )
                    new = [row for pk, row in now.items() if pk not in old]
                    if new:
                        added[model] = new
                raise _RollBack
        except _RollBack:
            pass
        return cls(added, result, media)

    def _statements(self) -> list:
        """One INSERT per table with every row's values as the database takes them (converted once:
        converting 5,000 rows through bulk_create for every test cost most of the restore). A plain
        INSERT also keeps the stored auto_now / auto_now_add values, which bulk_create would stamp anew."""
        if self._inserts is None:
            quote = connection.ops.quote_name
            self._inserts = []
            for model, rows in self.added.items():
                fields = model._meta.concrete_fields
                # Names from the models, quoted; every value a parameter.
                sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
                    quote(model._meta.db_table),
                    ", ".join(quote(field.column) for field in fields),
                    ", ".join(["%s"] * len(fields)),
                )
                values = [
                    tuple(
                        field.get_db_prep_save(row[field.attname], connection) for field in fields
                    )
                    for row in rows
                ]
                self._inserts.append((sql, values))
        return self._inserts

    def restore(self) -> None:
        """Insert the rows again, in one (nested) transaction: foreign keys are checked at its end."""
        with transaction.atomic(), connection.cursor() as cursor:
            for sql, values in self._statements():
                cursor.executemany(sql, values)
        if self.media is not None and any(self.media.iterdir()):
            shutil.copytree(self.media, settings.MEDIA_ROOT, dirs_exist_ok=True)
        # PostgreSQL's sequences do not move for explicit keys: move them past the inserted rows.
        statements = connection.ops.sequence_reset_sql(no_style(), list(self.added))
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)

    def count(self, model) -> int:
        return len(self.added.get(model, ()))


def take_snapshot(django_db_blocker, load, media=None) -> RowSnapshot:
    """`RowSnapshot.take(load)` for a session fixture: with the database unblocked and the settings
    every test runs with (`_fast_and_isolated` is a function fixture and not active yet)."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        snapshot = RowSnapshot.take(load, media=media)
    cache.clear()
    return snapshot


def shared_folder(tmp_path_factory) -> Path:
    """The folder every pytest-xdist worker of this run sees (the run's temporary folder), or this
    process's own without xdist."""
    base = tmp_path_factory.getbasetemp()
    return (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "shared"


def _state() -> dict:
    """What the database holds before a loader runs, table by table: the keys of its rows."""
    return {
        model._meta.label: sorted(
            str(pk) for pk in model._base_manager.values_list("pk", flat=True)
        )
        for model in _tables()
    }


def _portable(value):
    return bytes(value) if isinstance(value, memoryview) else value


def shared_snapshot(
    django_db_blocker, tmp_path_factory, name: str, load, *, media: bool = False
) -> RowSnapshot:
    """`take_snapshot`, once for all the workers of the run: the first worker to need it runs the
    loader and leaves the rows (pickled) and saved files in the shared folder; the others read them.
    A worker whose database does not hold what the taker's held before the loader ran (a flushed
    database, say) takes its own, so a restore always adds the same rows to the same state."""
    folder = shared_folder(tmp_path_factory)
    folder.mkdir(parents=True, exist_ok=True)
    stored = folder / f"{name}.snapshot"
    files = folder / f"{name}.media" if media else None
    with (folder / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with django_db_blocker.unblock():
            state = _state()
        if stored.exists():
            kept = pickle.loads(stored.read_bytes())  # noqa: S301 - written by this run's workers
            if kept["state"] == state:
                added = {apps.get_model(label): rows for label, rows in kept["added"].items()}
                return RowSnapshot(added, kept["result"], files)
        if files is not None:
            if files.exists():  # another worker's loader wrote there (its rows do not fit here)
                files = Path(tmp_path_factory.mktemp(f"{name}_media"))
            files.mkdir(parents=True, exist_ok=True)
        snapshot = take_snapshot(django_db_blocker, load, files)
        if not stored.exists():
            added = {
                model._meta.label: [
                    {key: _portable(value) for key, value in row.items()} for row in rows
                ]
                for model, rows in snapshot.added.items()
            }
            try:
                data = pickle.dumps({"state": state, "added": added, "result": snapshot.result})
            except (pickle.PicklingError, TypeError, AttributeError):
                return snapshot  # a result that cannot be pickled: every worker takes its own
            partial = stored.with_suffix(".partial")
            partial.write_bytes(data)
            partial.replace(stored)
        return snapshot
