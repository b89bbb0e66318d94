"""Core models shared by every app: the user, organisational units, people, cancer types, the
publishable base and partner API keys."""

from __future__ import annotations

import hashlib
import re
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

MEMBERS_GROUP = "Members"
CURATORS_GROUP = "Curators"
PARTNERS_GROUP = "Partners"


class UserManager(BaseUserManager):
    """Users log in with their e-mail address; there is no username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def awaiting_approval(self):
        """Active accounts with no role yet: not staff and in no group (members, curators and
        partners all have one)."""
        return self.filter(is_active=True, is_staff=False, groups__isnull=True)

    def create_superuser(self, email, password=None, **extra_fields):
        """A superuser whose address is verified: `make superuser` (createsuperuser) is run by someone
        at the server's console, who is trusted with the address typed, so the account can sign in
        to /admin/ at once instead of waiting for allauth's verification link."""
        # allauth's models refer to AUTH_USER_MODEL (this module): imported on use to avoid the cycle.
        from allauth.account.models import EmailAddress

        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        user = self._create_user(email, password, **extra_fields)
        EmailAddress.objects.using(self._db).create(
            user=user, email=user.email, verified=True, primary=True
        )
        return user


class User(AbstractUser):
    """A person with an account; the e-mail address is the login."""

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    affiliation = models.CharField(
        _("affiliation"),
        max_length=200,
        blank=True,
        help_text=_("Department and institution, given at sign-up; curators approve on it."),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.email

    def in_group(self, name: str) -> bool:
        # Cached per instance: templates ask several times per page.
        cache = self.__dict__.setdefault("_group_names", None)
        if cache is None:
            cache = set(self.groups.values_list("name", flat=True)) if self.pk else set()
            self.__dict__["_group_names"] = cache
        return name in cache

    @property
    def is_member(self) -> bool:
        """Approved members, curators and superusers see member-only details."""
        return self.is_active and (
            self.is_superuser or self.in_group(MEMBERS_GROUP) or self.in_group(CURATORS_GROUP)
        )

    @property
    def is_curator(self) -> bool:
        return self.is_active and (self.is_superuser or self.in_group(CURATORS_GROUP))


def is_member(user) -> bool:
    """True for a signed-in, approved member (or curator/superuser)."""
    return bool(user and user.is_authenticated and user.is_member)


def is_curator(user) -> bool:
    return bool(user and user.is_authenticated and user.is_curator)


class PublishableQuerySet(models.QuerySet):
    """The one visibility rule: published and not scheduled for the future."""

    def published(self):
        """Rows the public may see: status published and publication time reached."""
        return self.filter(status=Publishable.Status.PUBLISHED, published_at__lte=timezone.now())

    def drafts(self):
        """Rows the public may not see yet."""
        return self.exclude(pk__in=self.published().values("pk"))


class Publishable(models.Model):
    """Abstract base for anything with a public page: a draft never leaks."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(
        _("published at"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("Visible to the public from this moment; set automatically when published."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # Derived field: publishing without a date means "now".
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )


class Unit(models.Model):
    """An organisational unit of the network: a department, lab, core facility or biobank."""

    class Kind(models.TextChoices):
        CLINICAL = "clinical", _("Clinical department")
        LAB = "lab", _("Research lab")
        CORE = "core", _("Core facility")
        BIOBANK = "biobank", _("Biobank")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    institution = models.CharField(_("institution"), max_length=200)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    address = models.TextField(_("address"), blank=True)
    website = models.URLField(_("website"), blank=True)
    aliases = models.TextField(
        _("aliases"),
        blank=True,
        help_text=_(
            "Names of the hospital as registries write them, one per line (e.g. Ghent University "
            "Hospital, UZ Gent): a trial location with one of these names is proposed as this site."
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self):
        return self.short_name or self.name

    @property
    def alias_list(self) -> list[str]:
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]


class Person(models.Model):
    """A person the portal shows; contact details are for members only."""

    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    title = models.CharField(
        _("title"), max_length=50, blank=True, help_text=_("For example Prof. Dr.")
    )
    role = models.CharField(_("role"), max_length=200, blank=True)
    specialty = models.CharField(_("specialty"), max_length=100, blank=True)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    orcid = models.CharField(
        _("ORCID iD"),
        max_length=19,
        blank=True,
        help_text=_("Sixteen digits in four groups, for example 0000-0002-1825-0097."),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    bio = models.TextField(_("short biography"), blank=True)
    on_steering_committee = models.BooleanField(_("on the steering committee"), default=False)
    is_demo = models.BooleanField(
        _("demo person"),
        default=False,
        help_text=_("A fictitious person shipped with the demo data."),
    )

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        return " ".join(part for part in (self.title, self.first_name, self.last_name) if part)

    def clean(self):
        if self.orcid and not re.fullmatch(r"\d{4}-\d{4}-\d{4}-\d{3}[\dX]", self.orcid):
            raise ValidationError({"orcid": _("Enter an ORCID iD like 0000-0002-1825-0097.")})


class CancerTypeQuerySet(models.QuerySet):
    def roots(self):
        """Top-level tumour types (no parent)."""
        return self.filter(parent__isnull=True)

    def with_descendants(self):
        """These types and every narrower one: the one meaning of `?cancer_type=` in every app
        (Lung cancer finds NSCLC trials, collections and resources)."""
        # The vocabulary is a few hundred rows: one query for the tree beats a recursive CTE that
        # SQLite and PostgreSQL spell alike only with raw SQL.
        parents = dict(CancerType.objects.values_list("pk", "parent_id"))
        found = set(self.values_list("pk", flat=True))
        frontier = set(found)
        while frontier:
            frontier = {pk for pk, parent in parents.items() if parent in frontier} - found
            found |= frontier
        return CancerType.objects.filter(pk__in=found)


class CancerType(models.Model):
    """Controlled vocabulary of tumour types, hierarchical (Lung cancer > NSCLC)."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("broader type"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    icd10 = models.CharField(
        _("ICD-10 codes"), max_length=100, blank=True, help_text=_("Comma-separated.")
    )
    synonyms = models.TextField(
        _("synonyms"),
        blank=True,
        help_text=_("One per line; used to recognise imported conditions."),
    )

    objects = CancerTypeQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("cancer type")
        verbose_name_plural = _("cancer types")

    def __str__(self):
        return self.name

    def ancestors(self) -> list[CancerType]:
        """Broader types, nearest first."""
        chain, node, seen = [], self.parent, set()
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            chain.append(node)
            node = node.parent
        return chain

    @property
    def synonym_list(self) -> list[str]:
        return [line.strip() for line in self.synonyms.splitlines() if line.strip()]


