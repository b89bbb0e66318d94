"""Admin of the collaborations app: vocabularies, the compatibility table, platforms, collections,
requests with their history, and saved searches."""

from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from collaborations import models
from ion_portal.admin_fields import choice_list_field
from ion_portal.admin_publishing import PublishableAdminMixin
from ion_portal.immunotherapy import ImmunotherapyClass

# JSON lists of codes, edited as checkboxes (the model validators still check what is stored).
CODE_LISTS = {
    "therapy_classes": ImmunotherapyClass.choices,
    "sexes": models.Sex.choices,
    "quality_labels": models.QualityLabel.choices,
}


@admin.register(models.SampleType, models.DataType, models.Timepoint)
class TermAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(models.AccessCondition)
class AccessConditionAdmin(TermAdmin):
    list_display = ["name", "slug", "description", "order"]


@admin.register(models.TechniqueSampleType)
class TechniqueSampleTypeAdmin(admin.ModelAdmin):
    list_display = ["technique", "sample_type", "weight"]
    list_editable = ["weight"]
    list_filter = ["technique", "sample_type"]
    list_select_related = ["technique", "sample_type"]


class CompatibilityInline(admin.TabularInline):
    model = models.TechniqueSampleType
    extra = 1


@admin.register(models.Technique)
class TechniqueAdmin(TermAdmin):
    inlines = [CompatibilityInline]


class PublishableAdmin(PublishableAdminMixin, admin.ModelAdmin):
    list_display = ["name", "unit", "status", "published_at"]
    list_filter = ["status", "unit"]
    list_select_related = ["unit"]
    search_fields = ["name", "summary", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["contact"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in CODE_LISTS:
            return choice_list_field(db_field, CODE_LISTS[db_field.name])
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(models.Platform)
class PlatformAdmin(PublishableAdmin):
    list_display = ["name", "unit", "access_model", "status", "published_at"]
    list_filter = ["status", "access_model", "unit"]
    filter_horizontal = [
        "techniques",
        "sample_types",
        "cancer_types",
        "timepoints",
        "data_types",
        "access_conditions_not_met",
    ]


class SampleCountInline(admin.TabularInline):
    model = models.SampleCount
    extra = 1


@admin.register(models.SampleCollection)
class SampleCollectionAdmin(PublishableAdmin):
    list_display = ["name", "unit", "size_band", "status", "published_at"]
    list_filter = ["status", "size_band", "unit"]
    inlines = [SampleCountInline]
    autocomplete_fields = ["contact", "linked_trials"]
    filter_horizontal = [
        "sample_types",
        "cancer_types",
        "timepoints",
        "data_types",
        "access_conditions",
    ]


class RequestItemInline(admin.TabularInline):
    model = models.RequestItem
    extra = 0
    readonly_fields = ["platform", "collection", "answer", "answered_at", "answered_by"]
    can_delete = False


class RequestEventInline(admin.TabularInline):
    model = models.RequestEvent
    extra = 0
    readonly_fields = ["created_at", "actor", "action", "from_state", "to_state", "item", "comment"]
    can_delete = False


@admin.register(models.CollaborationRequest)
class CollaborationRequestAdmin(admin.ModelAdmin):
    """Requests move only through the workflow pages; admin shows them read-only."""

    list_display = ["title", "requester", "state", "created_at", "last_activity_at"]
    list_filter = ["state"]
    date_hierarchy = "created_at"
    search_fields = ["title", "requester__email"]
    list_select_related = ["requester"]
    inlines = [RequestItemInline, RequestEventInline]
    readonly_fields = ["state", "requester", "created_at", "last_activity_at", "reminded_at"]


@admin.register(models.SavedSearch)
class SavedSearchAdmin(admin.ModelAdmin):
    """A member's alert: the filter is theirs (set on the directory page) and shown read-only."""

    list_display = ["name", "user", "kind", "frequency", "is_active", "last_sent_at"]
    list_filter = ["kind", "frequency", "is_active"]
    list_select_related = ["user"]
    search_fields = ["name", "user__email"]
    fields = ["name", "user", "kind", "filter_display", "frequency", "is_active", "last_sent_at"]
    readonly_fields = ["user", "kind", "filter_display", "last_sent_at"]

    @admin.display(description=_("filter"))
    def filter_display(self, obj):
        items = sorted((obj.query or {}).items())
        if not items:
            return "-"
        return format_html_join(
            ", ",
            "{}: {}",
            ((key, ", ".join(map(str, v)) if isinstance(v, list) else v) for key, v in items),
        )
