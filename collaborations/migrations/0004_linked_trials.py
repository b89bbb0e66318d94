"""Linked trials become a relation to trials.Trial; NCT IDs of trials not in the registry stay as text
(`linked_nct_ids` is renamed `other_nct_ids` and keeps only those)."""

import re

from django.db import migrations, models

import collaborations.models


def _parse(text):
    found = []
    for token in re.split(r"[\s,;]+", text or ""):
        token = token.strip().upper()
        if token and token not in found:
            found.append(token)
    return found


def forwards(apps, schema_editor):
    SampleCollection = apps.get_model("collaborations", "SampleCollection")
    Trial = apps.get_model("trials", "Trial")
    for collection in SampleCollection.objects.exclude(other_nct_ids=""):
        wanted = _parse(collection.other_nct_ids)
        known = list(Trial.objects.filter(nct_id__in=wanted))
        collection.linked_trials.set(known)
        found = {trial.nct_id for trial in known}
        collection.other_nct_ids = ", ".join(n for n in wanted if n not in found)
        collection.save(update_fields=["other_nct_ids"])


def backwards(apps, schema_editor):
    SampleCollection = apps.get_model("collaborations", "SampleCollection")
    for collection in SampleCollection.objects.prefetch_related("linked_trials"):
        linked = sorted(trial.nct_id for trial in collection.linked_trials.all())
        others = [n for n in _parse(collection.other_nct_ids) if n not in linked]
        collection.other_nct_ids = ", ".join(linked + others)
        collection.save(update_fields=["other_nct_ids"])


class Migration(migrations.Migration):
    dependencies = [
        ("collaborations", "0003_therapy_classes_core_codes"),
        ("trials", "0004_immunotherapy_class_vocabulary"),
    ]

    operations = [
        migrations.RenameField(
            model_name="samplecollection", old_name="linked_nct_ids", new_name="other_nct_ids"
        ),
        migrations.AlterField(
            model_name="samplecollection",
            name="other_nct_ids",
            field=models.TextField(
                blank=True,
                help_text=(
                    "Trials not in the registry: NCT IDs separated by commas or new lines, "
                    "e.g. NCT01234567."
                ),
                validators=[collaborations.models.validate_nct_ids],
                verbose_name="other linked trials (NCT IDs)",
            ),
        ),
        migrations.AddField(
            model_name="samplecollection",
            name="linked_trials",
            field=models.ManyToManyField(
                blank=True,
                help_text="Trials of the registry the samples come from.",
                related_name="sample_collections",
                to="trials.trial",
                verbose_name="linked trials",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
