# ruff: noqa: RUF001, RUF003 -- en dashes and µ are intended in clinical ranges (1–2 mg/kg).
"""Models of the toxicity app: organ systems, toxicities, grading schemes and their grades, guideline
sources, per-grade recommendations, CTCAE v5.0 terms, the task force, its on-call rota and consults."""

from __future__ import annotations

import re
import unicodedata

from django.conf import settings
from django.db import models
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ion_portal.immunotherapy import (
    ImmunotherapyClass,
    TherapyFamily,
    canonical_class,
    class_key,
    class_label,
    classes_in_family,
    family_of,
)
from ion_portal.models import Person, Publishable, PublishableQuerySet

GRADES = [
    (1, _("Grade 1")),
    (2, _("Grade 2")),
    (3, _("Grade 3")),
    (4, _("Grade 4")),
    (5, _("Grade 5")),
]

# --- Search normalisation ---------------------------------------------------------------------------
# British and American spellings meet in one form: "diarrhoea" and "diarrhea" both become "diarrhea",
# "oedema" becomes "edema", "haemorrhage" "hemorrhage", "anaemia" "anemia", "-isation" "-ization".
_SPELLING_RULES = [
    (re.compile(r"oe"), "e"),
    (re.compile(r"ae"), "e"),
    (re.compile(r"isation"), "ization"),
    (re.compile(r"ise\b"), "ize"),
    (re.compile(r"yse\b"), "yze"),
    (re.compile(r"our\b"), "or"),
    (re.compile(r"tre\b"), "ter"),
]


def normalise(text: str) -> str:
    """Lower case, accents removed, punctuation to spaces and British spellings made American."""
    text = (text or "").replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae").replace("Æ", "ae")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char)).lower()
    text = re.sub(r"[^a-z0-9]+", " ", text)
    for pattern, replacement in _SPELLING_RULES:
        text = pattern.sub(replacement, text)
    return " ".join(text.split())


# --- Vocabulary -----------------------------------------------------------------------------------
# Therapy families and classes come from the network's one vocabulary (ion_portal.immunotherapy). A
# toxicity stores the family codes it applies to, and the class codes with a higher risk, each as
# "|code|code|" so one LIKE query finds them on SQLite and PostgreSQL alike.


def codes_to_text(codes) -> str:
    """["checkpoint-inhibitor"] -> "|checkpoint-inhibitor|"; empty list -> ""."""
    codes = [code for code in codes if code]
    return f"|{'|'.join(codes)}|" if codes else ""


def text_to_codes(text: str) -> list[str]:
    return [code for code in (text or "").split("|") if code]


# The patient alert card's drug list: generic name and its class in the core vocabulary (the class's
# family decides which warning signs the card prints, e.g. the CAR-T signs and the driving ban).
PATIENT_CARD_DRUGS: list[tuple[str, str]] = [
    ("pembrolizumab", ImmunotherapyClass.ANTI_PD1),
    ("nivolumab", ImmunotherapyClass.ANTI_PD1),
    ("cemiplimab", ImmunotherapyClass.ANTI_PD1),
    ("dostarlimab", ImmunotherapyClass.ANTI_PD1),
    ("tislelizumab", ImmunotherapyClass.ANTI_PD1),
    ("atezolizumab", ImmunotherapyClass.ANTI_PDL1),
    ("durvalumab", ImmunotherapyClass.ANTI_PDL1),
    ("avelumab", ImmunotherapyClass.ANTI_PDL1),
    ("ipilimumab", ImmunotherapyClass.ANTI_CTLA4),
    ("tremelimumab", ImmunotherapyClass.ANTI_CTLA4),
    ("relatlimab", ImmunotherapyClass.ANTI_LAG3),
    ("axicabtagene ciloleucel", ImmunotherapyClass.CAR_T),
    ("tisagenlecleucel", ImmunotherapyClass.CAR_T),
    ("lisocabtagene maraleucel", ImmunotherapyClass.CAR_T),
    ("brexucabtagene autoleucel", ImmunotherapyClass.CAR_T),
    ("idecabtagene vicleucel", ImmunotherapyClass.CAR_T),
    ("ciltacabtagene autoleucel", ImmunotherapyClass.CAR_T),
    ("blinatumomab", ImmunotherapyClass.BISPECIFIC),
    ("teclistamab", ImmunotherapyClass.BISPECIFIC),
    ("elranatamab", ImmunotherapyClass.BISPECIFIC),
    ("talquetamab", ImmunotherapyClass.BISPECIFIC),
    ("epcoritamab", ImmunotherapyClass.BISPECIFIC),
    ("glofitamab", ImmunotherapyClass.BISPECIFIC),
    ("mosunetuzumab", ImmunotherapyClass.BISPECIFIC),
    ("tarlatamab", ImmunotherapyClass.BISPECIFIC),
]


