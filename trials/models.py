"""Models of the trials app: the trial registry, mirroring the ClinicalTrials.gov API v2 model.

Vocabulary (status, phase, intervention type, sex, study type) uses the exact v2 enumeration codes, so
import is lossless and partners recognise the values. Multi-valued codes that must be filterable on both
SQLite and PostgreSQL (phases, immunotherapy classes) are stored as pipe-delimited text ("|PHASE1|PHASE2|"):
a Phase 1/2 trial then matches both a Phase 1 and a Phase 2 filter with a plain `contains` lookup.
"""

from __future__ import annotations

import re
from datetime import date

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import connections, models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ion_portal.immunotherapy import ImmunotherapyClass
from ion_portal.models import CancerType, Person, Publishable, PublishableQuerySet, Unit

__all__ = ["ImmunotherapyClass"]  # re-exported: trials code imports the class vocabulary from here

NCT_ID_RE = re.compile(r"^NCT\d{8}$")
nct_id_validator = RegexValidator(
    NCT_ID_RE, _("An NCT ID is the letters NCT followed by eight digits, e.g. NCT01234567.")
)

DAYS_PER_YEAR = 365


class OverallStatus(models.TextChoices):
    """ClinicalTrials.gov API v2 `Status` (14 values)."""

    ACTIVE_NOT_RECRUITING = "ACTIVE_NOT_RECRUITING", _("Active, not recruiting")
    COMPLETED = "COMPLETED", _("Completed")
    ENROLLING_BY_INVITATION = "ENROLLING_BY_INVITATION", _("Enrolling by invitation")
    NOT_YET_RECRUITING = "NOT_YET_RECRUITING", _("Not yet recruiting")
    RECRUITING = "RECRUITING", _("Recruiting")
    SUSPENDED = "SUSPENDED", _("Suspended")
    TERMINATED = "TERMINATED", _("Terminated")
    WITHDRAWN = "WITHDRAWN", _("Withdrawn")
    AVAILABLE = "AVAILABLE", _("Available (expanded access)")
    NO_LONGER_AVAILABLE = "NO_LONGER_AVAILABLE", _("No longer available")
    TEMPORARILY_NOT_AVAILABLE = "TEMPORARILY_NOT_AVAILABLE", _("Temporarily not available")
    APPROVED_FOR_MARKETING = "APPROVED_FOR_MARKETING", _("Approved for marketing")
    WITHHELD = "WITHHELD", _("Withheld")
    UNKNOWN = "UNKNOWN", _("Unknown status")


class RecruitmentStatus(models.TextChoices):
    """ClinicalTrials.gov API v2 site-level `RecruitmentStatus` (9 values); used for local status."""

    ACTIVE_NOT_RECRUITING = "ACTIVE_NOT_RECRUITING", _("Active, not recruiting")
    COMPLETED = "COMPLETED", _("Completed")
    ENROLLING_BY_INVITATION = "ENROLLING_BY_INVITATION", _("Enrolling by invitation")
    NOT_YET_RECRUITING = "NOT_YET_RECRUITING", _("Not yet recruiting")
    RECRUITING = "RECRUITING", _("Recruiting")
    SUSPENDED = "SUSPENDED", _("Suspended")
    TERMINATED = "TERMINATED", _("Terminated")
    WITHDRAWN = "WITHDRAWN", _("Withdrawn")
    AVAILABLE = "AVAILABLE", _("Available")


class StatusGroup(models.TextChoices):
    """What a patient cares about: can I enter this trial now, soon, or not, and can we trust the status."""

    OPEN = "open", _("Open to recruitment")
    NOT_YET_OPEN = "not_yet_open", _("Not yet open")
    UNVERIFIED = "unverified", _("Status not verified recently")
    CLOSED = "closed", _("Closed")


