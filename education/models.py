"""Models of the education app: news items, events of the agenda and resources with language variants.

All three build on `ion_portal.models.Publishable`, so `published()` (status published and publication
time reached) is the one visibility rule for pages, feeds, the sitemap and the API. A news item (or an
event, or a resource) with a future `published_at` is scheduled: it appears on its own at that moment.
"""

from __future__ import annotations

import decimal
import uuid
import zoneinfo
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ion_portal.models import CancerType, Person, Publishable, PublishableQuerySet

from .uploads import FileOrLink
from .validators import validate_upload

# Content languages (per item, per resource variant): the 24 official EU languages, as the ECPC
# immuno-oncology patient guide is published in all of them, plus a few common in the region.
CONTENT_LANGUAGES = [
    ("en", _("English")),
    ("nl", _("Dutch")),
    ("fr", _("French")),
    ("de", _("German")),
    ("bg", _("Bulgarian")),
    ("cs", _("Czech")),
    ("da", _("Danish")),
    ("el", _("Greek")),
    ("es", _("Spanish")),
    ("et", _("Estonian")),
    ("fi", _("Finnish")),
    ("ga", _("Irish")),
    ("hr", _("Croatian")),
    ("hu", _("Hungarian")),
    ("it", _("Italian")),
    ("lt", _("Lithuanian")),
    ("lv", _("Latvian")),
    ("mt", _("Maltese")),
    ("pl", _("Polish")),
    ("pt", _("Portuguese")),
    ("ro", _("Romanian")),
    ("sk", _("Slovak")),
    ("sl", _("Slovenian")),
    ("sv", _("Swedish")),
    ("ar", _("Arabic")),
    ("tr", _("Turkish")),
]

# Time zones offered for events: the network's own and those of its usual speakers.
EVENT_TIME_ZONES = [
    "Europe/Brussels",
    "Europe/Amsterdam",
    "Europe/Paris",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "UTC",
]


# Paths under /events/ that are pages of their own, so no event may use them as its slug.
RESERVED_EVENT_SLUGS = {"past", "feed", "registrations", "certificates"}


class Audience(models.TextChoices):
    PROFESSIONALS = "professionals", _("Healthcare professionals")
    PATIENTS = "patients", _("Patients and relatives")
    EVERYONE = "everyone", _("Everyone")


