"""Structured eligibility criteria of a trial: what the extractor proposes from the registered eligibility
text and what the network's curators confirm. Only confirmed criteria are used for matching and shown to
partners; proposed ones are "not yet reviewed".

Each criterion keeps the exact sentence it came from and its character offsets into
`Trial.eligibility_criteria`, so the curator review can highlight it and a re-import can tell whether the
sentence changed. The `value` keys per kind are documented in docs/criteria.md.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .criteria.display import value_display


class CriterionSection(models.TextChoices):
    INCLUSION = "inclusion", _("Inclusion")
    EXCLUSION = "exclusion", _("Exclusion")


class CriterionKind(models.TextChoices):
    AGE = "age", _("Age")
    SEX = "sex", _("Sex")
    ECOG = "ecog", _("ECOG performance status")
    CANCER_TYPE = "cancer_type", _("Cancer type")
    SETTING = "setting", _("Setting")
    PRIOR_LINES = "prior_lines", _("Number of prior lines")
    PRIOR_IMMUNOTHERAPY = "prior_immunotherapy", _("Prior immunotherapy")
    BRAIN_METASTASES = "brain_metastases", _("Brain metastases")
    AUTOIMMUNE_DISEASE = "autoimmune_disease", _("Active autoimmune disease")
    STEROIDS = "steroids", _("Systemic steroids")
    HIV = "hiv", _("HIV")
    HBV = "hbv", _("Hepatitis B")
    HCV = "hcv", _("Hepatitis C")
    ANC = "anc", _("Absolute neutrophil count")
    PLATELETS = "platelets", _("Platelets")
    HAEMOGLOBIN = "haemoglobin", _("Haemoglobin")
    CREATININE = "creatinine", _("Serum creatinine")
    CREATININE_CLEARANCE = "creatinine_clearance", _("Creatinine clearance")
    BILIRUBIN = "bilirubin", _("Bilirubin")
    AST_ALT = "ast_alt", _("AST/ALT")
    MEASURABLE_DISEASE = "measurable_disease", _("Measurable disease (RECIST)")
    PD_L1_TPS = "pd_l1_tps", _("PD-L1 TPS")
    PD_L1_CPS = "pd_l1_cps", _("PD-L1 CPS")
    MSI_H_DMMR = "msi_h_dmmr", _("MSI-H / dMMR")
    TMB = "tmb", _("Tumour mutational burden")
    EGFR = "egfr", _("EGFR mutation")
    ALK = "alk", _("ALK rearrangement")
    ROS1 = "ros1", _("ROS1 rearrangement")
    BRAF_V600 = "braf_v600", _("BRAF V600 mutation")
    KRAS_G12C = "kras_g12c", _("KRAS G12C mutation")
    HER2 = "her2", _("HER2")
    PREGNANCY = "pregnancy", _("Pregnancy or breastfeeding")


class CriterionOperator(models.TextChoices):
    RANGE = "range", _("within range")
    EQ = "eq", _("equals")
    IN = "in", _("one of")
    MIN = "min", _("at least")
    MAX = "max", _("at most")
    REQUIRED = "required", _("required")
    ALLOWED = "allowed", _("allowed")
    EXCLUDED = "excluded", _("excluded")
    ALLOWED_IF_TREATED = "allowed_if_treated", _("allowed if treated and stable")
    ALLOWED_IF_CONTROLLED = "allowed_if_controlled", _("allowed if controlled")


class CriterionStatus(models.TextChoices):
    PROPOSED = "proposed", _("Not yet reviewed")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


class EligibilityCriterionQuerySet(models.QuerySet):
    def confirmed(self):
        """Criteria a curator confirmed: the only ones matching and the API use."""
        return self.filter(status=CriterionStatus.CONFIRMED)

    def proposed(self):
        return self.filter(status=CriterionStatus.PROPOSED)


class EligibilityCriterion(models.Model):
    """One structured criterion of a trial, with the sentence of the eligibility text it came from."""

    Section = CriterionSection
    Kind = CriterionKind
    Operator = CriterionOperator
    Status = CriterionStatus

    trial = models.ForeignKey(
        "trials.Trial", verbose_name=_("trial"), on_delete=models.CASCADE, related_name="criteria"
    )
    section = models.CharField(_("section"), max_length=10, choices=CriterionSection.choices)
    kind = models.CharField(_("kind"), max_length=30, choices=CriterionKind.choices, db_index=True)
    operator = models.CharField(_("operator"), max_length=30, choices=CriterionOperator.choices)
    value = models.JSONField(
        _("value"),
        default=dict,
        blank=True,
        help_text=_("The criterion's values, keys by kind (see docs/criteria.md)."),
    )
    source_sentence = models.TextField(_("source sentence"), blank=True)
    source_start = models.PositiveIntegerField(_("source start"), null=True, blank=True)
    source_end = models.PositiveIntegerField(_("source end"), null=True, blank=True)
    status = models.CharField(
        _("review status"),
        max_length=10,
        choices=CriterionStatus.choices,
        default=CriterionStatus.PROPOSED,
        db_index=True,
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    source_changed = models.BooleanField(
        _("source sentence changed"),
        default=False,
        help_text=_(
            "Set by a re-import when the sentence changed or disappeared: to review again."
        ),
    )
    extractor_version = models.CharField(_("extractor version"), max_length=20, blank=True)
    curator_note = models.TextField(_("curator note"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = EligibilityCriterionQuerySet.as_manager()

    class Meta:
        ordering = ["trial", "section", "source_start", "kind"]
        verbose_name = _("eligibility criterion")
        verbose_name_plural = _("eligibility criteria")
        indexes = [
            models.Index(fields=["trial", "status"], name="criterion_trial_status_idx"),
            models.Index(fields=["kind", "status"], name="criterion_kind_status_idx"),
        ]

    def __str__(self):
        return f"{self.trial_id} {self.get_section_display()}: {self.get_kind_display()}"

    def confirm(self, user) -> None:
        """Mark as confirmed by `user` now (also clears the re-import flag). Saves."""
        self.status = CriterionStatus.CONFIRMED
        self.confirmed_by = user
        self.confirmed_at = timezone.now()
        self.source_changed = False
        self.save()

    def reject(self, user=None) -> None:
        self.status = CriterionStatus.REJECTED
        self.confirmed_by = user
        self.confirmed_at = timezone.now()
        self.save()

    @property
    def is_reviewed(self) -> bool:
        return self.status != CriterionStatus.PROPOSED

    def value_display(self) -> str:
        """A short readable form of operator and value ("≥ 1.5 10^9/L", "0-1", "excluded")."""

        return value_display(self)