# "Open" never includes NOT_YET_RECRUITING (users asked for exactly that: research §7.1).
STATUS_GROUPS: dict[str, tuple[str, ...]] = {
    StatusGroup.OPEN: (
        OverallStatus.RECRUITING,
        OverallStatus.ENROLLING_BY_INVITATION,
        OverallStatus.AVAILABLE,
    ),
    StatusGroup.NOT_YET_OPEN: (OverallStatus.NOT_YET_RECRUITING,),
    # ClinicalTrials.gov's own "Unknown status"; stale open/not-yet-open trials join it (status_group_q).
    StatusGroup.UNVERIFIED: (OverallStatus.UNKNOWN,),
}
STATUS_GROUPS[StatusGroup.CLOSED] = tuple(
    code
    for code in OverallStatus.values
    if code not in sum((STATUS_GROUPS[g] for g in STATUS_GROUPS), ())
)

# A status that claims a trial recruits (or will) is only believed for two years after it was last
# verified: the rule ClinicalTrials.gov applies before it shows such a record as "Unknown status".
STATUS_VERIFY_CODES: tuple[str, ...] = (
    STATUS_GROUPS[StatusGroup.OPEN] + STATUS_GROUPS[StatusGroup.NOT_YET_OPEN]
)
STATUS_VERIFY_YEARS = 2


def status_stale_before(today: date | None = None) -> date:
    """Verified dates before this day are too old to believe an open status (two years ago)."""
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year - STATUS_VERIFY_YEARS)
    except ValueError:  # 29 February
        return today.replace(year=today.year - STATUS_VERIFY_YEARS, day=28)


def status_is_stale(code: str, verified: date | None, today: date | None = None) -> bool:
    """True when an open or not-yet-open status was last verified more than two years ago.
    A trial without a verified date (entered by hand) is not judged."""
    return (
        code in STATUS_VERIFY_CODES
        and verified is not None
        and verified < status_stale_before(today)
    )


def _stale_q(today: date | None = None) -> Q:
    return Q(overall_status__in=STATUS_VERIFY_CODES, status_verified__lt=status_stale_before(today))


def _fresh_q(today: date | None = None) -> Q:
    return Q(status_verified__isnull=True) | Q(status_verified__gte=status_stale_before(today))


def status_group_q(group: str, today: date | None = None) -> Q:
    """The one status rule, as a filter: trials in a StatusGroup (open and not-yet-open trials must
    have been verified in the last two years; the others are "status not verified recently")."""
    codes = STATUS_GROUPS[group]
    if group == StatusGroup.UNVERIFIED:
        return Q(overall_status__in=codes) | _stale_q(today)
    if group in (StatusGroup.OPEN, StatusGroup.NOT_YET_OPEN):
        return Q(overall_status__in=codes) & _fresh_q(today)
    return Q(overall_status__in=codes)


def effective_status_q(codes, today: date | None = None) -> Q:
    """Trials whose effective overall status (UNKNOWN when stale, see Trial.effective_status) is in
    `codes` (for filters that speak in status codes, such as FHIR's)."""
    codes = set(codes)
    q = Q(overall_status__in=sorted(codes - set(STATUS_VERIFY_CODES)))
    checked = sorted(codes & set(STATUS_VERIFY_CODES))
    if checked:
        q |= Q(overall_status__in=checked) & _fresh_q(today)
    if OverallStatus.UNKNOWN in codes:
        q |= _stale_q(today)
    return q


def status_group(code: str, verified: date | None = None, today: date | None = None) -> str:
    """The StatusGroup value of an overall-status code (and its verified date) on `today`."""
    if status_is_stale(code, verified, today):
        return StatusGroup.UNVERIFIED
    for group, codes in STATUS_GROUPS.items():
        if code in codes:
            return group
    return StatusGroup.CLOSED


class Phase(models.TextChoices):
    """ClinicalTrials.gov API v2 `Phase` (6 values)."""

    EARLY_PHASE1 = "EARLY_PHASE1", _("Early phase 1")
    PHASE1 = "PHASE1", _("Phase 1")
    PHASE2 = "PHASE2", _("Phase 2")
    PHASE3 = "PHASE3", _("Phase 3")
    PHASE4 = "PHASE4", _("Phase 4")
    NA = "NA", _("Not applicable")


class StudyType(models.TextChoices):
    INTERVENTIONAL = "INTERVENTIONAL", _("Interventional")
    OBSERVATIONAL = "OBSERVATIONAL", _("Observational")
    EXPANDED_ACCESS = "EXPANDED_ACCESS", _("Expanded access")


