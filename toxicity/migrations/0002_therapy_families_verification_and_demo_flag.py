"""Therapy families from the core vocabulary, honest verification, taper length, DOI, source coverage,
skin scenarios and the demonstration-content flag (new fields; 0003 fills them from the old ones)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("toxicity", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="guidelinesource",
            name="doi",
            field=models.CharField(blank=True, max_length=100, verbose_name="DOI"),
        ),
        migrations.AddField(
            model_name="guidelinesource",
            name="therapy_families",
            field=models.CharField(
                blank=True,
                help_text="Family codes the source covers, separated by |, e.g. |cell-therapy| for a CAR-T-only guideline.",
                max_length=200,
                verbose_name="therapy families covered",
            ),
        ),
        migrations.AddField(
            model_name="historicalrecommendation",
            name="steroid_taper_weeks",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="How long the steroid course lasts at least; 4 or more shows steroid safety.",
                null=True,
                verbose_name="course with taper, weeks (at least)",
            ),
        ),
        migrations.AddField(
            model_name="historicalrecommendation",
            name="verification",
            field=models.CharField(
                choices=[
                    ("source", "checked against the source"),
                    ("reviewer", "reviewed by the clinical reviewer, source text not re-read"),
                    ("to_verify", "to verify"),
                ],
                default="to_verify",
                help_text="“Checked against the source” only where the guideline text (or a faithful excerpt) confirmed it.",
                max_length=12,
                verbose_name="verification",
            ),
        ),
        migrations.AddField(
            model_name="historicaltoxicity",
            name="avoid_drugs",
            field=models.TextField(
                blank=True,
                help_text="One per line, e.g. the drugs that worsen myasthenia.",
                verbose_name="drugs that can make it worse",
            ),
        ),
        migrations.AddField(
            model_name="historicaltoxicity",
            name="is_demo",
            field=models.BooleanField(
                default=False,
                help_text="Set by the demo loader (and by data files marked is_demo). Demonstration content always carries a banner on screen, in print, on the patient card and in the API.",
                verbose_name="demonstration content",
            ),
        ),
        migrations.AddField(
            model_name="historicaltoxicity",
            name="therapy_families",
            field=models.CharField(
                blank=True,
                help_text="Family codes from the immunotherapy vocabulary separated by |, e.g. |cell-therapy|t-cell-engager|.",
                max_length=200,
                verbose_name="applies to (therapy families)",
            ),
        ),
        migrations.AddField(
            model_name="recommendation",
            name="steroid_taper_weeks",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="How long the steroid course lasts at least; 4 or more shows steroid safety.",
                null=True,
                verbose_name="course with taper, weeks (at least)",
            ),
        ),
        migrations.AddField(
            model_name="recommendation",
            name="verification",
            field=models.CharField(
                choices=[
                    ("source", "checked against the source"),
                    ("reviewer", "reviewed by the clinical reviewer, source text not re-read"),
                    ("to_verify", "to verify"),
                ],
                default="to_verify",
                help_text="“Checked against the source” only where the guideline text (or a faithful excerpt) confirmed it.",
                max_length=12,
                verbose_name="verification",
            ),
        ),
        migrations.AddField(
            model_name="toxicity",
            name="avoid_drugs",
            field=models.TextField(
                blank=True,
                help_text="One per line, e.g. the drugs that worsen myasthenia.",
                verbose_name="drugs that can make it worse",
            ),
        ),
        migrations.AddField(
            model_name="toxicity",
            name="is_demo",
            field=models.BooleanField(
                default=False,
                help_text="Set by the demo loader (and by data files marked is_demo). Demonstration content always carries a banner on screen, in print, on the patient card and in the API.",
                verbose_name="demonstration content",
            ),
        ),
        migrations.AddField(
            model_name="toxicity",
            name="therapy_families",
            field=models.CharField(
                blank=True,
                help_text="Family codes from the immunotherapy vocabulary separated by |, e.g. |cell-therapy|t-cell-engager|.",
                max_length=200,
                verbose_name="applies to (therapy families)",
            ),
        ),
        migrations.AlterField(
            model_name="guidelinesource",
            name="evidence_scale",
            field=models.CharField(
                choices=[
                    ("esmo", "ESMO levels I–V and grades A–E"),
                    ("asco", "ASCO evidence quality and strength of recommendation"),
                    ("nccn", "NCCN categories 1, 2A, 2B, 3"),
                    ("esc", "ESC classes of recommendation I–III and levels of evidence A–C"),
                    ("consensus", "Expert consensus"),
                    ("none", "Grading only, no treatment evidence"),
                ],
                max_length=12,
                verbose_name="evidence scale",
            ),
        ),
        migrations.AlterField(
            model_name="guidelinesource",
            name="url",
            field=models.URLField(blank=True, max_length=300, verbose_name="link"),
        ),
        migrations.AlterField(
            model_name="historicalrecommendation",
            name="scenario",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "In all cases"),
                    ("with_crs", "With concurrent CRS"),
                    ("without_crs", "Without concurrent CRS"),
                    ("rash", "Rash without blisters, mucosal or systemic signs"),
                    ("scar", "SJS, TEN or DRESS"),
                ],
                default="",
                max_length=12,
                verbose_name="scenario",
            ),
        ),
        migrations.AlterField(
            model_name="historicalrecommendation",
            name="setting",
            field=models.CharField(
                choices=[
                    ("outpatient", "Outpatient"),
                    ("consider_admission", "Consider admission"),
                    ("admit", "Admit"),
                    ("monitored", "Monitored bed (CCU, telemetry or high care)"),
                    ("icu", "Intensive care"),
                ],
                max_length=20,
                verbose_name="setting",
            ),
        ),
        migrations.AlterField(
            model_name="historicaltoxicity",
            name="higher_risk_classes",
            field=models.CharField(
                blank=True,
                help_text="Immunotherapy class codes separated by |, e.g. |anti-ctla-4|.",
                max_length=200,
                verbose_name="classes with a higher risk",
            ),
        ),
        migrations.AlterField(
            model_name="recommendation",
            name="scenario",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "In all cases"),
                    ("with_crs", "With concurrent CRS"),
                    ("without_crs", "Without concurrent CRS"),
                    ("rash", "Rash without blisters, mucosal or systemic signs"),
                    ("scar", "SJS, TEN or DRESS"),
                ],
                default="",
                max_length=12,
                verbose_name="scenario",
            ),
        ),
        migrations.AlterField(
            model_name="recommendation",
            name="setting",
            field=models.CharField(
                choices=[
                    ("outpatient", "Outpatient"),
                    ("consider_admission", "Consider admission"),
                    ("admit", "Admit"),
                    ("monitored", "Monitored bed (CCU, telemetry or high care)"),
                    ("icu", "Intensive care"),
                ],
                max_length=20,
                verbose_name="setting",
            ),
        ),
        migrations.AlterField(
            model_name="toxicity",
            name="higher_risk_classes",
            field=models.CharField(
                blank=True,
                help_text="Immunotherapy class codes separated by |, e.g. |anti-ctla-4|.",
                max_length=200,
                verbose_name="classes with a higher risk",
            ),
        ),
    ]
