"""A covering, partial index for the published list order: the ids of an API or list page come from an
index-only scan of the published rows (PostgreSQL only; SQLite keeps the plain order index of 0011).
Sites order by unit slug after unit name, so every reader orders them alike."""

from django.db import migrations

INDEX = "trial_published_order_idx"


def _forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON trials_trial "
        "(last_update_posted DESC, nct_id) INCLUDE (id, published_at) "
        "WHERE status = 'published'"
    )


def _backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("trials", "0012_trial_facet_rows"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="trialsite",
            options={
                "base_manager_name": "all_objects",
                "ordering": ["trial", "unit__name", "unit__slug"],
                "verbose_name": "network site",
                "verbose_name_plural": "network sites",
            },
        ),
        migrations.RunPython(_forwards, _backwards),
    ]
