"""Registration, timetable and after-event material of agenda events.

- `Registration`: one person's registration for an event (confirmed, pending approval, on the waiting
  list or cancelled), with a secret token for the personal link and a verification code printed on the
  attendance certificate. One active registration per address and event (a database constraint).
- `Session`: one slot of a multi-session event's timetable, with its room and speakers (`Person`).
- `EventMaterial`: slides (an uploaded file, validated like resources) or a link (a recording), shown
  to the public or to members only.

The rules (capacity, waiting list, promotion) are in education/registration.py.
"""

from __future__ import annotations

import secrets
import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ion_portal.models import Person, is_member

from .uploads import FileOrLink
from .validators import validate_upload

# Unambiguous characters for codes people type from paper (no 0/O, 1/I/L).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_token() -> str:
    return secrets.token_urlsafe(24)


def new_certificate_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


class RegistrationQuerySet(models.QuerySet):
    def holding_places(self):
        """Registrations that take a place: confirmed and awaiting approval."""
        return self.filter(status__in=Registration.PLACE_HOLDING)

    def waiting(self):
        return self.filter(status=Registration.Status.WAITING).order_by("created_at", "pk")


class Registration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Registered")
        PENDING = "pending", _("Awaiting approval")
        WAITING = "waiting", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    class Profession(models.TextChoices):
        PHYSICIAN = "physician", _("Physician")
        TRAINEE = "trainee", _("Physician in training")
        NURSE = "nurse", _("Nurse")
        PHARMACIST = "pharmacist", _("Pharmacist")
        RESEARCHER = "researcher", _("Researcher")
        OTHER_PROFESSIONAL = "other-professional", _("Other healthcare professional")
        PATIENT = "patient", _("Patient or relative")
        OTHER = "other", _("Other")

    PLACE_HOLDING = (Status.CONFIRMED, Status.PENDING)

    event = models.ForeignKey(
        "education.Event",
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event_registrations",
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"))
    profession = models.CharField(_("profession"), max_length=30, choices=Profession.choices)
    institution = models.CharField(_("institution"), max_length=200, blank=True)
    riziv_number = models.CharField(
        _("RIZIV/INAMI number"),
        max_length=11,
        blank=True,
        help_text=_("Eleven digits; needed for RIZIV/INAMI accreditation points."),
    )
    needs = models.TextField(_("dietary or access needs"), blank=True, max_length=1000)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.CONFIRMED
    )
    language = models.CharField(
        _("language"), max_length=8, blank=True, help_text=_("E-mails are written in it.")
    )
    attended = models.BooleanField(_("attended"), default=False)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    certificate_code = models.CharField(
        _("certificate code"),
        max_length=14,
        unique=True,
        default=new_certificate_code,
        editable=False,
    )
    created_at = models.DateTimeField(_("registered at"), default=timezone.now, db_index=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["event", "created_at", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            # No double registration with the same address (case-insensitive); a cancelled one may
            # register again.
            models.UniqueConstraint(
                Lower("email"),
                "event",
                condition=~Q(status="cancelled"),
                name="education_one_active_registration_per_address",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.event})"

    def get_absolute_url(self):
        return reverse("education:registration_manage", args=[self.token])

    @property
    def is_active(self) -> bool:
        return self.status != self.Status.CANCELLED

    @property
    def has_certificate(self) -> bool:
        return self.attended and self.status == self.Status.CONFIRMED

    def verification_url(self) -> str:
        return reverse("education:certificate_verify", args=[self.certificate_code])


class Session(models.Model):
    """One slot of an event's timetable."""

    event = models.ForeignKey(
        "education.Event",
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="sessions",
    )
    title = models.CharField(_("title"), max_length=200)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    room = models.CharField(_("room"), max_length=100, blank=True)
    speakers = models.ManyToManyField(
        Person, verbose_name=_("speakers"), blank=True, related_name="event_sessions"
    )

    class Meta:
        ordering = ["start", "pk"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")), name="education_session_end_after_start"
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self._touch_event()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self._touch_event()
        return result

    def _touch_event(self):
        # The event's calendar files and feed are keyed on its updated_at: a timetable change is one.
        from .models import Event

        Event.objects.filter(pk=self.event_id).update(updated_at=timezone.now())

    def clean(self):
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("The session cannot end before it starts.")})
        event = getattr(self, "event", None) if self.event_id else None
        if event and self.start and self.end and (self.start < event.start or self.end > event.end):
            raise ValidationError(_("A session must lie within the event's start and end."))

    @property
    def local_start(self):
        return timezone.localtime(self.start, self.event.tzinfo)

    @property
    def local_end(self):
        return timezone.localtime(self.end, self.event.tzinfo)


def _material_upload_to(instance, filename: str) -> str:
    suffix = PurePosixPath(filename).suffix.lower()
    return f"education/material/{uuid.uuid4().hex}{suffix}"


class EventMaterial(FileOrLink, models.Model):
    """Slides or a recording of a past event, for the public or for members only."""

    class Audience(models.TextChoices):
        PUBLIC = "public", _("Everyone")
        MEMBERS = "members", _("Members only")

    event = models.ForeignKey(
        "education.Event",
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="materials",
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(
        _("file"),
        upload_to=_material_upload_to,
        blank=True,
        validators=[validate_upload],
        help_text=_("Slides as a PDF, or an image (PNG, JPEG, GIF or WebP)."),
    )
    url = models.URLField(_("link"), blank=True, help_text=_("For example a recording."))
    audience = models.CharField(
        _("visible to"), max_length=10, choices=Audience.choices, default=Audience.MEMBERS
    )
    content_type = models.CharField(_("content type"), max_length=50, blank=True, editable=False)
    size = models.PositiveIntegerField(_("size in bytes"), null=True, blank=True, editable=False)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["event", "position", "pk"]
        verbose_name = _("event material")
        verbose_name_plural = _("event material")
        constraints = [
            models.CheckConstraint(
                condition=(Q(file="") & ~Q(url="")) | (~Q(file="") & Q(url="")),
                name="education_material_file_xor_link",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        if self.file:
            return reverse("education:material_download", args=[self.event.slug, self.pk])
        return self.url

    def visible_to(self, user) -> bool:
        return self.audience == self.Audience.PUBLIC or is_member(user)