class Specialty(models.TextChoices):
    ONCOLOGY = "oncology", _("Medical oncology")
    GASTROENTEROLOGY = "gastroenterology", _("Gastroenterology and hepatology")
    PULMONOLOGY = "pulmonology", _("Pulmonology")
    DERMATOLOGY = "dermatology", _("Dermatology")
    ENDOCRINOLOGY = "endocrinology", _("Endocrinology")
    NEPHROLOGY = "nephrology", _("Nephrology")
    CARDIOLOGY = "cardiology", _("Cardio-oncology")
    NEUROLOGY = "neurology", _("Neurology")
    RHEUMATOLOGY = "rheumatology", _("Rheumatology")
    OPHTHALMOLOGY = "ophthalmology", _("Ophthalmology")
    HAEMATOLOGY = "haematology", _("Haematology (CAR-T)")
    INTENSIVE_CARE = "intensive_care", _("Intensive care")


# --- Organ systems and sources ---------------------------------------------------------------------
class OrganSystem(models.Model):
    """A body system grouping toxicities on the index grid (gastrointestinal, endocrine, ...)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.CharField(_("description"), max_length=255, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("organ system")
        verbose_name_plural = _("organ systems")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("toxicity:index") + f"?organ={self.slug}"


class GuidelineSource(models.Model):
    """One edition of a guideline (ESMO 2022, ASCO 2021, ...) or the local task-force consensus."""

    class EvidenceScale(models.TextChoices):
        ESMO = "esmo", _("ESMO levels I–V and grades A–E")
        ASCO = "asco", _("ASCO evidence quality and strength of recommendation")
        NCCN = "nccn", _("NCCN categories 1, 2A, 2B, 3")
        ESC = "esc", _("ESC classes of recommendation I–III and levels of evidence A–C")
        CONSENSUS = "consensus", _("Expert consensus")
        NONE = "none", _("Grading only, no treatment evidence")

    key = models.SlugField(_("key"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(
        _("short name"), max_length=40, help_text=_("For tables, e.g. ASCO 2021.")
    )
    edition = models.CharField(_("edition"), max_length=100)
    year = models.PositiveSmallIntegerField(_("year"))
    citation = models.TextField(_("citation"))
    doi = models.CharField(_("DOI"), max_length=100, blank=True)
    url = models.URLField(_("link"), max_length=300, blank=True)
    therapy_families = models.CharField(
        _("therapy families covered"),
        max_length=200,
        blank=True,
        help_text=_(
            "Family codes the source covers, separated by |, e.g. |cell-therapy| for a CAR-T-only "
            "guideline."
        ),
    )
    evidence_scale = models.CharField(
        _("evidence scale"), max_length=12, choices=EvidenceScale.choices
    )
    is_local_consensus = models.BooleanField(
        _("local task-force consensus"),
        default=False,
        help_text=_("The network's own recommendation, shown first on every guideline page."),
    )

    class Meta:
        ordering = ["-is_local_consensus", "name", "-year"]
        verbose_name = _("guideline source")
        verbose_name_plural = _("guideline sources")

    def __str__(self):
        return f"{self.name} ({self.edition})"

    @property
    def link(self) -> str:
        """The DOI as a resolvable address, else the stable URL."""
        return f"https://doi.org/{self.doi}" if self.doi else self.url

    @property
    def family_list(self) -> list[str]:
        return text_to_codes(self.therapy_families)

    @property
    def states_levels(self) -> bool:
        """The source grades its recommendations with its own levels (so a row is never just
        "consensus" when it rests on this source)."""
        return self.evidence_scale in {
            self.EvidenceScale.ESMO,
            self.EvidenceScale.ASCO,
            self.EvidenceScale.NCCN,
            self.EvidenceScale.ESC,
        }


# --- Grading --------------------------------------------------------------------------------------
class CtcaeTerm(models.Model):
    """One term of NCI CTCAE v5.0 (public domain), imported by `manage.py import_ctcae`."""

    meddra_code = models.CharField(_("MedDRA code"), max_length=12, unique=True)
    soc = models.CharField(_("MedDRA system organ class"), max_length=120, db_index=True)
    term = models.CharField(_("CTCAE term"), max_length=200)
    grade_1 = models.TextField(_("grade 1"), blank=True)
    grade_2 = models.TextField(_("grade 2"), blank=True)
    grade_3 = models.TextField(_("grade 3"), blank=True)
    grade_4 = models.TextField(_("grade 4"), blank=True)
    grade_5 = models.TextField(_("grade 5"), blank=True)
    definition = models.TextField(_("definition"), blank=True)
    navigational_note = models.TextField(_("navigational note"), blank=True)
    change = models.TextField(_("change from v4.03"), blank=True)
    version = models.CharField(_("CTCAE version"), max_length=10, default="5.0")

    class Meta:
        ordering = ["soc", "term"]
        verbose_name = _("CTCAE term")
        verbose_name_plural = _("CTCAE terms")

    def __str__(self):
        return f"{self.term} ({self.meddra_code})"


class GradingScheme(models.Model):
    """How a toxicity is graded: CTCAE v5.0, a guideline's own definitions, or ASTCT 2019."""

    class System(models.TextChoices):
        CTCAE = "ctcae5", _("CTCAE v5.0")
        GUIDELINE = "guideline", _("Guideline-specific definitions")
        ASTCT = "astct2019", _("ASTCT consensus 2019")

    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=200)
    system = models.CharField(_("system"), max_length=12, choices=System.choices)
    source = models.ForeignKey(
        GuidelineSource,
        verbose_name=_("source"),
        on_delete=models.PROTECT,
        related_name="grading_schemes",
    )
    ctcae_terms = models.CharField(
        _("CTCAE terms used"),
        max_length=255,
        blank=True,
        help_text=_("The CTCAE v5.0 terms (and MedDRA codes) the grades are based on, if any."),
    )
    notes = models.TextField(
        _("notes"), blank=True, help_text=_("Rules for grading, e.g. the ICE score.")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("grading scheme")
        verbose_name_plural = _("grading schemes")

    def __str__(self):
        return self.name


class GradeDefinition(models.Model):
    """What one grade means in one scheme."""

    scheme = models.ForeignKey(
        GradingScheme, verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="grades"
    )
    grade = models.PositiveSmallIntegerField(_("grade"), choices=GRADES)
    definition = models.TextField(_("definition"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["scheme", "grade"]
        verbose_name = _("grade definition")
        verbose_name_plural = _("grade definitions")
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "grade"], name="toxicity_one_definition_per_grade"
            ),
            models.CheckConstraint(
                condition=Q(grade__gte=1, grade__lte=5), name="toxicity_grade_1_to_5"
            ),
        ]

    def __str__(self):
        return f"{self.scheme} — {self.get_grade_display()}"


