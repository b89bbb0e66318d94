"""Data: each intervention's drug (the old one-drug link) becomes its first `drugs` link; the cancer
types linked so far were linked by recognition (add-only), so they are recorded as recognised and the
next recognition run may correct them (e.g. drop small cell lung cancer from an NSCLC trial)."""

from django.db import migrations


def forwards(apps, schema_editor):
    Intervention = apps.get_model("trials", "Intervention")
    Trial = apps.get_model("trials", "Trial")
    through = Intervention.drugs.through
    through.objects.bulk_create(
        [
            through(intervention_id=pk, drug_id=drug_id)
            for pk, drug_id in Intervention.objects.exclude(drug=None).values_list("pk", "drug_id")
        ],
        ignore_conflicts=True,
    )
    links: dict[int, list[int]] = {}
    for trial_id, ct_id in Trial.cancer_types.through.objects.values_list("trial_id", "cancertype_id"):
        links.setdefault(trial_id, []).append(ct_id)
    for trial_id, ids in links.items():
        Trial.objects.filter(pk=trial_id).update(recognised_cancer_types=sorted(ids))


class Migration(migrations.Migration):
    dependencies = [("trials", "0007_locations_arms_scope_and_drug_links")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
