"""Seed the collaborations vocabularies (techniques, sample types, compatibility, data types,
timepoints, access conditions)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from collaborations.vocabularies import seed_collaboration_vocabularies

    seed_collaboration_vocabularies(
        *(
            apps.get_model("collaborations", name)
            for name in (
                "Technique",
                "SampleType",
                "TechniqueSampleType",
                "DataType",
                "Timepoint",
                "AccessCondition",
            )
        )
    )


class Migration(migrations.Migration):
    dependencies = [("collaborations", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
