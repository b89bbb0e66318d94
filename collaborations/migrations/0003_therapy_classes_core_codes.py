"""Therapy classes stored as the core vocabulary's codes (ion_portal/immunotherapy.py): `anti_pd1` becomes
`anti-pd-1` in platforms, sample collections and saved searches (their `therapy_class` filter)."""

from django.db import migrations, models

import collaborations.models

# Frozen here so the migration keeps its meaning if the vocabulary grows: collaborations' own
# TherapyClass codes before this migration -> the core codes.
OLD_TO_NEW = {
    "anti_pd1": "anti-pd-1",
    "anti_pdl1": "anti-pd-l1",
    "anti_ctla4": "anti-ctla-4",
    "anti_lag3": "anti-lag-3",
    "car_t": "car-t",
    "til": "til",
    "bispecific": "bispecific",
    "vaccine": "vaccine",
    "oncolytic_virus": "oncolytic-virus",
    "cytokine": "cytokine",
    "other": "other",
}
NEW_TO_OLD = {new: old for old, new in OLD_TO_NEW.items()}


def _convert(codes, mapping, fallback):
    converted = [mapping.get(code, fallback(code)) for code in codes or []]
    return list(dict.fromkeys(code for code in converted if code))


def _to_new(code):
    # A code outside the old list (typed into the JSON field by hand): read it as any accepted spelling.
    from ion_portal.immunotherapy import canonical_class

    return canonical_class(code) or "other"


def _to_old(code):
    return "other"


def _migrate(apps, mapping, fallback):
    for name in ("Platform", "SampleCollection"):
        model = apps.get_model("collaborations", name)
        for obj in model.objects.only("pk", "therapy_classes"):
            codes = _convert(obj.therapy_classes, mapping, fallback)
            if codes != obj.therapy_classes:
                model.objects.filter(pk=obj.pk).update(therapy_classes=codes)
    SavedSearch = apps.get_model("collaborations", "SavedSearch")
    for search in SavedSearch.objects.all().only("pk", "query"):
        query = dict(search.query or {})
        if "therapy_class" not in query:
            continue
        values = query["therapy_class"]
        values = values if isinstance(values, list) else [values]
        query["therapy_class"] = _convert(values, mapping, lambda code: code)
        if query != search.query:
            SavedSearch.objects.filter(pk=search.pk).update(query=query)


def forwards(apps, schema_editor):
    _migrate(apps, OLD_TO_NEW, _to_new)


def backwards(apps, schema_editor):
    _migrate(apps, NEW_TO_OLD, _to_old)


class Migration(migrations.Migration):
    dependencies = [
        ("collaborations", "0002_seed_vocabularies"),
    ]

    operations = [
        migrations.AlterField(
            model_name="platform",
            name="therapy_classes",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="Codes such as anti-pd-1, anti-ctla-4, car-t.",
                validators=[collaborations.models.validate_therapy_classes],
                verbose_name="therapy classes of interest",
            ),
        ),
        migrations.AlterField(
            model_name="samplecollection",
            name="therapy_classes",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="Codes such as anti-pd-1, anti-ctla-4, car-t.",
                validators=[collaborations.models.validate_therapy_classes],
                verbose_name="therapy classes",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