class Sex(models.TextChoices):
    ALL = "ALL", _("All")
    FEMALE = "FEMALE", _("Female")
    MALE = "MALE", _("Male")


class InterventionType(models.TextChoices):
    """ClinicalTrials.gov API v2 `InterventionType` (11 values)."""

    BEHAVIORAL = "BEHAVIORAL", _("Behavioural")
    BIOLOGICAL = "BIOLOGICAL", _("Biological")
    COMBINATION_PRODUCT = "COMBINATION_PRODUCT", _("Combination product")
    DEVICE = "DEVICE", _("Device")
    DIAGNOSTIC_TEST = "DIAGNOSTIC_TEST", _("Diagnostic test")
    DIETARY_SUPPLEMENT = "DIETARY_SUPPLEMENT", _("Dietary supplement")
    DRUG = "DRUG", _("Drug")
    GENETIC = "GENETIC", _("Genetic")
    PROCEDURE = "PROCEDURE", _("Procedure")
    RADIATION = "RADIATION", _("Radiation")
    OTHER = "OTHER", _("Other")


class ArmGroupType(models.TextChoices):
    """ClinicalTrials.gov API v2 `ArmGroupType` (6 values)."""

    EXPERIMENTAL = "EXPERIMENTAL", _("Experimental")
    ACTIVE_COMPARATOR = "ACTIVE_COMPARATOR", _("Active comparator")
    PLACEBO_COMPARATOR = "PLACEBO_COMPARATOR", _("Placebo comparator")
    SHAM_COMPARATOR = "SHAM_COMPARATOR", _("Sham comparator")
    NO_INTERVENTION = "NO_INTERVENTION", _("No intervention")
    OTHER = "OTHER", _("Other")


class LineOfTherapy(models.TextChoices):
    NEOADJUVANT = "neoadjuvant", _("Neoadjuvant")
    ADJUVANT = "adjuvant", _("Adjuvant")
    FIRST_LINE = "first-line", _("First line (advanced disease)")
    LATER_LINE = "later-line", _("Second line or later")
    MAINTENANCE = "maintenance", _("Maintenance")
    OTHER = "other", _("Other")


def join_codes(codes) -> str:
    """Pipe-delimited storage form of a list of codes: ["PHASE1", "PHASE2"] -> "|PHASE1|PHASE2|"."""
    codes = [c for c in dict.fromkeys(codes) if c]
    return f"|{'|'.join(codes)}|" if codes else ""


def split_codes(value: str) -> list[str]:
    return [c for c in (value or "").split("|") if c]


class DrugQuerySet(models.QuerySet):
    def corrections_for(self, text: str, threshold: float = 0.5) -> dict[str, list[str]]:
        """For each word of `text` that resembles a drug's name or synonym (PostgreSQL trigram strict word
        similarity), the INNs it may stand for: {"keytruda": ["pembrolizumab"]}."""
        words = [w.lower() for w in text.split() if len(w) >= 4]
        if not words:
            return {}
        sql = (
            "SELECT w.word, d.name FROM trials_drug d "
            "CROSS JOIN LATERAL unnest(array_append(string_to_array(d.synonyms, E'\\n'), d.name)) "
            "AS term(t) CROSS JOIN unnest(%s::text[]) AS w(word) "
            "WHERE similarity(lower(term.t), w.word) >= %s GROUP BY w.word, d.name"
        )
        found: dict[str, list[str]] = {}
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql, [words, threshold])
            for word, name in cursor.fetchall():
                found.setdefault(word, []).append(name)
        return found


class Drug(models.Model):
    """A compound vocabulary entry; interventions link to it so synonyms find the same trials."""

    name = models.CharField(_("name"), max_length=120, unique=True, help_text=_("INN, lower case."))
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    synonyms = models.TextField(
        _("synonyms"),
        blank=True,
        help_text=_("Brand names and code names, one per line (e.g. Keytruda, MK-3475)."),
    )
    immunotherapy_class = models.CharField(
        _("immunotherapy class"),
        max_length=30,
        choices=ImmunotherapyClass.choices,
        blank=True,
        help_text=_("Empty for compounds that are not immunotherapies."),
    )

    objects = DrugQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("drug")
        verbose_name_plural = _("drugs")

    def __str__(self):
        return self.name

    @property
    def synonym_list(self) -> list[str]:
        return [line.strip() for line in self.synonyms.splitlines() if line.strip()]

    def all_names(self) -> list[str]:
        return [self.name, *self.synonym_list]


