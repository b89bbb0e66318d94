"""Admin of the toxicity app: curators edit guidelines (with history), the task force, the rota and consults."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from ion_portal.admin_publishing import PublishableAdminMixin
from ion_portal.immunotherapy import ImmunotherapyClass, TherapyFamily
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
    codes_to_text,
    text_to_codes,
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
    model = Recommendation
    extra = 0
    autocomplete_fields = ["source"]
    filter_horizontal = ["based_on"]
    fieldsets = [
        (
            None,
            {"fields": [("grade", "source", "scenario"), "based_on", ("action", "action_note")]},
        ),
        (
            _("Treatment"),
            {
                "fields": [
                    "treatment",
                    ("steroid_drug", "steroid_dose", "steroid_route", "steroid_purpose"),
                    ("steroid_mg_per_kg_min", "steroid_mg_per_kg_max"),
                    ("steroid_taper", "steroid_taper_weeks"),
                    "hormones",
                    ("escalation_agents", "escalation_trigger"),
                ]
            },
        ),
        (
            _("Setting and evidence"),
            {
                "fields": [
                    "consults",
                    "workup",
                    ("setting", "evidence_level", "verification"),
                    "notes",
                    "order",
                ]
            },
        ),
    ]


class ToxicityAdminForm(forms.ModelForm):
    """Families and higher-risk classes are picked from the one vocabulary, stored as |code|code|."""

    families = forms.MultipleChoiceField(
        label=_("Applies to (therapy families)"),
        choices=TherapyFamily.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    higher_risk = forms.MultipleChoiceField(
        label=_("Classes with a higher risk"),
        choices=ImmunotherapyClass.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Toxicity
        fields = "__all__"  # noqa: DJ007 (the fieldsets choose what is shown; families replaces therapy_families)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["families"].initial = text_to_codes(self.instance.therapy_families)
        self.fields["higher_risk"].initial = text_to_codes(self.instance.higher_risk_classes)

    def clean(self):
        cleaned = super().clean()
        self.instance.therapy_families = codes_to_text(cleaned.get("families") or [])
        self.instance.higher_risk_classes = codes_to_text(cleaned.get("higher_risk") or [])
        return cleaned


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
        (None, {"fields": ["name", "slug", "organ_system", "summary", "grading_scheme"]}),
        (_("Search"), {"fields": ["aliases", "symptoms", "ctcae_term", "meddra_code"]}),
        (
            _("Applies to"),
            {
                "fields": [
                    "families",
                    ("higher_risk", "higher_risk_note"),
                ]
            },
        ),
        (
            _("Clinical content"),
            {
                "fields": [
                    "workup",
                    "red_flags",
                    "specialist",
                    "call_task_force_when",
                    "must_not_miss",
                    "contraindicated_agents",
                    "avoid_drugs",
                    "is_endocrinopathy",
                ]
            },
        ),
        (
            _("Review and publication"),
            {
                "fields": [
                    ("version", "is_demo"),
                    ("reviewer", "reviewed_on", "next_review_on"),
                    ("status", "published_at"),
                ]
            },
        ),
    ]


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
