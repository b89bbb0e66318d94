# The facet rows of the trial list (trials/models_facets.py, trials/facets.py): the tables, the
# triggers that queue every trial whose row, cancer-type links or sites change (any writer, bulk
# writes and raw SQL included), and the rows of the trials already there.

import django.db.models.deletion
from django.db import migrations, models

import trials.models_facets

QUEUE = "trials_trialfacetqueue"
# (table, column holding the trial id)
SOURCES = [("trials_trial", "id"), ("trials_trial_cancer_types", "trial_id"), ("trials_trialsite", "trial_id")]


def _postgresql_forwards():
    statements = []
    for table, column in SOURCES:
        function = f"{table}_facet_queue"
        statements.append(
            f"""CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP IN ('INSERT', 'UPDATE') THEN
                    INSERT INTO {QUEUE} (trial_id) SELECT DISTINCT {column} FROM new_rows;
                END IF;
                IF TG_OP IN ('UPDATE', 'DELETE') THEN
                    INSERT INTO {QUEUE} (trial_id) SELECT DISTINCT {column} FROM old_rows;
                END IF;
                RETURN NULL;
            END $$"""
        )
        # Statement-level with transition tables: one INSERT per statement, not per row.
        for event, referencing in [
            ("INSERT", "NEW TABLE AS new_rows"),
            ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
            ("DELETE", "OLD TABLE AS old_rows"),
        ]:
            statements.append(
                f"CREATE TRIGGER {table}_facet_{event.lower()} AFTER {event} ON {table} "
                f"REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
            )
    # Few trials have network sites: the site facet's pass reads only theirs.
    statements.append(
        "CREATE INDEX trial_facet_with_sites ON trials_trialfacet (trial_id) WHERE site_ids <> '{}'"
    )
    return statements


def _sqlite_forwards():
    statements = []
    for table, column in SOURCES:
        for event, rows in [("INSERT", ["NEW"]), ("UPDATE", ["NEW", "OLD"]), ("DELETE", ["OLD"])]:
            inserts = " ".join(
                f"INSERT INTO {QUEUE} (trial_id) VALUES ({row}.{column});" for row in rows
            )
            statements.append(
                f"CREATE TRIGGER {table}_facet_{event.lower()} AFTER {event} ON {table} "
                f"FOR EACH ROW BEGIN {inserts} END"
            )
    return statements


def create_triggers_and_rows(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": _postgresql_forwards, "sqlite": _sqlite_forwards}[vendor]()
    for sql in statements:
        schema_editor.execute(sql)
    # The rows are derived with the same SQL as every later refresh; imported here, not at module
    # level, so that loading the migration graph does not import the app's query code (start-up).
    from trials.facets import refresh_facet_rows

    # No generation row: its table comes with 0014 (which writes the first one).
    refresh_facet_rows(using=schema_editor.connection.alias, new_generation=False)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table, _column in SOURCES:
        for event in ("insert", "update", "delete"):
            suffix = f" ON {table}" if vendor == "postgresql" else ""
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_facet_{event}{suffix}")
        if vendor == "postgresql":
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {table}_facet_queue()")
    if vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS trial_facet_with_sites")


class Migration(migrations.Migration):

    dependencies = [
        ('trials', '0011_trial_list_order_index'),
    ]

    operations = [
        migrations.CreateModel(
            name='TrialFacet',
            fields=[
                ('trial', models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='facet_row', serialize=False, to='trials.trial')),
                ('published_at', models.DateTimeField(null=True)),
                ('status_code', models.SmallIntegerField()),
                ('status_verified', models.DateField(null=True)),
                ('phase_mask', models.IntegerField()),
                ('class_mask', models.BigIntegerField()),
                ('sex_code', models.SmallIntegerField()),
                ('minimum_age_days', models.IntegerField(null=True)),
                ('maximum_age_days', models.IntegerField(null=True)),
                ('cancer_type_ids', trials.models_facets.IdListField(default=list)),
                ('site_ids', trials.models_facets.IdListField(default=list)),
            ],
            options={
                'verbose_name': 'trial facet row',
            },
        ),
        migrations.CreateModel(
            name='TrialFacetQueue',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('trial_id', models.BigIntegerField()),
            ],
            options={
                'verbose_name': 'trial facet refresh queue entry',
            },
        ),
        migrations.RunPython(create_triggers_and_rows, drop_triggers),
    ]
