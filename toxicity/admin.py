"""Admin of the toxicity app: curators edit guidelines (with history), the task force, the rota and consults."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from ion_portal.admin_fields import without_related_links
from ion_portal.admin_publishing import PublishableAdminMixin
from ion_portal.immunotherapy import TherapyFamily
from toxicity.admin_forms import RecommendationForm, RecommendationFormSet, ToxicityAdminForm
from toxicity.models import (
    ConsultRequest,
    CtcaeTerm,
    GradeDefinition,
    GradingScheme,
    GuidelineSource,
    OnCallShift,
    OrganSystem,
    Recommendation,
    TaskForceMember,
    Toxicity,
)


@admin.register(OrganSystem)
class OrganSystemAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(GuidelineSource)
class GuidelineSourceAdmin(admin.ModelAdmin):
    list_display = ["name", "edition", "year", "doi", "evidence_scale", "is_local_consensus"]
    list_filter = ["evidence_scale", "is_local_consensus"]
    search_fields = ["name", "edition", "citation"]


class GradeDefinitionInline(admin.TabularInline):
    model = GradeDefinition
    extra = 0


@admin.register(GradingScheme)
class GradingSchemeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "system", "source"]
    list_filter = ["system"]
    search_fields = ["name", "ctcae_terms"]
    inlines = [GradeDefinitionInline]


class RecommendationInline(admin.StackedInline):
    """The recommendations of a guideline, one block per grade and source: the decisions in view,
    the details folded away."""

    model = Recommendation
    form = RecommendationForm
    formset = RecommendationFormSet
    extra = 0
    autocomplete_fields = ["source"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("grade", "source", "scenario"),
                    ("action", "action_note"),
                    ("steroid_drug", "steroid_dose", "steroid_route"),
                    ("steroid_taper", "setting"),
                    ("evidence_level", "verification"),
                ]
            },
        ),
        (
            _("Steroid course and other treatment"),
            {
                "classes": ["collapse"],
                "fields": [
                    "treatment",
                    ("steroid_purpose", "steroid_taper_weeks"),
                    ("steroid_mg_per_kg_min", "steroid_mg_per_kg_max"),
                    "hormones",
                    ("escalation_agents", "escalation_trigger"),
                ],
            },
        ),
        (
            _("Consults, work-up, sources and notes"),
            {
                "classes": ["collapse"],
                "fields": ["consults", "workup", "based_on", "notes", "order"],
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source").prefetch_related("based_on")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        return without_related_links(super().formfield_for_dbfield(db_field, request, **kwargs))


class TherapyFamilyFilter(admin.SimpleListFilter):
    title = _("applies to")
    parameter_name = "family"

    def lookups(self, request, model_admin):
        return TherapyFamily.choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(therapy_families__contains=f"|{self.value()}|")
        return queryset


@admin.register(Toxicity)
class ToxicityAdmin(PublishableAdminMixin, SimpleHistoryAdmin):
    form = ToxicityAdminForm
    list_display = [
        "name",
        "organ_system",
        "status",
        "is_demo",
        "version",
        "reviewer",
        "reviewed_on",
        "next_review_on",
    ]
    list_filter = [
        "status",
        "organ_system",
        "is_demo",
        TherapyFamilyFilter,
    ]
    search_fields = ["name", "aliases", "ctcae_term"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["reviewer"]
    date_hierarchy = "reviewed_on"
    inlines = [RecommendationInline]
    # Publishing runs full_clean(): a guideline needs a reviewer and a review date first.
    publish_requires_clean = True
    publish_refused_message = _("Not published, a reviewer and review date are needed first: %s")
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("name", "slug"),
                    ("organ_system", "grading_scheme", "specialist"),
                    "summary",
                ]
            },
        ),
        (
            _("Review and publication"),
            {
                "description": _(
                    "Nothing reaches clinicians unreviewed: publishing needs a reviewer and a review date."
                ),
                "fields": [
                    ("status", "published_at"),
                    ("reviewer", "reviewed_on", "next_review_on"),
                    ("version", "is_demo"),
                ],
            },
        ),
        (
            _("Applies to"),
            {"fields": ["families", "higher_risk", "higher_risk_note"]},
        ),
        (
            _("Clinical content"),
            {
                "fields": [
                    "workup",
                    "red_flags",
                    "call_task_force_when",
                    "must_not_miss",
                    ("contraindicated_agents", "is_endocrinopathy"),
                    "avoid_drugs",
                ]
            },
        ),
        (
            _("Search: other names, symptoms and codes"),
            {
                "classes": ["collapse"],
                "fields": ["aliases", "symptoms", ("ctcae_term", "meddra_code")],
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organ_system", "reviewer")


@admin.register(CtcaeTerm)
class CtcaeTermAdmin(admin.ModelAdmin):
    list_display = ["term", "meddra_code", "soc"]
    list_filter = ["soc"]
    search_fields = ["term", "meddra_code", "definition"]

    def has_add_permission(self, request):
        return False  # managed by `manage.py import_ctcae`


class OnCallShiftInline(admin.TabularInline):
    model = OnCallShift
    extra = 1


@admin.register(TaskForceMember)
class TaskForceMemberAdmin(admin.ModelAdmin):
    list_display = ["person", "specialty", "phone", "pager", "is_active"]
    list_filter = ["specialty", "is_active"]
    search_fields = ["person__first_name", "person__last_name"]
    autocomplete_fields = ["person"]
    inlines = [OnCallShiftInline]


@admin.register(OnCallShift)
class OnCallShiftAdmin(admin.ModelAdmin):
    list_display = ["member", "starts_at", "ends_at"]
    list_filter = ["member__specialty"]
    date_hierarchy = "starts_at"


@admin.register(ConsultRequest)
class ConsultRequestAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "created_at",
        "requested_by",
        "toxicity",
        "status",
        "notified_member",
    ]
    list_filter = ["status", "urgency", "specialty"]
    readonly_fields = ["requested_by", "created_at", "notified_member", "notified_at"]
    search_fields = ["question", "requested_by__email"]
    actions = ["mark_answered"]

    @admin.action(description=_("Mark as answered"))
    def mark_answered(self, request, queryset):
        queryset.update(status=ConsultRequest.Status.ANSWERED)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("requested_by", "toxicity", "notified_member__person")
        )