# --- Toxicity -------------------------------------------------------------------------------------
class ToxicityQuerySet(PublishableQuerySet):
    def for_therapy_class(self, code: str):
        """Toxicities of an immunotherapy class ('anti-PD-1', 'CAR-T', ...); classes with a higher
        risk for a toxicity (anti-CTLA-4 for colitis) come first."""
        family, canonical = family_of(code), canonical_class(code)
        if family is None:
            return self.none()
        return (
            self.filter(therapy_families__contains=f"|{family}|")
            .annotate(
                higher_risk=models.Case(
                    models.When(higher_risk_classes__contains=f"|{canonical}|", then=True),
                    default=False,
                    output_field=models.BooleanField(),
                )
            )
            .order_by("-higher_risk", "organ_system__order", "name")
        )

    def search(self, query: str):
        """Toxicities found for `query` in patients', nurses' or clinicians' words, best first (the
        rules live in toxicity/search/)."""
        from toxicity.search import search  # the search module imports this one

        pks = [hit.toxicity.pk for hit in search(query, queryset=self)]
        if not pks:
            return self.none()
        rank = models.Case(*(models.When(pk=pk, then=i) for i, pk in enumerate(pks)))
        return self.filter(pk__in=pks).order_by(rank)

    def with_guideline(self):
        """Everything a guideline page or the API shows, in a fixed number of queries."""
        return self.select_related(
            "organ_system", "grading_scheme__source", "reviewer"
        ).prefetch_related(
            "grading_scheme__grades",
            Prefetch(
                "recommendations",
                queryset=Recommendation.objects.select_related("source").prefetch_related(
                    "based_on"
                ),
            ),
        )


