"""Admin of the education app: scheduling (status + publication time), previews, uploads."""

from __future__ import annotations

import zoneinfo

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ion_portal.admin_publishing import PublishableAdminMixin

from .admin_registration import (
    EventMaterialInline,
    EventRegistrationAdminMixin,
    SessionInline,
)
from .models import CONTENT_LANGUAGES, Event, NewsItem, Resource, ResourceVariant


class ScheduleStateFilter(admin.SimpleListFilter):
    title = _("visibility")
    parameter_name = "visibility"

    def lookups(self, request, model_admin):
        return [
            ("live", _("Public now")),
            ("scheduled", _("Scheduled")),
            ("draft", _("Draft")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "live":
            return queryset.published()
        if self.value() == "scheduled":
            return queryset.filter(status="published", published_at__gt=now)
        if self.value() == "draft":
            return queryset.filter(status="draft")
        return queryset


class PublishableAdmin(PublishableAdminMixin, admin.ModelAdmin):
    """Education's: a visibility column, a filter for scheduled items and a preview link for staff
    (publish/unpublish actions from the core mixin)."""

    list_filter = (ScheduleStateFilter, "status")
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ("title",)}
    search_fields = ("title", "summary")

    @admin.display(description=_("visibility"))
    def visibility(self, obj):
        if obj.is_published:
            return _("Public")
        if obj.status == obj.Status.PUBLISHED:
            return _("Scheduled for %(when)s") % {
                "when": timezone.localtime(obj.published_at).strftime("%Y-%m-%d %H:%M")
            }
        return _("Draft")

    @admin.display(description=_("preview"))
    def preview_link(self, obj):
        if not obj.pk:
            return "—"
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            obj.get_absolute_url(),
            _("Open the page") if obj.is_published else _("Preview (staff only)"),
        )


@admin.register(NewsItem)
class NewsItemAdmin(PublishableAdmin):
    list_display = ("title", "language", "audience", "visibility", "published_at", "preview_link")
    list_filter = (ScheduleStateFilter, "status", "language", "audience")
    autocomplete_fields = ("author",)
    readonly_fields = ("preview_link",)
    fieldsets = (
        (None, {"fields": ("title", "slug", "language", "audience", "author", "summary", "body")}),
        (
            _("Publication"),
            {
                "fields": ("status", "published_at", "preview_link"),
                "description": _(
                    "Published items with a publication time in the future are scheduled: "
                    "they appear on the site at that moment."
                ),
            },
        ),
    )


class EventAdminForm(forms.ModelForm):
    """Start and end are typed in the event's own time zone, not the server's."""

    # A list of codes in a JSON field: offer the languages as choices instead of raw JSON.
    languages = forms.MultipleChoiceField(
        label=_("languages spoken"),
        choices=CONTENT_LANGUAGES,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    class Meta:
        model = Event
        fields = [
            "title",
            "slug",
            "event_type",
            "audience",
            "summary",
            "description",
            "timezone",
            "start",
            "end",
            "all_day",
            "location",
            "online_url",
            "languages",
            "speakers",
            "accreditation_system",
            "accreditation_points",
            "registration_url",
            "registration_enabled",
            "capacity",
            "registration_deadline",
            "registration_requires_approval",
            "status",
            "published_at",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            tz = self.instance.tzinfo
            for name in ("start", "end", "registration_deadline"):
                value = getattr(self.instance, name)
                if value is not None:
                    self.initial[name] = timezone.localtime(value, tz).replace(tzinfo=None)

    def clean(self):
        cleaned = super().clean()
        zone_name = cleaned.get("timezone")
        if zone_name:
            tz = zoneinfo.ZoneInfo(zone_name)
            for name in ("start", "end", "registration_deadline"):
                value = cleaned.get(name)
                if value is not None:
                    # The form read the wall-clock time in the server's zone; re-read it in the event's.
                    wall = timezone.localtime(value).replace(tzinfo=None)
                    cleaned[name] = wall.replace(tzinfo=tz)
                    setattr(self.instance, name, cleaned[name])
        return cleaned


@admin.register(Event)
class EventAdmin(EventRegistrationAdminMixin, PublishableAdmin):
    form = EventAdminForm
    list_display = (
        "title",
        "event_type",
        "start",
        "audience",
        "visibility",
        "registration_counts",
        "preview_link",
    )
    list_filter = (ScheduleStateFilter, "status", "event_type", "audience", "registration_enabled")
    readonly_fields = ("uid", "preview_link", "registration_tools")
    inlines = (SessionInline, EventMaterialInline)
    fieldsets = (
        (None, {"fields": ("title", "slug", "event_type", "audience", "summary", "description")}),
        (
            _("When and where"),
            {
                "fields": (
                    "timezone",
                    "start",
                    "end",
                    "all_day",
                    "location",
                    "online_url",
                    "languages",
                )
            },
        ),
        (
            _("Speakers, accreditation and registration"),
            {
                "fields": (
                    "speakers",
                    "accreditation_system",
                    "accreditation_points",
                    "registration_url",
                )
            },
        ),
        (
            _("Registration on this site"),
            {
                "fields": (
                    "registration_enabled",
                    "capacity",
                    "registration_deadline",
                    "registration_requires_approval",
                    "registration_tools",
                ),
                "description": _(
                    "Capacity, deadline (in the event's time zone) and approval. When the event is "
                    "full, new registrations join the waiting list; a cancellation gives the place "
                    "to the first person waiting."
                ),
            },
        ),
        (_("Publication"), {"fields": ("status", "published_at", "preview_link", "uid")}),
    )


class ResourceVariantInline(admin.TabularInline):
    model = ResourceVariant
    extra = 1
    fields = ("language", "title", "file", "url", "content_type", "size")
    readonly_fields = ("content_type", "size")


@admin.register(Resource)
class ResourceAdmin(PublishableAdmin):
    list_display = ("title", "audience", "topic", "languages", "visibility", "preview_link")
    list_filter = (ScheduleStateFilter, "status", "audience", "topic", "cancer_types")
    filter_horizontal = ("cancer_types",)
    readonly_fields = ("preview_link",)
    inlines = (ResourceVariantInline,)
    fieldsets = (
        (None, {"fields": ("title", "slug", "audience", "topic", "cancer_types", "summary")}),
        (_("Provenance"), {"fields": ("source", "review_date", "funding_disclosure")}),
        (_("Publication"), {"fields": ("status", "published_at", "preview_link")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("variants")

    @admin.display(description=_("languages"))
    def languages(self, obj):
        return ", ".join(variant.language for variant in obj.variants.all())
