"""Models of the collaborations app: vocabularies (MIABIS-based), platforms, sample collections, the
collaboration request workflow and saved-search alerts."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from collaborations.uploads import ProtocolStorage, validate_protocol
from ion_portal.immunotherapy import ImmunotherapyClass, class_label
from ion_portal.models import (
    CancerType,
    Person,
    Publishable,
    PublishableQuerySet,
    Unit,
    is_curator,
)

NCT_ID = re.compile(r"NCT\d{8}")


def validate_therapy_classes(value):
    """Stored class codes are the core vocabulary's codes (`anti-pd-1`), never an old spelling."""
    if not isinstance(value, list) or any(code not in ImmunotherapyClass.values for code in value):
        raise ValidationError(
            _("Choose therapy classes from: %(codes)s."),
            params={"codes": ", ".join(ImmunotherapyClass.values)},
        )


def therapy_labels(codes) -> list[str]:
    """The labels of class codes, in the given order (unknown codes are skipped)."""
    return [class_label(code) for code in codes if code in ImmunotherapyClass.values]


def parse_nct_ids(text: str) -> list[str]:
    """NCT IDs from text separated by commas, spaces or new lines, upper-cased, order kept."""
    found = []
    for token in re.split(r"[\s,;]+", text or ""):
        token = token.strip().upper()
        if token and token not in found:
            found.append(token)
    return found


def validate_nct_ids(text: str):
    bad = [token for token in parse_nct_ids(text) if not NCT_ID.fullmatch(token)]
    if bad:
        raise ValidationError(
            _("Not an NCT ID (NCT followed by 8 digits): %(bad)s."), params={"bad": ", ".join(bad)}
        )


# --- Vocabularies --------------------------------------------------------------------------------------


