"""A covering index for the trial list's counts and facets (PostgreSQL only; a no-op elsewhere)."""

from django.db import migrations

from trials.search_sql import FACET_INDEX_BACKWARDS, FACET_INDEX_FORWARDS


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("trials", "0002_search_indexes_and_drugs")]

    operations = [migrations.RunPython(_run(FACET_INDEX_FORWARDS), _run(FACET_INDEX_BACKWARDS))]
