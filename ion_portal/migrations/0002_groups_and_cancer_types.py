"""Create the Members, Curators and Partners groups and seed the cancer-type vocabulary."""

from django.db import migrations


def forwards(apps, schema_editor):
    from ion_portal.vocabularies import seed_core_vocabularies

    seed_core_vocabularies(apps.get_model("auth", "Group"), apps.get_model("ion_portal", "CancerType"))


class Migration(migrations.Migration):
    dependencies = [("ion_portal", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