class Term(models.Model):
    """A curated vocabulary term: name, slug, optional description, display order."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        abstract = True
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class Technique(Term):
    """A laboratory technique a platform offers (mapped to MIABIS service types)."""

    class Meta(Term.Meta):
        verbose_name = _("technique")
        verbose_name_plural = _("techniques")


class SampleType(Term):
    """A MIABIS material type (FFPE tissue, PBMC, plasma …)."""

    miabis_term = models.CharField(_("MIABIS term"), max_length=120, blank=True)

    class Meta(Term.Meta):
        verbose_name = _("sample type")
        verbose_name_plural = _("sample types")


class TechniqueSampleType(models.Model):
    """One cell of the curated technique x sample-type compatibility table."""

    technique = models.ForeignKey(
        Technique,
        verbose_name=_("technique"),
        on_delete=models.CASCADE,
        related_name="compatibilities",
    )
    sample_type = models.ForeignKey(
        SampleType,
        verbose_name=_("sample type"),
        on_delete=models.CASCADE,
        related_name="compatibilities",
    )
    weight = models.FloatField(
        _("weight"),
        default=1.0,
        help_text=_("1.0 preferred input, 0.5 possible, 0.25 workable with caveats."),
    )

    class Meta:
        ordering = ["technique__order", "sample_type__order"]
        verbose_name = _("technique compatibility")
        verbose_name_plural = _("technique compatibilities")
        constraints = [
            models.UniqueConstraint(
                fields=["technique", "sample_type"], name="collab_compat_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(weight__gt=0) & models.Q(weight__lte=1),
                name="collab_compat_weight_range",
            ),
        ]

    def __str__(self):
        return f"{self.technique} ← {self.sample_type} ({self.weight:g})"


class DataType(Term):
    """A MIABIS dataset type that comes with a collection (clinical outcome, imaging …)."""

    class Meta(Term.Meta):
        verbose_name = _("data type")
        verbose_name_plural = _("data types")


class Timepoint(Term):
    """When samples were taken relative to immunotherapy (baseline, on treatment …)."""

    class Meta(Term.Meta):
        verbose_name = _("timepoint")
        verbose_name_plural = _("timepoints")


class AccessCondition(Term):
    """A MIABIS use and access condition a collection holder imposes."""

    class Meta(Term.Meta):
        verbose_name = _("access condition")
        verbose_name_plural = _("access conditions")


# --- Resources -----------------------------------------------------------------------------------------


class ResourceQuerySet(PublishableQuerySet):
    def with_relations(self):
        """Prefetch everything a card, a detail page or the matching service reads."""
        return self.select_related("unit", "contact").prefetch_related(
            "sample_types", "cancer_types", "timepoints", "data_types"
        )


class PlatformQuerySet(ResourceQuerySet):
    def with_relations(self):
        """Prefetch everything a card, a detail page or the matching service reads."""
        return (
            super()
            .with_relations()
            .prefetch_related("techniques", "access_conditions_not_met", "cancer_types__parent")
        )


class CollectionQuerySet(ResourceQuerySet):
    def with_relations(self):
        """Prefetch everything a card, a detail page or the matching service reads."""
        return super().with_relations().prefetch_related("access_conditions")


class Platform(Publishable):
    """A core technology platform offered by a lab or core facility."""

    class AccessModel(models.TextChoices):
        COLLABORATION = "collaboration", _("Scientific collaboration")
        SERVICE = "service", _("Full service (fee-for-service)")
        SELF_SERVICE = "self_service", _("Self-service after training")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("offered by"), on_delete=models.PROTECT, related_name="platforms"
    )
    summary = models.CharField(_("summary"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    techniques = models.ManyToManyField(
        Technique, verbose_name=_("techniques"), related_name="platforms"
    )
    sample_types = models.ManyToManyField(
        SampleType,
        verbose_name=_("accepted sample types"),
        related_name="platforms",
        blank=True,
        help_text=_("Leave empty to accept every sample type the compatibility table allows."),
    )
    cancer_types = models.ManyToManyField(
        CancerType,
        verbose_name=_("cancer-type focus"),
        related_name="platforms",
        blank=True,
        help_text=_("Leave empty if the platform works across cancer types."),
    )
    timepoints = models.ManyToManyField(
        Timepoint, verbose_name=_("timepoints of interest"), related_name="platforms", blank=True
    )
    therapy_classes = models.JSONField(
        _("therapy classes of interest"),
        default=list,
        blank=True,
        validators=[validate_therapy_classes],
        help_text=_("Codes such as anti-pd-1, anti-ctla-4, car-t."),
    )
    data_types = models.ManyToManyField(
        DataType, verbose_name=_("data types wanted"), related_name="platforms", blank=True
    )
    access_model = models.CharField(_("access model"), max_length=20, choices=AccessModel.choices)
    access_conditions_not_met = models.ManyToManyField(
        AccessCondition,
        verbose_name=_("access conditions this platform cannot meet"),
        related_name="+",
        blank=True,
        help_text=_(
            "For example a fee-for-service platform cannot meet “Joint project required”. "
            "Collections requiring one of these are never matched to this platform."
        ),
    )
    capacity = models.CharField(
        _("capacity"), max_length=200, blank=True, help_text=_("For example 40 samples a week.")
    )
    contact = models.ForeignKey(
        Person,
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = PlatformQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("platform")
        verbose_name_plural = _("platforms")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("collaborations:platform_detail", args=[self.slug])

    @property
    def therapy_labels(self) -> list[str]:
        return therapy_labels(self.therapy_classes)


class SizeBand(models.IntegerChoices):
    """Donor numbers as an order of magnitude (BBMRI-ERIC Directory); the public sees only the band."""

    UNDER_10 = 0, _("fewer than 10 donors")
    TENS = 1, _("10 to 100 donors")
    HUNDREDS = 2, _("100 to 1,000 donors")
    THOUSANDS = 3, _("1,000 to 10,000 donors")
    MORE = 4, _("more than 10,000 donors")

    @classmethod
    def for_count(cls, count: int) -> SizeBand:
        for band, upper in ((cls.UNDER_10, 10), (cls.TENS, 100), (cls.HUNDREDS, 1000)):
            if count < upper:
                return band
        return cls.THOUSANDS if count < 10000 else cls.MORE


class Sex(models.TextChoices):
    """MIABIS sex values of a collection's donors."""

    MALE = "male", _("Male")
    FEMALE = "female", _("Female")
    UNKNOWN = "unknown", _("Unknown")
    UNDIFFERENTIATED = "undifferentiated", _("Undifferentiated")