class NewsItem(Publishable):
    """A news item; a future `published_at` schedules it."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=CONTENT_LANGUAGES,
        default="en",
        help_text=_("The language this item is written in."),
    )
    summary = models.TextField(
        _("summary"), max_length=400, help_text=_("One or two sentences, shown in lists and feeds.")
    )
    body = models.TextField(_("body"), help_text=_("Plain text; a blank line starts a paragraph."))
    audience = models.CharField(
        _("audience"), max_length=20, choices=Audience.choices, default=Audience.EVERYONE
    )
    author = models.ForeignKey(
        Person,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="news_items",
    )

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("news item")
        verbose_name_plural = _("news items")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("education:news_detail", args=[self.slug])


class EventQuerySet(PublishableQuerySet):
    def upcoming(self):
        """Events that have not ended yet, soonest first."""
        return self.filter(end__gte=timezone.now()).order_by("start", "pk")

    def past(self):
        """Events that have ended, most recent first."""
        return self.filter(end__lt=timezone.now()).order_by("-start", "-pk")


class Event(Publishable):
    """An event of the agenda: a seminar, course, symposium, webinar, journal club or patient session."""

    class Type(models.TextChoices):
        SEMINAR = "seminar", _("Seminar")
        COURSE = "course", _("Course")
        SYMPOSIUM = "symposium", _("Symposium")
        WEBINAR = "webinar", _("Webinar")
        JOURNAL_CLUB = "journal-club", _("Journal club")
        PATIENT_SESSION = "patient-session", _("Patient information session")

    class Accreditation(models.TextChoices):
        RIZIV = "riziv-inami", _("RIZIV/INAMI credit points")
        EACCME = "eaccme", _("EACCME European CME credits")
        ESMO_MORA = "esmo-mora", _("ESMO-MORA points")

    # The iCalendar UID: fixed at creation, so calendar apps update the event instead of duplicating it.
    uid = models.UUIDField(_("calendar UID"), default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    event_type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    summary = models.TextField(_("summary"), max_length=400)
    description = models.TextField(
        _("description"), blank=True, help_text=_("Plain text; a blank line starts a paragraph.")
    )
    start = models.DateTimeField(_("start"), db_index=True)
    end = models.DateTimeField(_("end"), db_index=True)
    timezone = models.CharField(
        _("time zone"),
        max_length=40,
        choices=[(name, name) for name in EVENT_TIME_ZONES],
        default="Europe/Brussels",
        help_text=_("Start and end are entered and shown in this time zone."),
    )
    all_day = models.BooleanField(
        _("all day"), default=False, help_text=_("Only the dates count; times are ignored.")
    )
    location = models.CharField(
        _("location"), max_length=300, blank=True, help_text=_("Venue, room and city.")
    )
    online_url = models.URLField(_("online link"), blank=True)
    audience = models.CharField(
        _("audience"), max_length=20, choices=Audience.choices, default=Audience.PROFESSIONALS
    )
    languages = models.JSONField(
        _("languages spoken"),
        default=list,
        blank=True,
        help_text=_('Language codes, for example ["nl", "en"].'),
    )
    speakers = models.TextField(_("speakers"), blank=True, help_text=_("One per line."))
    accreditation_system = models.CharField(
        _("accreditation system"), max_length=20, choices=Accreditation.choices, blank=True
    )
    accreditation_points = models.DecimalField(
        _("accreditation points"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    registration_url = models.URLField(
        _("registration link"),
        blank=True,
        help_text=_("An outside registration page; leave empty when registration is on this site."),
    )
    # Registration on the portal (education/registration.py): off unless the curator enables it.
    registration_enabled = models.BooleanField(
        _("registration on this site"),
        default=False,
        help_text=_("People register here; they receive a confirmation with the calendar file."),
    )
    capacity = models.PositiveIntegerField(
        _("places"),
        null=True,
        blank=True,
        help_text=_(
            "Leave empty for no limit. When full, new registrations join the waiting list."
        ),
    )
    registration_deadline = models.DateTimeField(
        _("registration deadline"),
        null=True,
        blank=True,
        help_text=_("Leave empty to accept registrations until the event starts."),
    )
    registration_requires_approval = models.BooleanField(
        _("registrations need approval"),
        default=False,
        help_text=_("A curator confirms each registration; it holds a place meanwhile."),
    )

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["start", "pk"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")), name="education_event_end_after_start"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("education:event_detail", args=[self.slug])

    def clean(self):
        errors = {}
        if self.slug in RESERVED_EVENT_SLUGS:
            errors["slug"] = _("This slug is taken by a page of the agenda; choose another.")
        if self.start and self.end and self.end < self.start:
            errors["end"] = _("The event cannot end before it starts.")
        if self.accreditation_points is not None and not self.accreditation_system:
            errors["accreditation_system"] = _("Say which system awards these points.")
        if self.registration_enabled and self.registration_url:
            errors["registration_url"] = _(
                "Registration is on this site: remove the outside registration link."
            )
        if self.capacity == 0:
            errors["capacity"] = _("Give at least one place, or leave empty for no limit.")
        if self.registration_deadline and self.end and self.registration_deadline > self.end:
            errors["registration_deadline"] = _("Registration must close before the event ends.")
        codes = {code for code, _label in CONTENT_LANGUAGES}
        if not isinstance(self.languages, list) or any(
            code not in codes for code in self.languages
        ):
            errors["languages"] = _('Give a list of language codes, for example ["nl", "en"].')
        if errors:
            raise ValidationError(errors)

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def local_start(self):
        return timezone.localtime(self.start, self.tzinfo)

    @property
    def local_end(self):
        return timezone.localtime(self.end, self.tzinfo)

    @property
    def is_past(self) -> bool:
        return self.end < timezone.now()

    @property
    def is_online(self) -> bool:
        return bool(self.online_url)

    @property
    def speaker_list(self) -> list[str]:
        return [line.strip() for line in self.speakers.splitlines() if line.strip()]

    @property
    def language_names(self) -> list[str]:
        names = dict(CONTENT_LANGUAGES)
        return [str(names.get(code, code)) for code in self.languages]

    @property
    def registration_closes(self):
        """When registration closes: the deadline, or the start of the event."""
        return self.registration_deadline or self.start

    @property
    def registration_open(self) -> bool:
        return self.registration_enabled and timezone.now() < self.registration_closes

    @property
    def hours(self):
        """The teaching time for the certificate: the sessions' total, else start to end."""

        sessions = list(self.sessions.all())
        if sessions:
            seconds = sum((s.end - s.start).total_seconds() for s in sessions)
        else:
            seconds = (self.end - self.start).total_seconds()
        return (decimal.Decimal(seconds) / 3600).quantize(decimal.Decimal("0.1"))


