"""Data: the drug vocabulary grows to the immunotherapies in current trials (CD40 agonists, IL-2/IL-15
variants, peptide/dendritic-cell/mRNA vaccines, TCR-T, bispecific checkpoint antibodies, ADCs as their own
class); curators' synonyms are kept. Run `manage.py recognise_trials` afterwards to follow it."""

from django.db import migrations


def forwards(apps, schema_editor):
    from trials.vocabularies import seed_drugs

    seed_drugs(apps.get_model("trials", "Drug"))


class Migration(migrations.Migration):
    dependencies = [("trials", "0008_copy_drug_links_and_recognised_types")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
