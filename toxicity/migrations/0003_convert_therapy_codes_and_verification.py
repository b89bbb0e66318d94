"""Data migration: the toxicity app's own therapy codes become the core vocabulary's codes.

applies_checkpoint / applies_car_t / applies_bispecific -> therapy_families "|checkpoint-inhibitor|",
"|cell-therapy|", "|t-cell-engager|"; higher_risk_classes "|antictla4|" -> "|anti-ctla-4|" (through
`canonical_class`, which accepts every old spelling); source_checked -> verification ("source" or
"to_verify"); guidelines published by the old demo loader get is_demo. Reversible.
"""

from django.db import migrations, models

from ion_portal.immunotherapy import canonical_class

FAMILY_OF_FLAG = {
    "applies_checkpoint": "checkpoint-inhibitor",
    "applies_car_t": "cell-therapy",
    "applies_bispecific": "t-cell-engager",
}


def _join(codes):
    return f"|{'|'.join(codes)}|" if codes else ""


def _split(text):
    return [code for code in (text or "").split("|") if code]


def forwards(apps, schema_editor):
    Toxicity = apps.get_model("toxicity", "Toxicity")
    Recommendation = apps.get_model("toxicity", "Recommendation")
    for toxicity in Toxicity.objects.all():
        families = [family for flag, family in FAMILY_OF_FLAG.items() if getattr(toxicity, flag)]
        classes = []
        for code in _split(toxicity.higher_risk_classes):
            canonical = canonical_class(code)
            if canonical and canonical not in classes:
                classes.append(canonical)
        Toxicity.objects.filter(pk=toxicity.pk).update(
            therapy_families=_join(families), higher_risk_classes=_join(classes)
        )
    # Guidelines the old demo loader published (demo reviewer, "-demo" version) are demonstration
    # content: mark them so they carry the banner from now on.
    Toxicity.objects.filter(
        models.Q(reviewer__is_demo=True) | models.Q(version__endswith="-demo")
    ).update(is_demo=True)
    Recommendation.objects.filter(source_checked=True).update(verification="source")
    Recommendation.objects.filter(source_checked=False).update(verification="to_verify")


def backwards(apps, schema_editor):
    Toxicity = apps.get_model("toxicity", "Toxicity")
    Recommendation = apps.get_model("toxicity", "Recommendation")
    for toxicity in Toxicity.objects.all():
        families = set(_split(toxicity.therapy_families))
        old_keys = [code.replace("-", "") for code in _split(toxicity.higher_risk_classes)]
        Toxicity.objects.filter(pk=toxicity.pk).update(
            higher_risk_classes=_join(old_keys),
            **{flag: family in families for flag, family in FAMILY_OF_FLAG.items()},
        )
    Recommendation.objects.update(source_checked=False)
    Recommendation.objects.filter(verification="source").update(source_checked=True)


class Migration(migrations.Migration):
    dependencies = [
        ("toxicity", "0002_therapy_families_verification_and_demo_flag"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