class ApiKeyQuerySet(models.QuerySet):
    def active(self):
        """Keys that have not been revoked."""
        return self.filter(revoked_at__isnull=True)


class ApiKey(models.Model):
    """A partner's API key. Only a SHA-256 hash is stored; the key is shown once, at creation."""

    PREFIX_LENGTH = 8

    name = models.CharField(_("name"), max_length=100, help_text=_("Who uses this key, for what."))
    partner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("partner account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="api_keys",
    )
    prefix = models.CharField(_("prefix"), max_length=PREFIX_LENGTH, unique=True, editable=False)
    hashed_key = models.CharField(_("hashed key"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(raw_key: str) -> str:
        return hashlib.sha256(raw_key.encode()).hexdigest()

    def assign_new_secret(self) -> str:
        """Give this (unsaved) key a fresh prefix and secret; returns the raw key, which is never stored."""
        self.prefix = secrets.token_hex(self.PREFIX_LENGTH // 2)
        raw = f"{self.prefix}.{secrets.token_urlsafe(32)}"
        self.hashed_key = self.hash(raw)
        return raw

    @classmethod
    def generate(cls, *, name: str, partner=None) -> tuple[ApiKey, str]:
        """Create a key; returns the saved row and the raw key (shown once, never stored)."""
        key = cls(name=name, partner=partner)
        raw = key.assign_new_secret()
        key.save()
        return key, raw

    @classmethod
    def lookup(cls, raw_key: str) -> ApiKey | None:
        """The active key matching `raw_key`, or None."""
        prefix = raw_key.split(".", 1)[0]
        key = cls.objects.active().filter(prefix=prefix).first()
        if key is None or not secrets.compare_digest(key.hashed_key, cls.hash(raw_key)):
            return None
        return key

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ContactMessage(models.Model):
    """A message sent through the contact form, kept so nothing is lost if e-mail fails."""

    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"))
    subject = models.CharField(_("subject"), max_length=200)
    message = models.TextField(_("message"))
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("contact message")
        verbose_name_plural = _("contact messages")

    def __str__(self):
        return f"{self.subject} — {self.email}"

    def get_absolute_url(self):
        return reverse("admin:ion_portal_contactmessage_change", args=[self.pk])


class SitePage(models.Model):
    """A page every hospital site must publish (privacy, cookies, accessibility, legal notice), in
    English and Dutch (French optional: an empty French text falls back to English, marked as such),
    edited by curators in the admin with its history kept."""

    class Kind(models.TextChoices):
        PRIVACY = "privacy", _("Privacy notice")
        COOKIES = "cookies", _("Cookies")
        ACCESSIBILITY = "accessibility", _("Accessibility statement")
        LEGAL = "legal", _("Legal notice")

    kind = models.CharField(_("page"), max_length=20, choices=Kind.choices, unique=True)
    title_en = models.CharField(_("title (English)"), max_length=200)
    body_en = models.TextField(
        _("text (English)"),
        help_text=_(
            "Plain text: a blank line starts a paragraph, a line starting with ## a heading, "
            "a line starting with - a list item."
        ),
    )
    title_nl = models.CharField(_("title (Dutch)"), max_length=200)
    body_nl = models.TextField(_("text (Dutch)"))
    title_fr = models.CharField(_("title (French)"), max_length=200, blank=True)
    body_fr = models.TextField(
        _("text (French)"),
        blank=True,
        help_text=_("Empty: the English text is shown, marked as English."),
    )
    is_demo = models.BooleanField(
        _("demo text"),
        default=False,
        help_text=_("Shipped example text, to be replaced by the hospital's own; shown as such."),
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind"]
        verbose_name = _("site page")
        verbose_name_plural = _("site pages")

    def __str__(self):
        return self.get_kind_display()

    def get_absolute_url(self):
        return reverse(f"site_page_{self.kind}")

    def language_in(self, language: str) -> str:
        """The language the page is shown in for `language`: its own text, else English."""
        if (
            language in ("nl", "fr")
            and getattr(self, f"title_{language}")
            and getattr(self, f"body_{language}")
        ):
            return language
        return "en"

    def title_in(self, language: str) -> str:
        return getattr(self, f"title_{self.language_in(language)}")

    def body_in(self, language: str) -> str:
        return getattr(self, f"body_{self.language_in(language)}")
