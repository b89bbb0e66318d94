"""The raw source record (the largest column: ~80 kB of JSON per trial) is compressed with lz4 instead of
PostgreSQL's default pglz: the same stored value, compressed several times faster when an import writes
it (PostgreSQL only; a server built without lz4 keeps pglz). Rows already stored keep their pglz values
until they are written again; both read back alike."""

from django.db import migrations

COLUMNS = ("raw_record",)


def _set(schema_editor, method: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(
            "DO $$ BEGIN "
            f"ALTER TABLE trials_trial ALTER COLUMN {column} SET COMPRESSION {method}; "
            "EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN NULL; "
            "END $$"
        )


def _forwards(apps, schema_editor):
    _set(schema_editor, "lz4")


def _backwards(apps, schema_editor):
    _set(schema_editor, "default")


class Migration(migrations.Migration):
    dependencies = [
        ("trials", "0014_trial_facet_generation"),
    ]

    operations = [migrations.RunPython(_forwards, _backwards)]