class Toxicity(Publishable):
    """An immune-related adverse event with its grading, work-up and per-grade recommendations."""

    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    organ_system = models.ForeignKey(
        OrganSystem,
        verbose_name=_("organ system"),
        on_delete=models.PROTECT,
        related_name="toxicities",
    )
    summary = models.TextField(_("summary"), blank=True)
    aliases = models.TextField(
        _("aliases"),
        blank=True,
        help_text=_("Other names, spellings and lay words, one per line; used by search."),
    )
    symptoms = models.TextField(
        _("symptoms"), blank=True, help_text=_("Presenting symptoms, one per line; used by search.")
    )
    ctcae_term = models.CharField(
        _("CTCAE v5.0 term"),
        max_length=200,
        blank=True,
        help_text=_("Empty where CTCAE v5.0 has no term for it (e.g. immune hepatitis)."),
    )
    meddra_code = models.CharField(_("MedDRA code"), max_length=50, blank=True)
    grading_scheme = models.ForeignKey(
        GradingScheme,
        verbose_name=_("grading scheme"),
        on_delete=models.PROTECT,
        related_name="toxicities",
    )
    therapy_families = models.CharField(
        _("applies to (therapy families)"),
        max_length=200,
        blank=True,
        help_text=_(
            "Family codes from the immunotherapy vocabulary separated by |, e.g. "
            "|cell-therapy|t-cell-engager|."
        ),
    )
    higher_risk_classes = models.CharField(
        _("classes with a higher risk"),
        max_length=200,
        blank=True,
        help_text=_("Immunotherapy class codes separated by |, e.g. |anti-ctla-4|."),
    )
    higher_risk_note = models.CharField(_("higher-risk note"), max_length=255, blank=True)
    workup = models.TextField(_("work-up"), blank=True, help_text=_("One item per line."))
    red_flags = models.TextField(_("red flags"), blank=True, help_text=_("One per line."))
    specialist = models.CharField(
        _("specialist to consult"), max_length=20, choices=Specialty.choices
    )
    call_task_force_when = models.TextField(_("when to call the task force"), blank=True)
    must_not_miss = models.CharField(
        _("must-not-miss exception"),
        max_length=255,
        blank=True,
        help_text=_("Shown in the index's panel of exceptions that must not be missed."),
    )
    contraindicated_agents = models.CharField(
        _("contraindicated agents"),
        max_length=255,
        blank=True,
        help_text=_("Drugs never to use for this toxicity, comma-separated."),
    )
    avoid_drugs = models.TextField(
        _("drugs that can make it worse"),
        blank=True,
        help_text=_("One per line, e.g. the drugs that worsen myasthenia."),
    )
    is_endocrinopathy = models.BooleanField(
        _("endocrinopathy"),
        default=False,
        help_text=_("Managed by hormone replacement rather than immunosuppression."),
    )
    is_demo = models.BooleanField(
        _("demonstration content"),
        default=False,
        help_text=_(
            "Set by the demo loader (and by data files marked is_demo). Demonstration content always "
            "carries a banner on screen, in print, on the patient card and in the API."
        ),
    )
    version = models.CharField(_("version"), max_length=20, default="0.1")
    reviewer = models.ForeignKey(
        Person,
        verbose_name=_("reviewer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviewed_toxicities",
    )
    reviewed_on = models.DateField(_("review date"), null=True, blank=True)
    next_review_on = models.DateField(_("next review date"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    search_text = models.TextField(_("search text"), blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["search_text"])

    objects = ToxicityQuerySet.as_manager()

    class Meta:
        ordering = ["organ_system__order", "order", "name"]
        verbose_name = _("toxicity")
        verbose_name_plural = _("toxicities")
        constraints = [
            # The rule the task force set: nothing reaches clinicians unreviewed.
            models.CheckConstraint(
                condition=Q(status="draft") | Q(reviewer__isnull=False, reviewed_on__isnull=False),
                name="toxicity_published_needs_review",
                violation_error_message=_(
                    "A guideline can only be published with a reviewer and a review date."
                ),
            ),
            models.CheckConstraint(
                condition=Q(next_review_on__isnull=True)
                | Q(reviewed_on__isnull=True)
                | Q(next_review_on__gt=models.F("reviewed_on")),
                name="toxicity_next_review_after_review",
                violation_error_message=_("The next review date must come after the review date."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("toxicity:detail", args=[self.slug])

    def save(self, *args, **kwargs):
        # Derived field: everything search looks at, normalised once on write.
        self.search_text = self.build_search_text()
        super().save(*args, **kwargs)

    def build_search_text(self) -> str:
        parts = [
            self.name,
            self.aliases,
            self.symptoms,
            self.ctcae_term,
            self.meddra_code,
            self.organ_system.name if self.organ_system_id else "",
            self.organ_system.slug if self.organ_system_id else "",
            self.get_specialist_display() if self.specialist else "",
        ]
        for family in self.family_list:
            parts.append(str(TherapyFamily(family).label))
            for code in classes_in_family(family):
                parts += [class_label(code), class_key(code)]
        return " " + normalise(" ".join(str(part) for part in parts)) + " "

    @property
    def family_list(self) -> list[str]:
        """The therapy family codes this toxicity applies to, in vocabulary order."""
        stored = set(text_to_codes(self.therapy_families))
        return [code for code in TherapyFamily.values if code in stored]

    @property
    def higher_risk_list(self) -> list[str]:
        return text_to_codes(self.higher_risk_classes)

    def get_therapy_families_display(self) -> list[str]:
        return [str(TherapyFamily(code).label) for code in self.family_list]

    @property
    def avoid_drug_list(self) -> list[str]:
        return [line.strip() for line in self.avoid_drugs.splitlines() if line.strip()]

    def steroid_safety(self) -> dict | None:
        """What the steroid-safety block needs, or None: shown wherever an immunosuppressive
        steroid course (with its taper) lasts 4 weeks or more, and on cell-therapy pages whenever
        steroids are given (antifungal prophylaxis). Uses prefetched recommendations only."""
        immunosuppressive = [
            rec
            for rec in self.recommendations.all()
            if rec.steroid_purpose == Recommendation.SteroidPurpose.IMMUNOSUPPRESSION
        ]
        long_course = any((rec.steroid_taper_weeks or 0) >= 4 for rec in immunosuppressive)
        cell_therapy = TherapyFamily.CELL_THERAPY in self.family_list
        if not long_course and not (cell_therapy and immunosuppressive):
            return None
        return {"long_course": long_course, "cell_therapy": cell_therapy}

    @property
    def alias_list(self) -> list[str]:
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]

    @property
    def workup_list(self) -> list[str]:
        return [line.strip() for line in self.workup.splitlines() if line.strip()]

    @property
    def red_flag_list(self) -> list[str]:
        return [line.strip() for line in self.red_flags.splitlines() if line.strip()]

    @property
    def review_overdue(self) -> bool:
        return bool(self.next_review_on and self.next_review_on < timezone.localdate())

    def grade_rows(self) -> list[dict]:
        """One row per grade of the scheme: its definition, the local consensus recommendation(s)
        and the other sources' recommendations for that grade. Uses prefetched data only."""
        recommendations = list(self.recommendations.all())
        rows = []
        for definition in self.grading_scheme.grades.all():
            for_grade = [rec for rec in recommendations if rec.grade == definition.grade]
            local = [rec for rec in for_grade if rec.source.is_local_consensus]
            others = [rec for rec in for_grade if not rec.source.is_local_consensus]
            rows.append(
                {
                    "grade": definition.grade,
                    "definition": definition,
                    "local": local,
                    "others": others,
                }
            )
        return rows

    def sources(self) -> list[GuidelineSource]:
        """Every source behind this page (scheme, recommendations and what they are based on)."""
        found = {self.grading_scheme.source.pk: self.grading_scheme.source}
        for rec in self.recommendations.all():
            found[rec.source.pk] = rec.source
            for source in rec.based_on.all():
                found[source.pk] = source
        return sorted(found.values(), key=lambda s: (not s.is_local_consensus, s.name, -s.year))


# The content fields of a recommendation: what the data files carry, the import writes and the API shows.
RECOMMENDATION_FIELDS = [
    "action",
    "action_note",
    "treatment",
    "steroid_drug",
    "steroid_dose",
    "steroid_mg_per_kg_min",
    "steroid_mg_per_kg_max",
    "steroid_route",
    "steroid_purpose",
    "steroid_taper",
    "steroid_taper_weeks",
    "hormones",
    "escalation_agents",
    "escalation_trigger",
    "consults",
    "workup",
    "setting",
    "evidence_level",
    "verification",
    "notes",
]


class Recommendation(models.Model):
    """What to do at one grade of one toxicity according to one source (edition)."""

    class Action(models.TextChoices):
        CONTINUE = "continue", _("Continue")
        HOLD = "hold", _("Hold")
        DISCONTINUE = "discontinue", _("Discontinue permanently")

    class Route(models.TextChoices):
        NONE = "", _("—")
        ORAL = "oral", _("oral")
        IV = "iv", _("intravenous")
        TOPICAL = "topical", _("topical")
        ORAL_OR_IV = "oral_iv", _("oral or intravenous")

    class SteroidPurpose(models.TextChoices):
        NONE = "", _("—")
        IMMUNOSUPPRESSION = "immunosuppression", _("immunosuppression")
        REPLACEMENT = "replacement", _("hormone replacement")

    class Setting(models.TextChoices):
        OUTPATIENT = "outpatient", _("Outpatient")
        CONSIDER_ADMISSION = "consider_admission", _("Consider admission")
        ADMIT = "admit", _("Admit")
        MONITORED = "monitored", _("Monitored bed (CCU, telemetry or high care)")
        ICU = "icu", _("Intensive care")

    class Verification(models.TextChoices):
        SOURCE = "source", _("checked against the source")
        REVIEWER = "reviewer", _("reviewed by the clinical reviewer, source text not re-read")
        TO_VERIFY = "to_verify", _("to verify")

    class Scenario(models.TextChoices):
        ANY = "", _("In all cases")
        WITH_CRS = "with_crs", _("With concurrent CRS")
        WITHOUT_CRS = "without_crs", _("Without concurrent CRS")
        RASH = "rash", _("Rash without blisters, mucosal or systemic signs")
        SCAR = "scar", _("SJS, TEN or DRESS")

    toxicity = models.ForeignKey(
        Toxicity,
        verbose_name=_("toxicity"),
        on_delete=models.CASCADE,
        related_name="recommendations",
    )
    grade = models.PositiveSmallIntegerField(_("grade"), choices=GRADES)
    source = models.ForeignKey(
        GuidelineSource,
        verbose_name=_("source"),
        on_delete=models.PROTECT,
        related_name="recommendations",
    )
    based_on = models.ManyToManyField(
        GuidelineSource,
        verbose_name=_("based on"),
        blank=True,
        related_name="consensus_recommendations",
        help_text=_("For the local consensus: the guideline editions it follows."),
    )
    scenario = models.CharField(
        _("scenario"), max_length=12, choices=Scenario.choices, blank=True, default=""
    )
    action = models.CharField(_("immunotherapy"), max_length=12, choices=Action.choices)
    action_note = models.CharField(_("immunotherapy note"), max_length=255, blank=True)
    treatment = models.TextField(
        _("first-line treatment"),
        blank=True,
        help_text=_("Other than steroids: e.g. loperamide, tocilizumab, IVIG, a beta-blocker."),
    )
    steroid_drug = models.CharField(_("steroid"), max_length=60, blank=True)
    steroid_dose = models.CharField(
        _("steroid dose"), max_length=120, blank=True, help_text=_("E.g. 1–2 mg/kg/day.")
    )
    steroid_mg_per_kg_min = models.DecimalField(
        _("steroid mg/kg/day (lowest)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    steroid_mg_per_kg_max = models.DecimalField(
        _("steroid mg/kg/day (highest)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    steroid_route = models.CharField(
        _("route"), max_length=10, choices=Route.choices, blank=True, default=""
    )
    steroid_purpose = models.CharField(
        _("steroid purpose"), max_length=20, choices=SteroidPurpose.choices, blank=True, default=""
    )
    steroid_taper = models.CharField(_("taper"), max_length=200, blank=True)
    steroid_taper_weeks = models.PositiveSmallIntegerField(
        _("course with taper, weeks (at least)"),
        null=True,
        blank=True,
        help_text=_("How long the steroid course lasts at least; 4 or more shows steroid safety."),
    )
    hormones = models.JSONField(
        _("hormone replacement, in order of starting"),
        default=list,
        blank=True,
        help_text=_('Ordered list, e.g. ["hydrocortisone", "levothyroxine"].'),
    )
    escalation_agents = models.CharField(_("escalation agents"), max_length=255, blank=True)
    escalation_trigger = models.CharField(_("escalation trigger"), max_length=255, blank=True)
    consults = models.CharField(_("consults"), max_length=255, blank=True)
    workup = models.TextField(_("work-up at this grade"), blank=True)
    setting = models.CharField(_("setting"), max_length=20, choices=Setting.choices)
    evidence_level = models.CharField(
        _("evidence level"),
        max_length=40,
        blank=True,
        help_text=_("In the source's own scale, e.g. 'V, C' (ESMO) or 'consensus' (ASCO)."),
    )
    verification = models.CharField(
        _("verification"),
        max_length=12,
        choices=Verification.choices,
        default=Verification.TO_VERIFY,
        help_text=_(
            "“Checked against the source” only where the guideline text (or a faithful excerpt) "
            "confirmed it."
        ),
    )
    notes = models.TextField(_("notes"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords(m2m_fields=[based_on])

    class Meta:
        ordering = ["toxicity", "grade", "-source__is_local_consensus", "order", "source__name"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        constraints = [
            models.UniqueConstraint(
                fields=["toxicity", "grade", "source", "scenario"],
                name="toxicity_one_recommendation_per_grade_source_scenario",
            ),
            models.CheckConstraint(
                condition=Q(grade__gte=1, grade__lte=5), name="toxicity_recommendation_grade_1_to_5"
            ),
        ]

    def __str__(self):
        return f"{self.toxicity} G{self.grade} — {self.source}"

    @property
    def as_list(self) -> list[Recommendation]:
        return [self]

    @property
    def source_checked(self) -> bool:
        return self.verification == self.Verification.SOURCE

    @property
    def cited_sources(self) -> list[GuidelineSource]:
        """The guideline editions a row rests on: its `based_on` editions, else its own source."""
        return list(self.based_on.all()) or [self.source]


# --- Task force -----------------------------------------------------------------------------------
class TaskForceMemberQuerySet(models.QuerySet):
    def active(self):
        """Members currently serving on the task force."""
        return self.filter(is_active=True)


class TaskForceMember(models.Model):
    """A physician on the irAE task force; phone and pager are shown to members only."""

    person = models.OneToOneField(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="task_force_seat"
    )
    specialty = models.CharField(_("specialty"), max_length=20, choices=Specialty.choices)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    pager = models.CharField(_("pager"), max_length=20, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = TaskForceMemberQuerySet.as_manager()

    class Meta:
        ordering = ["specialty", "order", "person__last_name"]
        verbose_name = _("task-force member")
        verbose_name_plural = _("task-force members")

    def __str__(self):
        return f"{self.person} ({self.get_specialty_display()})"


class OnCallShiftQuerySet(models.QuerySet):
    def current(self, at=None):
        """Shifts running at `at` (now by default)."""
        at = at or timezone.now()
        return self.filter(starts_at__lte=at, ends_at__gt=at)


class OnCallShift(models.Model):
    """One slot of the on-call rota: who answers for a specialty between two moments."""

    member = models.ForeignKey(
        TaskForceMember, verbose_name=_("member"), on_delete=models.CASCADE, related_name="shifts"
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))

    objects = OnCallShiftQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("on-call shift")
        verbose_name_plural = _("on-call shifts")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="toxicity_shift_ends_after_start",
                violation_error_message=_("A shift must end after it starts."),
            )
        ]

    def __str__(self):
        return f"{self.member} {self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%Y-%m-%d %H:%M}"


class ConsultRequest(models.Model):
    """A member's request for task-force advice; the on-call specialist is e-mailed."""

    class Urgency(models.TextChoices):
        TODAY = "today", _("Today (within hours)")
        URGENT = "urgent", _("Urgent (within the hour)")
        ROUTINE = "routine", _("Routine (within 2 working days)")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        NOTIFIED = "notified", _("Specialist notified")
        NO_ONE_ON_CALL = "unassigned", _("No one on call: coordinator notified")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="toxicity_consults",
    )
    specialty = models.CharField(_("specialty needed"), max_length=20, choices=Specialty.choices)
    toxicity = models.ForeignKey(
        Toxicity,
        verbose_name=_("suspected toxicity"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consults",
    )
    grade = models.PositiveSmallIntegerField(_("grade"), choices=GRADES, null=True, blank=True)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices)
    question = models.TextField(
        _("question"), help_text=_("No patient names or record numbers: describe the case.")
    )
    callback_phone = models.CharField(_("call-back number"), max_length=40)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NEW
    )
    notified_member = models.ForeignKey(
        TaskForceMember,
        verbose_name=_("specialist notified"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consults",
    )
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("consult request")
        verbose_name_plural = _("consult requests")

    def __str__(self):
        return f"#{self.pk} {self.get_specialty_display()} ({self.get_urgency_display()})"

    def get_admin_url(self):
        return reverse("admin:toxicity_consultrequest_change", args=[self.pk])
