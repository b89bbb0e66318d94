"""PostgreSQL search support (pg_trgm, GIN indexes) and the seed drug vocabulary.

The index operations run on PostgreSQL only, so the same migrations apply on SQLite (development, tests).
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

POSTGRES_FORWARDS = [
    "CREATE INDEX IF NOT EXISTS trial_search_vector_gin ON trials_trial USING gin (search_vector)",
    "CREATE INDEX IF NOT EXISTS drug_name_trgm ON trials_drug USING gin (name gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS drug_synonyms_trgm ON trials_drug USING gin (synonyms gin_trgm_ops)",
    # Phase and class filters use LIKE '%|PHASE2|%'; a trigram index keeps them fast at scale.
    "CREATE INDEX IF NOT EXISTS trial_phases_trgm ON trials_trial USING gin (phases gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS trial_classes_trgm ON trials_trial "
    "USING gin (immunotherapy_classes gin_trgm_ops)",
]
POSTGRES_BACKWARDS = [
    "DROP INDEX IF EXISTS trial_search_vector_gin",
    "DROP INDEX IF EXISTS drug_name_trgm",
    "DROP INDEX IF EXISTS drug_synonyms_trgm",
    "DROP INDEX IF EXISTS trial_phases_trgm",
    "DROP INDEX IF EXISTS trial_classes_trgm",
]


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
