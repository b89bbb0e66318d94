"""App configuration of toxicity."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ToxicityConfig(AppConfig):
    name = "toxicity"
    verbose_name = _("Immune-related adverse events")

    def ready(self):
        from toxicity import checks  # noqa: F401 (registers the system checks)