# The default order of every trial list (page, API, the facet copy of trials/facet_index.py).
LIST_ORDER = ("-last_update_posted", "nct_id")


class TrialQuerySet(PublishableQuerySet):
    """Trial rules: recruitment groups, eligibility and search."""

    def recruiting(self):
        """Trials open to recruitment now, with a status verified in the last two years (never
        NOT_YET_RECRUITING)."""
        return self.filter(status_group_q(StatusGroup.OPEN))

    def not_yet_open(self):
        """Trials that will open but do not recruit yet (status verified in the last two years)."""
        return self.filter(status_group_q(StatusGroup.NOT_YET_OPEN))

    def status_unverified(self):
        """Trials whose open status was not verified for two years, or that CT.gov marks unknown."""
        return self.filter(status_group_q(StatusGroup.UNVERIFIED))

    def closed(self):
        """Trials that no longer (or never will) recruit."""
        return self.filter(status_group_q(StatusGroup.CLOSED))

    def in_status_groups(self, groups_or_codes):
        """Trials in any of the given groups (status_group_q) or with any of the given v2 codes."""
        q = Q(pk__in=[])
        codes = []
        for value in groups_or_codes:
            if value in STATUS_GROUPS:
                q |= status_group_q(value)
            else:
                codes.append(value)
        if codes:
            q |= Q(overall_status__in=sorted(codes))
        return self.filter(q)

    def with_phase(self, *phases):
        """Trials in any of the phases; a Phase 1/2 trial matches Phase 1 and Phase 2."""
        q = Q()
        for phase in phases:
            q |= Q(phases__contains=f"|{phase}|")
        return self.filter(q)

    def with_immunotherapy_class(self, *classes):
        """Trials testing a compound of any of the classes."""
        q = Q()
        for value in classes:
            q |= Q(immunotherapy_classes__contains=f"|{value}|")
        return self.filter(q)

    def for_age(self, years: int):
        """Trials a patient of this age may enter; a missing bound means no limit."""
        days = years * DAYS_PER_YEAR
        return self.filter(
            Q(minimum_age_days__isnull=True) | Q(minimum_age_days__lte=days),
            Q(maximum_age_days__isnull=True) | Q(maximum_age_days__gte=days),
        )

    def for_sex(self, sex: str):
        """Trials open to this sex; ALL and unknown never exclude anyone."""
        return self.filter(sex__in=[Sex.ALL, sex, ""])

    def search(self, q: str):
        """Search that understands classes, cancer types in Dutch and French and drug synonyms
        (trials/search.py); on PostgreSQL the queryset is annotated with `rank` for relevance."""
        # The search module imports this one (cycle).
        from .search import search_trials

        return search_trials(self, q)