def validate_sexes(value):
    if not isinstance(value, list) or any(code not in Sex.values for code in value):
        raise ValidationError(
            _("Choose sexes from: %(codes)s."), params={"codes": ", ".join(Sex.values)}
        )


class QualityLabel(models.TextChoices):
    """Quality labels a curator records for a collection (shown as badges, filterable)."""

    ISO_20387 = "iso-20387", _("ISO 20387 accredited biobank")
    SPREC = "sprec", _("SPREC codes recorded")


def validate_quality_labels(value):
    if not isinstance(value, list) or any(code not in QualityLabel.values for code in value):
        raise ValidationError(
            _("Choose quality labels from: %(codes)s."),
            params={"codes": ", ".join(QualityLabel.values)},
        )


def sample_count_band(count: int) -> str:
    """A sample count as the public sees it: an order of magnitude, never the number."""
    for upper, label in (
        (10, _("fewer than 10 samples")),
        (100, _("10 to 100 samples")),
        (1000, _("100 to 1,000 samples")),
        (10000, _("1,000 to 10,000 samples")),
    ):
        if count < upper:
            return str(label)
    return str(_("more than 10,000 samples"))


class SampleCollection(Publishable):
    """A clinical sample collection held by a clinical unit or biobank."""

    class Setting(models.TextChoices):
        ROUTINE_CARE = "routine_care", _("Routine care")
        CLINICAL_TRIAL = "clinical_trial", _("Clinical trial")
        RESEARCH_STUDY = "research_study", _("Research study")

    name = models.CharField(_("name"), max_length=200)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("held by"), on_delete=models.PROTECT, related_name="collections"
    )
    summary = models.CharField(_("summary"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    setting = models.CharField(
        _("collection setting"), max_length=20, choices=Setting.choices, blank=True
    )
    sample_types = models.ManyToManyField(
        SampleType, verbose_name=_("sample types"), related_name="collections"
    )
    cancer_types = models.ManyToManyField(
        CancerType, verbose_name=_("cancer types"), related_name="sample_collections"
    )
    size_band = models.PositiveSmallIntegerField(
        _("donors (order of magnitude)"),
        choices=SizeBand.choices,
        help_text=_("Set automatically from the exact number of donors when that is filled in."),
    )
    donor_count = models.PositiveIntegerField(
        _("exact number of donors"),
        null=True,
        blank=True,
        help_text=_("Shown to members only; the public sees the band."),
    )
    sexes = models.JSONField(
        _("donor sexes"),
        default=list,
        blank=True,
        validators=[validate_sexes],
        help_text=_("MIABIS sex codes: male, female, unknown, undifferentiated."),
    )
    quality_labels = models.JSONField(
        _("quality labels"),
        default=list,
        blank=True,
        validators=[validate_quality_labels],
        help_text=_("Set by curators after checking: iso-20387, sprec."),
    )
    age_low = models.PositiveSmallIntegerField(
        _("youngest donor age (years)"), null=True, blank=True
    )
    age_high = models.PositiveSmallIntegerField(
        _("oldest donor age (years)"), null=True, blank=True
    )
    timepoints = models.ManyToManyField(
        Timepoint, verbose_name=_("timepoints"), related_name="collections", blank=True
    )
    therapy_classes = models.JSONField(
        _("therapy classes"),
        default=list,
        blank=True,
        validators=[validate_therapy_classes],
        help_text=_("Codes such as anti-pd-1, anti-ctla-4, car-t."),
    )
    # Trials of the registry, linked; NCT IDs of trials not (yet) in the registry stay as text.
    linked_trials = models.ManyToManyField(
        "trials.Trial",
        verbose_name=_("linked trials"),
        related_name="sample_collections",
        blank=True,
        help_text=_("Trials of the registry the samples come from."),
    )
    other_nct_ids = models.TextField(
        _("other linked trials (NCT IDs)"),
        blank=True,
        validators=[validate_nct_ids],
        help_text=_(
            "Trials not in the registry: NCT IDs separated by commas or new lines, e.g. NCT01234567."
        ),
    )
    data_types = models.ManyToManyField(
        DataType, verbose_name=_("data types"), related_name="collections", blank=True
    )
    access_conditions = models.ManyToManyField(
        AccessCondition, verbose_name=_("access conditions"), related_name="collections", blank=True
    )
    contact = models.ForeignKey(
        Person,
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = CollectionQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("sample collection")
        verbose_name_plural = _("sample collections")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # Derived field: the band follows the exact count when one is known.
        if self.donor_count is not None:
            self.size_band = SizeBand.for_count(self.donor_count)
        self.other_nct_ids = ", ".join(parse_nct_ids(self.other_nct_ids))
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("collaborations:collection_detail", args=[self.slug])

    @property
    def nct_ids(self) -> list[str]:
        """Every linked trial's NCT ID: the registry's (in NCT order), then the others."""
        linked = sorted(trial.nct_id for trial in self.linked_trials.all())
        return linked + [n for n in parse_nct_ids(self.other_nct_ids) if n not in linked]

    @property
    def therapy_labels(self) -> list[str]:
        return therapy_labels(self.therapy_classes)

    @property
    def quality_label_names(self) -> list[str]:
        return [
            str(QualityLabel(code).label)
            for code in self.quality_labels
            if code in QualityLabel.values
        ]


class SampleCount(models.Model):
    """How many samples of one material type a collection holds (exact to members, banded to the public)."""

    collection = models.ForeignKey(
        SampleCollection,
        verbose_name=_("sample collection"),
        on_delete=models.CASCADE,
        related_name="sample_counts",
    )
    sample_type = models.ForeignKey(
        SampleType, verbose_name=_("sample type"), on_delete=models.PROTECT, related_name="+"
    )
    count = models.PositiveIntegerField(_("number of samples"))

    class Meta:
        ordering = ["sample_type__order", "sample_type__name"]
        verbose_name = _("sample count")
        verbose_name_plural = _("sample counts")
        constraints = [
            models.UniqueConstraint(
                fields=["collection", "sample_type"], name="collab_sample_count_unique"
            )
        ]

    def __str__(self):
        return f"{self.sample_type}: {self.count}"

    @property
    def band(self) -> str:
        return sample_count_band(self.count)


# --- Request workflow ----------------------------------------------------------------------------------


class RequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Requests `user` may see: curators all; requesters theirs; providers forwarded ones to their units."""
        if not user.is_authenticated:
            return self.none()
        if is_curator(user):
            return self.all()
        provider = models.Q(
            state__in=CollaborationRequest.PROVIDER_VISIBLE_STATES,
            items__in=RequestItem.objects.for_provider(user),
        )
        return self.filter(models.Q(requester=user) | provider).distinct()

    def idle_since(self, moment):
        """Open requests with no activity since `moment`."""
        return self.filter(state__in=CollaborationRequest.OPEN_STATES, last_activity_at__lt=moment)


class CollaborationRequest(models.Model):
    """A member's request to work with one or more platforms or collections."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted, awaiting screening")
        RETURNED = "returned", _("Returned for changes")
        FORWARDED = "forwarded", _("Forwarded to providers")
        DECLINED = "declined", _("Declined by the network office")
        CLOSED = "closed", _("Closed")

    class Ethics(models.TextChoices):
        APPROVED = "approved", _("Approved by an ethics committee")
        SUBMITTED = "submitted", _("Submitted to an ethics committee")
        PLANNED = "planned", _("Not yet submitted")
        NOT_REQUIRED = "not_required", _("Not required (no human material or data)")

    OPEN_STATES = (State.SUBMITTED, State.RETURNED, State.FORWARDED)
    PROVIDER_VISIBLE_STATES = (State.FORWARDED, State.CLOSED)

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requester"),
        on_delete=models.PROTECT,
        related_name="collaboration_requests",
    )
    title = models.CharField(_("project title"), max_length=200)
    project_summary = models.TextField(_("project summary"))
    intended_use = models.TextField(
        _("intended use"),
        help_text=_("Which samples or analyses you need, how many, and what for."),
    )
    ethics_status = models.CharField(_("ethics approval"), max_length=20, choices=Ethics.choices)
    acknowledge_network = models.BooleanField(_("I will acknowledge the network"), default=False)
    discuss_coauthorship = models.BooleanField(_("I will discuss co-authorship"), default=False)
    report_back = models.BooleanField(_("I will report results back"), default=False)
    protocol = models.FileField(
        _("study protocol (PDF)"),
        upload_to="protocols/%Y/",
        storage=ProtocolStorage(),
        blank=True,
        validators=[validate_protocol],
        help_text=_("Optional. Seen only by the network office and the providers you ask."),
    )
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.SUBMITTED, db_index=True
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)
    reminded_at = models.DateTimeField(_("last reminder"), null=True, blank=True)

    objects = RequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("collaboration request")
        verbose_name_plural = _("collaboration requests")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("collaborations:request_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES


class RequestItemQuerySet(models.QuerySet):
    def for_provider(self, user):
        """Items about resources of the user's unit or whose contact is the user."""
        person = Person.objects.filter(user=user).first() if user.is_authenticated else None
        unit_q = models.Q(pk__in=[])
        if person is not None and person.unit_id:
            unit_q = models.Q(platform__unit_id=person.unit_id) | models.Q(
                collection__unit_id=person.unit_id
            )
        return self.filter(
            unit_q
            | models.Q(platform__contact__user=user)
            | models.Q(collection__contact__user=user)
        )


class RequestItem(models.Model):
    """One resource in a request, with its provider's answer."""

    class Answer(models.TextChoices):
        PENDING = "pending", _("Awaiting answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        NEEDS_INFO = "needs_info", _("Needs more information")

    FINAL_ANSWERS = (Answer.ACCEPTED, Answer.DECLINED)

    request = models.ForeignKey(
        CollaborationRequest,
        verbose_name=_("request"),
        on_delete=models.CASCADE,
        related_name="items",
    )
    platform = models.ForeignKey(
        Platform, verbose_name=_("platform"), null=True, blank=True, on_delete=models.PROTECT
    )
    collection = models.ForeignKey(
        SampleCollection,
        verbose_name=_("sample collection"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    answer = models.CharField(
        _("answer"), max_length=20, choices=Answer.choices, default=Answer.PENDING
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = RequestItemQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("requested resource")
        verbose_name_plural = _("requested resources")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(platform__isnull=False, collection__isnull=True)
                    | models.Q(platform__isnull=True, collection__isnull=False)
                ),
                name="collab_item_one_resource",
            )
        ]

    def __str__(self):
        return str(self.resource)

    @property
    def resource(self):
        return self.platform or self.collection

    @property
    def provider_email(self) -> str:
        contact = self.resource.contact
        return contact.email if contact else ""


class RequestEvent(models.Model):
    """One step in a request's history: who did what, when, with which comment."""

    request = models.ForeignKey(
        CollaborationRequest,
        verbose_name=_("request"),
        on_delete=models.CASCADE,
        related_name="events",
    )
    item = models.ForeignKey(
        RequestItem,
        verbose_name=_("requested resource"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="events",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=30)
    from_state = models.CharField(_("from"), max_length=20, blank=True)
    to_state = models.CharField(_("to"), max_length=20, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("request history entry")
        verbose_name_plural = _("request history")

    def __str__(self):
        return f"{self.action} ({self.created_at:%Y-%m-%d %H:%M})"


# --- Alerts --------------------------------------------------------------------------------------------


class SavedSearch(models.Model):
    """A member's saved directory filter, sent as a daily or weekly digest of new matches."""

    class Kind(models.TextChoices):
        PLATFORMS = "platforms", _("Platforms")
        COLLECTIONS = "collections", _("Sample collections")

    class Frequency(models.TextChoices):
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="collaboration_searches",
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("directory"), max_length=20, choices=Kind.choices)
    query = models.JSONField(_("filter"), default=dict, blank=True)
    frequency = models.CharField(
        _("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_sent_at = models.DateTimeField(_("last checked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")

    def __str__(self):
        return self.name
