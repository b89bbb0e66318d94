"""Expensive fixture data built once per test session and copied into each test's transaction.

`RowSnapshot.take(load)` runs `load()` once in a transaction that is rolled back and keeps every row it
added (every model, history and many-to-many tables included). `snapshot.restore()` inserts those rows
again with one bulk insert per table inside the current test's transaction, which rolls back as usual:
each test gets its own copy, no test sees another's writes, and nothing stays behind in the database.

Only for loaders that add rows (the demo loaders create what is missing): `take` refuses a loader that
changes rows that were already there, since restoring would not reproduce it.
"""

from __future__ import annotations

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction


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
    def __init__(self, added: dict):
        self.added = added  # model -> list of {attname: value}

    @classmethod
    def take(cls, load) -> RowSnapshot:
        added = {}
        try:
            with transaction.atomic():
                before = {model: _rows(model) for model in _tables()}
                load()
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
        return cls(added)

    def restore(self) -> None:
        """Insert the rows again (inside the caller's transaction; foreign keys are checked at commit)."""
        for model, rows in self.added.items():
            model._base_manager.bulk_create([model(**row) for row in rows])
        # PostgreSQL's sequences do not move for explicit keys: move them past the inserted rows.
        statements = connection.ops.sequence_reset_sql(no_style(), list(self.added))
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)

    def count(self, model) -> int:
        return len(self.added.get(model, ()))
