"""PostgreSQL search support (pg_trgm, GIN indexes) and the seed drug vocabulary.

The index operations run on PostgreSQL only, so the same migrations apply on SQLite (development, tests).
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from trials.search_sql import POSTGRES_BACKWARDS, POSTGRES_FORWARDS  # noqa: E402


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return run


def seed(apps, schema_editor):
    from trials.vocabularies import seed_drugs

    seed_drugs(apps.get_model("trials", "Drug"))


class Migration(migrations.Migration):
    dependencies = [("trials", "0001_initial")]

    operations = [
        TrigramExtension(),  # a no-op on databases other than PostgreSQL
        migrations.RunPython(_run(POSTGRES_FORWARDS), _run(POSTGRES_BACKWARDS)),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
