"""Trial alerts: anyone subscribes by e-mail to a search of the registry (double opt-in) and gets a
daily or weekly digest of new trials and status changes that match (see trials/alerts.py)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ion_portal.alerts import Frequency


class TrialAlertQuerySet(models.QuerySet):
    def active(self):
        """Confirmed and not unsubscribed: the alerts that get digests."""
        return self.filter(is_active=True, confirmed_at__isnull=False)


class TrialAlert(models.Model):
    """An e-mail subscription to a search of the trial list."""

    email = models.EmailField(_("e-mail address"))
    query = models.JSONField(_("search"), default=dict, blank=True)
    frequency = models.CharField(
        _("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY
    )
    language = models.CharField(_("language"), max_length=10, default="en")
    created_at = models.DateTimeField(_("subscribed"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    last_sent_at = models.DateTimeField(_("last checked"), null=True, blank=True)

    objects = TrialAlertQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("trial alert")
        verbose_name_plural = _("trial alerts")

    def __str__(self):
        return f"{self.email}: {self.query}"
