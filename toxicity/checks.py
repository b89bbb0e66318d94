"""System checks of the toxicity app: the patient card's 24/7 number must be set in production."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def hospital_phone_is_set(app_configs=None, **kwargs):
    """`check --deploy`: with debug off, HOSPITAL_24_7_PHONE has no default and must be set."""
    if settings.DEBUG or settings.HOSPITAL_24_7_PHONE.strip():
        return []
    return [
        Error(
            "HOSPITAL_24_7_PHONE is not set: patient alert cards would print no 24/7 number.",
            hint="Set HOSPITAL_24_7_PHONE to the hospital's 24/7 oncology number, in the "
            "international format the card prints (+32 …).",
            id="toxicity.E001",
        )
    ]