class Resource(Publishable):
    """Educational material for patients or professionals, with one variant (file or link) per language."""

    class ResourceAudience(models.TextChoices):
        PATIENTS = "patients", _("Patients and relatives")
        PROFESSIONALS = "professionals", _("Healthcare professionals")

    class Topic(models.TextChoices):
        ABOUT = "about-immunotherapy", _("About immunotherapy")
        SIDE_EFFECTS = "side-effects", _("Side effects")
        TREATMENT = "treatment", _("Treatments and indications")
        TRIALS = "clinical-trials", _("Clinical trials")
        LIVING = "living-with-cancer", _("Living with cancer")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    summary = models.TextField(_("summary"), max_length=600)
    audience = models.CharField(_("audience"), max_length=20, choices=ResourceAudience.choices)
    topic = models.CharField(_("topic"), max_length=30, choices=Topic.choices)
    cancer_types = models.ManyToManyField(
        CancerType, verbose_name=_("cancer types"), blank=True, related_name="resources"
    )
    source = models.CharField(
        _("source"), max_length=200, blank=True, help_text=_("Organisation and edition.")
    )
    review_date = models.DateField(_("last reviewed"), null=True, blank=True)
    funding_disclosure = models.TextField(
        _("funding disclosure"),
        blank=True,
        help_text=_("Who paid for this material; leave empty only if nobody did."),
    )

    class Meta:
        ordering = ["title"]
        verbose_name = _("resource")
        verbose_name_plural = _("resources")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("education:resource_detail", args=[self.slug])


def _variant_upload_to(instance, filename: str) -> str:
    # A random name: uploaded files are never found by guessing, and two uploads never collide.
    suffix = PurePosixPath(filename).suffix.lower()
    return f"education/resources/{uuid.uuid4().hex}{suffix}"


class ResourceVariant(FileOrLink, models.Model):
    """One language version of a resource: an uploaded PDF or image, or a link."""

    resource = models.ForeignKey(
        Resource, verbose_name=_("resource"), on_delete=models.CASCADE, related_name="variants"
    )
    language = models.CharField(_("language"), max_length=8, choices=CONTENT_LANGUAGES)
    title = models.CharField(_("title in this language"), max_length=200, blank=True)
    file = models.FileField(
        _("file"),
        upload_to=_variant_upload_to,
        blank=True,
        validators=[validate_upload],
        help_text=_("A PDF or an image (PNG, JPEG, GIF or WebP)."),
    )
    url = models.URLField(_("link"), blank=True)
    content_type = models.CharField(_("content type"), max_length=50, blank=True, editable=False)
    size = models.PositiveIntegerField(_("size in bytes"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["resource", "language"]
        verbose_name = _("language variant")
        verbose_name_plural = _("language variants")
        constraints = [
            models.UniqueConstraint(
                fields=["resource", "language"], name="education_one_variant_per_language"
            ),
            # Exactly one of file and link.
            models.CheckConstraint(
                condition=(Q(file="") & ~Q(url="")) | (~Q(file="") & Q(url="")),
                name="education_variant_file_xor_link",
            ),
        ]

    def __str__(self):
        return f"{self.resource} ({self.language})"

    def get_absolute_url(self):
        """Where a visitor gets this variant: the download view for files, the link otherwise."""
        if self.file:
            return reverse("education:resource_download", args=[self.resource.slug, self.language])
        return self.url

    @property
    def display_title(self) -> str:
        return self.title or self.resource.title

    @property
    def is_file(self) -> bool:
        return bool(self.file)


# The registration, timetable and material models live in their own module (kept under 500 lines);
# imported here so Django finds them as education's models.
from .models_registration import EventMaterial, Registration, Session  # noqa: E402, F401
