"""Recognise "Lung Non-Small Cell Carcinoma" (a common ClinicalTrials.gov condition) as NSCLC."""

from django.db import migrations

ADDED = ["non-small cell", "non-small-cell"]


def forwards(apps, schema_editor):
    CancerType = apps.get_model("ion_portal", "CancerType")
    for cancer_type in CancerType.objects.filter(name="Non-small cell lung cancer"):
        synonyms = [line.strip() for line in cancer_type.synonyms.splitlines() if line.strip()]
        missing = [term for term in ADDED if term.lower() not in {s.lower() for s in synonyms}]
        if missing:
            cancer_type.synonyms = "\n".join(synonyms + missing)
            cancer_type.save(update_fields=["synonyms"])


class Migration(migrations.Migration):
    dependencies = [("ion_portal", "0003_site_name")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
