"""App configuration of trials."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrialsConfig(AppConfig):
    name = "trials"
    verbose_name = _("Clinical trials")

    def ready(self):
        from . import signals  # noqa: F401 (connects the facet-cache invalidation)
