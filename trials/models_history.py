"""Models of the live registry: each sync run with ClinicalTrials.gov, and the upstream change history of
a trial (status, dates, enrolment, sites, arms), written when a refresh changes one of those."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SyncRun(models.Model):
    """One run of `sync_ctgov`: what it asked ClinicalTrials.gov and what changed."""

    class Outcome(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.RUNNING
    )
    since = models.DateField(
        _("changed upstream since"),
        null=True,
        blank=True,
        help_text=_("The last-update date asked for; empty: every imported trial was checked."),
    )
    triggered_by = models.CharField(_("started by"), max_length=200, blank=True)
    checked = models.PositiveIntegerField(_("trials checked"), default=0)
    changed_upstream = models.PositiveIntegerField(_("records changed upstream"), default=0)
    updated = models.PositiveIntegerField(_("trials updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    failed = models.PositiveIntegerField(_("failed"), default=0)
    requests = models.PositiveIntegerField(_("API requests"), default=0)
    changes = models.PositiveIntegerField(_("changes recorded"), default=0)
    report = models.TextField(_("report"), blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("ClinicalTrials.gov sync run")
        verbose_name_plural = _("ClinicalTrials.gov sync runs")

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.get_outcome_display()}"

    def summary(self) -> str:
        return (
            f"{self.checked} checked, {self.changed_upstream} changed upstream, {self.updated} "
            f"updated, {self.unchanged} unchanged, {self.failed} failed, {self.changes} changes "
            f"recorded, {self.requests} requests"
        )


class TrialChangeQuerySet(models.QuerySet):
    def published(self):
        """Changes of published trials (the feed and the trial page)."""
        # trials.models imports this module (cycle).
        from .models import Trial

        return self.filter(trial__in=Trial.objects.published())


class TrialChange(models.Model):
    """A change of one tracked field of a trial's upstream record, as seen by a refresh."""

    class Field(models.TextChoices):
        STATUS = "overall_status", _("Overall status")
        START_DATE = "start_date", _("Start date")
        PRIMARY_COMPLETION_DATE = "primary_completion_date", _("Primary completion")
        COMPLETION_DATE = "completion_date", _("Study completion")
        ENROLLMENT = "enrollment", _("Enrolment")
        SITES = "sites", _("Sites")
        ARMS = "arms", _("Arms")

    trial = models.ForeignKey(
        "trials.Trial", verbose_name=_("trial"), on_delete=models.CASCADE, related_name="changes"
    )
    field = models.CharField(_("field"), max_length=30, choices=Field.choices)
    old_value = models.TextField(_("before"), blank=True)
    new_value = models.TextField(_("after"), blank=True)
    detail = models.TextField(_("detail"), blank=True)
    changed_on = models.DateField(
        _("changed upstream on"),
        null=True,
        blank=True,
        help_text=_("The record's last-update-posted date on ClinicalTrials.gov."),
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    sync_run = models.ForeignKey(
        SyncRun,
        verbose_name=_("sync run"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="trial_changes",
    )

    objects = TrialChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        verbose_name = _("trial change")
        verbose_name_plural = _("trial changes")
        indexes = [models.Index(fields=["trial", "field", "-recorded_at"], name="trialchange_idx")]

    def __str__(self):
        return f"{self.trial_id} {self.field}: {self.old_value} → {self.new_value}"

    def value_display(self, value: str) -> str:
        """A stored value in words (status codes as their labels)."""
        if self.field == self.Field.STATUS and value:
            # trials.models imports this module (cycle).
            from .models import OverallStatus

            return str(OverallStatus(value).label) if value in OverallStatus.values else value
        return value

    @property
    def old_display(self) -> str:
        return self.value_display(self.old_value)

    @property
    def new_display(self) -> str:
        return self.value_display(self.new_value)
