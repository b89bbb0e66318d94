# The generation of the facet rows (trials/models_facets.py TrialFacetGeneration): bumped with every
# change of the rows, so that each process knows whether its in-memory copy (trials/facet_index.py)
# is current. Its one row names the rows as they are now.

import uuid

from django.db import migrations, models


def first_generation(apps, schema_editor):
    generation = apps.get_model("trials", "TrialFacetGeneration")
    generation.objects.using(schema_editor.connection.alias).create(token=uuid.uuid4().hex)


class Migration(migrations.Migration):

    dependencies = [
        ("trials", "0013_trial_published_order_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="TrialFacetGeneration",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("token", models.CharField(max_length=32)),
                ("changed_at", models.DateTimeField(auto_now=True)),
            ],
            options={"verbose_name": "trial facet generation"},
        ),
        migrations.RunPython(first_generation, migrations.RunPython.noop),
    ]