class Trial(Publishable):
    """A clinical trial: upstream fields from ClinicalTrials.gov plus the network's local curation."""

    class Source(models.TextChoices):
        JSON = "json", _("API v2 JSON file")
        XML = "xml", _("Legacy XML file")
        API = "api", _("ClinicalTrials.gov API v2")
        MANUAL = "manual", _("Entered by hand")
        SYNTHETIC = "synthetic", _("Synthetic (benchmarks)")

    # --- Identification (upstream) ---
    nct_id = models.CharField(
        _("NCT ID"), max_length=11, unique=True, validators=[nct_id_validator]
    )
    eu_ct_number = models.CharField(_("EU CT number"), max_length=40, blank=True)
    other_ids = models.JSONField(
        _("other identifiers"), default=list, blank=True, help_text=_("Secondary identifiers.")
    )
    acronym = models.CharField(_("acronym"), max_length=100, blank=True)
    brief_title = models.CharField(_("brief title"), max_length=500)
    official_title = models.TextField(_("official title"), blank=True)
    brief_summary = models.TextField(_("brief summary"), blank=True)

    # --- Status and design (upstream) ---
    overall_status = models.CharField(
        _("overall status"), max_length=30, choices=OverallStatus.choices, db_index=True
    )
    last_known_status = models.CharField(
        _("last known status"), max_length=30, choices=OverallStatus.choices, blank=True
    )
    why_stopped = models.TextField(_("why stopped"), blank=True)
    phases = models.CharField(
        _("phases"), max_length=80, blank=True, help_text=_("Pipe-delimited v2 phase codes.")
    )
    study_type = models.CharField(
        _("study type"), max_length=20, choices=StudyType.choices, blank=True
    )
    primary_purpose = models.CharField(_("primary purpose"), max_length=40, blank=True)
    allocation = models.CharField(_("allocation"), max_length=20, blank=True)
    enrollment_count = models.PositiveIntegerField(_("enrolment"), null=True, blank=True)
    enrollment_type = models.CharField(_("enrolment type"), max_length=10, blank=True)

    # --- Dates (upstream); partial dates ("2020-04") are stored as the first of the month ---
    start_date = models.DateField(_("start date"), null=True, blank=True, db_index=True)
    primary_completion_date = models.DateField(_("primary completion date"), null=True, blank=True)
    completion_date = models.DateField(_("completion date"), null=True, blank=True)
    first_posted = models.DateField(_("first posted"), null=True, blank=True)
    last_update_posted = models.DateField(
        _("last update posted"), null=True, blank=True, db_index=True
    )
    status_verified = models.DateField(_("status verified"), null=True, blank=True)

    # --- Conditions and eligibility (upstream) ---
    conditions = models.JSONField(_("conditions"), default=list, blank=True)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    cancer_types = models.ManyToManyField(
        CancerType,
        verbose_name=_("cancer types"),
        blank=True,
        related_name="trials",
        help_text=_("Recognised from the conditions on import; broader types are linked too."),
    )
    eligibility_criteria = models.TextField(_("eligibility criteria"), blank=True)
    sex = models.CharField(_("sex"), max_length=6, choices=Sex.choices, blank=True)
    minimum_age = models.CharField(_("minimum age (as registered)"), max_length=30, blank=True)
    maximum_age = models.CharField(_("maximum age (as registered)"), max_length=30, blank=True)
    minimum_age_days = models.PositiveIntegerField(
        _("minimum age in days"), null=True, blank=True, help_text=_("Empty: no lower limit.")
    )
    maximum_age_days = models.PositiveIntegerField(
        _("maximum age in days"), null=True, blank=True, help_text=_("Empty: no upper limit.")
    )
    healthy_volunteers = models.BooleanField(_("healthy volunteers"), null=True, blank=True)

    # --- Sponsor (upstream) ---
    lead_sponsor = models.CharField(_("lead sponsor"), max_length=300, blank=True)
    lead_sponsor_class = models.CharField(_("lead sponsor class"), max_length=20, blank=True)
    collaborators = models.JSONField(_("collaborators"), default=list, blank=True)

    # --- Source ---
    raw_record = models.JSONField(_("raw source record"), default=dict, blank=True, editable=False)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, blank=True)
    last_synced_at = models.DateTimeField(_("last refreshed from source"), null=True, blank=True)

    # --- Local curation (never overwritten by an import) ---
    immunotherapy_classes = models.CharField(
        _("immunotherapy classes"),
        max_length=200,
        blank=True,
        help_text=_(
            "Pipe-delimited classes; filled from the recognised drugs when first imported."
        ),
    )
    line_of_therapy = models.CharField(
        _("line of therapy / setting"), max_length=20, choices=LineOfTherapy.choices, blank=True
    )
    local_notes = models.TextField(_("notes for referrers"), blank=True)
    scope_reason = models.CharField(
        _("why not published on import"),
        max_length=200,
        blank=True,
        help_text=_(
            "Set by an import with publishing on, for trials outside the registry's scope."
        ),
    )
    central_contacts = models.JSONField(
        _("central contacts (public)"), default=list, blank=True, editable=False
    )
    classes_overridden = models.BooleanField(
        _("classes set by a curator"),
        default=False,
        help_text=_("When set, recognition no longer changes the immunotherapy classes."),
    )
    recognised_cancer_types = models.JSONField(default=list, blank=True, editable=False)
    import_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    # --- Search (derived) ---
    search_terms = models.TextField(
        _("search terms"),
        blank=True,
        editable=False,
        help_text=_("Conditions, keywords, interventions, drug names and synonyms (derived)."),
    )
    search_vector = SearchVectorField(null=True, editable=False)

    objects = TrialQuerySet.as_manager()
    # Big columns no list, API page, FHIR bundle or export shows: querysets of many trials defer them.
    LIST_DEFERRED = ("raw_record", "search_vector", "import_fingerprint")
    history = HistoricalRecords(
        excluded_fields=[
            "raw_record",
            "search_vector",
            "search_terms",
            "import_fingerprint",
            "recognised_cancer_types",
        ]
    )

    class Meta:
        ordering = ["-last_update_posted", "nct_id"]
        verbose_name = _("trial")
        verbose_name_plural = _("trials")
        # The GIN index on search_vector is created by migration 0002 on PostgreSQL only (SQLite has no GIN).
        indexes = [
            models.Index(fields=["status", "overall_status"], name="trial_status_idx"),
            # The list's and the API's default order, exactly: pages are read off the index, no sort
            # of the matching rows (last_update_posted alone has few distinct days per group).
            models.Index(fields=["-last_update_posted", "nct_id"], name="trial_list_order_idx"),
        ]

    def __str__(self):
        return f"{self.nct_id}: {self.brief_title}"

    def get_absolute_url(self):
        return reverse("trials:detail", args=[self.nct_id])

    def clean(self):
        if self.nct_id and not NCT_ID_RE.match(self.nct_id):
            raise ValidationError({"nct_id": nct_id_validator.message})

    @property
    def ctgov_url(self) -> str:
        return f"https://clinicaltrials.gov/study/{self.nct_id}"

    @property
    def phase_list(self) -> list[str]:
        return split_codes(self.phases)

    @property
    def phase_labels(self) -> list[str]:
        return [str(Phase(p).label) for p in self.phase_list if p in Phase.values]

    @property
    def phase_display(self) -> str:
        return "/".join(self.phase_labels)

    @property
    def immunotherapy_class_list(self) -> list[str]:
        return split_codes(self.immunotherapy_classes)

    @property
    def immunotherapy_class_labels(self) -> list[tuple[str, str]]:
        return [
            (c, str(ImmunotherapyClass(c).label))
            for c in self.immunotherapy_class_list
            if c in ImmunotherapyClass.values
        ]

    @property
    def status_group(self) -> str:
        return status_group(self.overall_status, self.status_verified)

    @property
    def status_not_verified_recently(self) -> bool:
        return status_is_stale(self.overall_status, self.status_verified)

    @property
    def effective_status(self) -> str:
        """The overall status as ClinicalTrials.gov would show it: UNKNOWN when it is stale."""
        if self.status_not_verified_recently:
            return OverallStatus.UNKNOWN
        return self.overall_status

    @property
    def is_open(self) -> bool:
        return self.status_group == StatusGroup.OPEN

    @property
    def age_range_display(self) -> str:
        # Start-up cost: eligibility loads the Markdown and HTML sanitiser libraries.
        from .eligibility import age_display

        low, high = age_display(self.minimum_age), age_display(self.maximum_age)
        if low and high:
            return _("%(low)s to %(high)s") % {"low": low, "high": high}
        if low:
            return _("%(low)s and older") % {"low": low}
        if high:
            return _("up to %(high)s") % {"high": high}
        return str(_("No age limits registered"))

    def tested_interventions(self) -> list[Intervention]:
        """What the trial tests, for the plain-language header: see `drugs_under_test`."""
        return [item for item, _role in self.drugs_under_test]

    @property
    def drugs_under_test(self) -> list[tuple[Intervention, str]]:
        """(intervention, role) pairs of what is tested: the experimental arms' treatments (role
        "tested"), then treatments every arm gets ("background", e.g. the chemotherapy both arms
        receive), comparators and placebo ("comparator" / "placebo"). Procedures, scans and
        questionnaires are never listed as tested. Without arms, every treatment counts as tested.
        Uses the page's prefetch of `interventions` (with `arm_groups`)."""
        treatments = {"DRUG", "BIOLOGICAL", "GENETIC", "RADIATION", "COMBINATION_PRODUCT"}
        interventions = list(self.interventions.all())
        result = []
        for item in interventions:
            if item.type not in treatments and not item.drug_id:
                continue
            arm_types = {arm.type for arm in item.arm_groups.all()}
            experimental = arm_types & {ArmGroupType.EXPERIMENTAL, ArmGroupType.OTHER}
            control = arm_types - {ArmGroupType.EXPERIMENTAL, ArmGroupType.OTHER, ""}
            if item.is_placebo or arm_types == {ArmGroupType.PLACEBO_COMPARATOR}:
                role = "placebo"
            elif experimental and control:
                role = "background"  # given in the experimental and the control arms alike
            elif experimental or not arm_types:
                role = "tested"
            else:
                role = "comparator"
            result.append((item, role))
        order = {"tested": 0, "background": 1, "comparator": 2, "placebo": 3}
        return sorted(result, key=lambda pair: order[pair[1]])

    @property
    def tested_drug_names(self) -> list[str]:
        """Names of the drugs under test (experimental arms only), for the list card's "Tests:"."""
        return [item.name for item, role in self.drugs_under_test if role == "tested"]

    def locations_by_country(self, home_country: str = "Belgium") -> list[tuple[str, list]]:
        """(country, locations) groups: countries with a confirmed network site first, then
        `home_country`, then the others alphabetically; network sites first within a country. Each
        location gets `is_network_site`. Uses the `locations` and `sites` prefetches."""
        network = {site.unit_id for site in self.sites.all()}  # confirmed sites only
        groups: dict[str, list] = {}
        for location in self.locations.all():
            location.is_network_site = location.unit_id is not None and location.unit_id in network
            groups.setdefault(location.country or "", []).append(location)

        def country_key(item):
            country, locations = item
            has_network = any(loc.is_network_site for loc in locations)
            return (not has_network, country != home_country, country == "", country)

        return [
            (country, sorted(locations, key=lambda loc: (not loc.is_network_site, loc.position)))
            for country, locations in sorted(groups.items(), key=country_key)
        ]


