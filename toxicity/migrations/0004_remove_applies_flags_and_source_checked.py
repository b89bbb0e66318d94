"""Drop the old per-family booleans and the source-checked boolean (converted by 0003)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("toxicity", "0003_convert_therapy_codes_and_verification"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="historicalrecommendation",
            name="source_checked",
        ),
        migrations.RemoveField(
            model_name="historicaltoxicity",
            name="applies_bispecific",
        ),
        migrations.RemoveField(
            model_name="historicaltoxicity",
            name="applies_car_t",
        ),
        migrations.RemoveField(
            model_name="historicaltoxicity",
            name="applies_checkpoint",
        ),
        migrations.RemoveField(
            model_name="recommendation",
            name="source_checked",
        ),
        migrations.RemoveField(
            model_name="toxicity",
            name="applies_bispecific",
        ),
        migrations.RemoveField(
            model_name="toxicity",
            name="applies_car_t",
        ),
        migrations.RemoveField(
            model_name="toxicity",
            name="applies_checkpoint",
        ),
    ]