class Intervention(models.Model):
    """An intervention of a trial, as registered; linked to a Drug when recognised."""

    trial = models.ForeignKey(
        Trial, verbose_name=_("trial"), on_delete=models.CASCADE, related_name="interventions"
    )
    type = models.CharField(_("type"), max_length=20, choices=InterventionType.choices)
    name = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    other_names = models.JSONField(_("other names"), default=list, blank=True)
    drug = models.ForeignKey(
        Drug,
        verbose_name=_("drug"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interventions",
    )
    drugs = models.ManyToManyField(
        Drug,
        verbose_name=_("drugs named"),
        blank=True,
        related_name="combination_interventions",
        help_text=_("Every drug the intervention names (a combination names several)."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["trial", "position", "pk"]
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")

    def __str__(self):
        return self.name

    @property
    def is_placebo(self) -> bool:
        return "placebo" in self.name.lower()


class ArmGroup(models.Model):
    """An arm of a trial as registered (experimental, comparator, placebo, ...) with its interventions."""

    trial = models.ForeignKey(
        Trial, verbose_name=_("trial"), on_delete=models.CASCADE, related_name="arm_groups"
    )
    label = models.CharField(_("label"), max_length=300)
    type = models.CharField(_("type"), max_length=20, choices=ArmGroupType.choices, blank=True)
    description = models.TextField(_("description"), blank=True)
    intervention_names = models.JSONField(
        _("intervention names (as registered)"), default=list, blank=True
    )
    interventions = models.ManyToManyField(
        Intervention, verbose_name=_("interventions"), blank=True, related_name="arm_groups"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["trial", "position", "pk"]
        verbose_name = _("arm group")
        verbose_name_plural = _("arm groups")

    def __str__(self):
        return self.label


class TrialLocation(models.Model):
    """A location registered on ClinicalTrials.gov (refreshed by every import); `unit` is set when it
    is one of the network's own sites (matched on the unit's aliases)."""

    trial = models.ForeignKey(
        Trial, verbose_name=_("trial"), on_delete=models.CASCADE, related_name="locations"
    )
    facility = models.CharField(_("facility"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    state = models.CharField(_("state or province"), max_length=120, blank=True)
    zip = models.CharField(_("postal code"), max_length=30, blank=True)
    country = models.CharField(_("country"), max_length=80, blank=True, db_index=True)
    status = models.CharField(
        _("site status"), max_length=30, choices=RecruitmentStatus.choices, blank=True
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    contacts = models.JSONField(_("public contacts"), default=list, blank=True)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("network unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="trial_locations",
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["trial", "position", "pk"]
        verbose_name = _("registered location")
        verbose_name_plural = _("registered locations")

    def __str__(self):
        return ", ".join(p for p in (self.facility, self.city, self.country) if p)


class TrialSiteQuerySet(models.QuerySet):
    def confirmed(self):
        """Sites a curator confirmed: the only ones the public, the API and referral see."""
        return self.filter(state=TrialSite.State.CONFIRMED)

    def proposed(self):
        """Sites proposed by an import from a matching location, awaiting a curator."""
        return self.filter(state=TrialSite.State.PROPOSED)


class ConfirmedSiteManager(models.Manager.from_queryset(TrialSiteQuerySet)):
    """The default manager (so `trial.sites` everywhere) sees confirmed sites only."""

    def get_queryset(self):
        return super().get_queryset().confirmed()


class TrialSite(models.Model):
    """A network site of a trial, curated locally. An import may only *propose* one (state "proposed")
    from a location matching a unit's aliases; it never changes a confirmed or rejected site."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed by an import (to review)")
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Rejected (not a network site of this trial)")

    trial = models.ForeignKey(
        Trial, verbose_name=_("trial"), on_delete=models.CASCADE, related_name="sites"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="trial_sites"
    )
    local_status = models.CharField(
        _("local status"), max_length=30, choices=RecruitmentStatus.choices
    )
    principal_investigator = models.ForeignKey(
        Person,
        verbose_name=_("local principal investigator"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="trials_led",
    )
    referral_contact = models.ForeignKey(
        Person,
        verbose_name=_("referral contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="trials_referral",
    )
    referral_email = models.EmailField(
        _("referral e-mail"),
        blank=True,
        help_text=_(
            "Used when the referral contact has no e-mail address (e.g. a study nurse desk)."
        ),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.CONFIRMED, db_index=True
    )
    proposed_from = models.CharField(
        _("proposed from location"), max_length=500, blank=True, editable=False
    )
    public_phone = models.CharField(
        _("public telephone for patients"),
        max_length=40,
        blank=True,
        help_text=_("Shown on the public page: a desk patients may call to ask about the trial."),
    )
    public_email = models.EmailField(
        _("public e-mail for patients"),
        blank=True,
        help_text=_("Shown on the public page. Patients are asked not to send medical details."),
    )
    history = HistoricalRecords()

    objects = ConfirmedSiteManager()
    all_objects = TrialSiteQuerySet.as_manager()

    class Meta:
        # unit__slug breaks ties between units of the same name, so every reader orders sites alike.
        ordering = ["trial", "unit__name", "unit__slug"]
        base_manager_name = "all_objects"
        verbose_name = _("network site")
        verbose_name_plural = _("network sites")
        constraints = [
            models.UniqueConstraint(fields=["trial", "unit"], name="trial_site_unique_unit")
        ]

    def __str__(self):
        return f"{self.trial.nct_id} @ {self.unit}"

    @property
    def referral_address(self) -> str:
        if self.referral_contact and self.referral_contact.email:
            return self.referral_contact.email
        return self.referral_email


from .models_alerts import TrialAlert  # noqa: E402, F401 (e-mail alerts on searches)
from .models_criteria import EligibilityCriterion  # noqa: E402, F401 (structured eligibility)
from .models_facets import TrialFacet  # noqa: E402, F401 (the narrow rows of the facet counts)
from .models_history import SyncRun, TrialChange  # noqa: E402, F401 (the live-registry models)
