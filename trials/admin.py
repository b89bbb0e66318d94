"""Admin of the trials app: curation of trials (sites, classes, publication), imports and the drug vocabulary."""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from ion_portal.admin_publishing import PublishableAdminMixin

from .forms import ImportUploadForm
from .models import (
    ArmGroup,
    Drug,
    ImmunotherapyClass,
    Intervention,
    Trial,
    TrialLocation,
    TrialSite,
    join_codes,
    split_codes,
)
from .services import UPSTREAM_FIELDS, import_upload, trials_recognise
from .tasks import refresh_trials


class InterventionInline(admin.TabularInline):
    model = Intervention
    extra = 0
    fields = ["position", "type", "name", "other_names", "drug", "drugs"]
    autocomplete_fields = ["drug", "drugs"]


class TrialSiteInline(admin.TabularInline):
    """Every site, proposed ones included: a curator confirms (or rejects) a site proposed by an import."""

    model = TrialSite
    extra = 1
    fields = [
        "unit",
        "state",
        "proposed_from",
        "local_status",
        "principal_investigator",
        "referral_contact",
        "referral_email",
        "public_phone",
        "public_email",
    ]
    readonly_fields = ["proposed_from"]
    autocomplete_fields = ["unit", "principal_investigator", "referral_contact"]

    def get_queryset(self, request):
        return TrialSite.all_objects.select_related("unit")


class ArmGroupInline(admin.TabularInline):
    model = ArmGroup
    extra = 0
    fields = ["position", "label", "type", "intervention_names"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # arms come from the registry record


class TrialAdminForm(forms.ModelForm):
    """Immunotherapy classes edited as checkboxes, stored pipe-delimited."""

    therapy_classes = forms.MultipleChoiceField(
        label=_("Immunotherapy classes"),
        choices=ImmunotherapyClass.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Trial
        fields = "__all__"  # noqa: DJ007 (the admin's fieldsets choose what is shown; classes replaces immunotherapy_classes)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["therapy_classes"].initial = split_codes(
                self.instance.immunotherapy_classes
            )

    def save(self, commit=True):
        chosen = join_codes(self.cleaned_data.get("therapy_classes") or [])
        if chosen != self.instance.immunotherapy_classes:
            # A curator's choice: recognition re-runs no longer change it (clear the box to undo).
            self.instance.classes_overridden = True
        self.instance.immunotherapy_classes = chosen
        return super().save(commit)


class RecruitmentFilter(admin.SimpleListFilter):
    title = _("recruitment")
    parameter_name = "recruitment"

    def lookups(self, request, model_admin):
        return [("open", _("Open")), ("not_yet_open", _("Not yet open")), ("closed", _("Closed"))]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.in_status_groups([self.value()])
        return queryset


class HasSiteFilter(admin.SimpleListFilter):
    title = _("network site")
    parameter_name = "has_site"

    def lookups(self, request, model_admin):
        return [("yes", _("At a network site")), ("no", _("No network site yet"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(pk__in=TrialSite.objects.values("trial_id"))
        if self.value() == "no":
            return queryset.exclude(pk__in=TrialSite.objects.values("trial_id"))
        return queryset


class ScopeFilter(admin.SimpleListFilter):
    title = _("scope")
    parameter_name = "scope"

    def lookups(self, request, model_admin):
        return [("in", _("In scope")), ("out", _("Outside scope (kept as draft)"))]

    def queryset(self, request, queryset):
        if self.value() == "in":
            return queryset.filter(scope_reason="")
        if self.value() == "out":
            return queryset.exclude(scope_reason="")
        return queryset


class ProposedSiteFilter(admin.SimpleListFilter):
    title = _("proposed network site")
    parameter_name = "proposed_site"

    def lookups(self, request, model_admin):
        return [("yes", _("Has a site to review"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(pk__in=TrialSite.all_objects.proposed().values("trial_id"))
        return queryset


@admin.register(Trial)
class TrialAdmin(PublishableAdminMixin, SimpleHistoryAdmin):
    form = TrialAdminForm
    list_display = [
        "nct_id",
        "brief_title",
        "overall_status",
        "status",
        "last_update_posted",
        "last_synced_at",
        "scope_reason",
    ]
    list_filter = [
        "status",
        ScopeFilter,
        ProposedSiteFilter,
        RecruitmentFilter,
        "overall_status",
        HasSiteFilter,
        "study_type",
        "source",
        "cancer_types",
    ]
    search_fields = [
        "nct_id",
        "brief_title",
        "acronym",
        "official_title",
        "interventions__name",
        "search_terms",
    ]
    readonly_fields = [
        "scope_reason",
        "raw_record_display",
        "source",
        "last_synced_at",
        "created_at",
        "updated_at",
    ]
    filter_horizontal = ["cancer_types"]
    inlines = [TrialSiteInline, InterventionInline, ArmGroupInline]
    actions = ["publish", "unpublish", "refresh_from_ctgov", "recognise"]
    change_list_template = "admin/trials/trial/change_list.html"
    fieldsets = [
        (_("Publication (local)"), {"fields": ["status", "published_at"]}),
        (
            _("Local curation"),
            {
                "fields": [
                    "scope_reason",
                    "therapy_classes",
                    "classes_overridden",
                    "line_of_therapy",
                    "local_notes",
                    "cancer_types",
                ]
            },
        ),
        (
            _("From ClinicalTrials.gov"),
            {
                "classes": ["collapse"],
                "description": _(
                    "Refreshed on every import: edits here are overwritten by the next refresh."
                ),
                # Exactly what an import refreshes, so the warning above holds.
                "fields": ["nct_id", *UPSTREAM_FIELDS],
            },
        ),
        (
            _("Source"),
            {
                "classes": ["collapse"],
                "fields": [
                    "source",
                    "last_synced_at",
                    "created_at",
                    "updated_at",
                    "raw_record_display",
                ],
            },
        ),
    ]

    @admin.display(description=_("raw source record"))
    def raw_record_display(self, obj):
        text = json.dumps(obj.raw_record, indent=2, ensure_ascii=False)
        if len(text) > 200_000:
            text = text[:200_000] + "\n…"
        return format_html('<pre class="trial-raw-record">{}</pre>', text)

    @admin.action(description=_("Refresh from ClinicalTrials.gov"))
    def refresh_from_ctgov(self, request, queryset):
        nct_ids = list(queryset.values_list("nct_id", flat=True))
        result = refresh_trials.enqueue(nct_ids=nct_ids)
        if result.is_finished:
            self.message_user(request, result.return_value, messages.INFO)
        else:
            self.message_user(
                request,
                ngettext(
                    "Refreshing %d trial in the background.",
                    "Refreshing %d trials in the background.",
                    len(nct_ids),
                )
                % len(nct_ids),
                messages.INFO,
            )

    @admin.action(description=_("Re-run recognition (drugs, classes, cancer types, sites)"))
    def recognise(self, request, queryset):
        report = trials_recognise(queryset=queryset)
        level = messages.WARNING if report.failed else messages.SUCCESS
        self.message_user(request, report.summary(), level)

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="trials_trial_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        if not self.has_add_permission(request):
            return redirect("admin:index")
        form = ImportUploadForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            report = import_upload(
                name=upload.name, content=upload.read(), publish=form.cleaned_data["publish"]
            )
            level = messages.WARNING if report.failed else messages.SUCCESS
            self.message_user(request, report.summary(), level)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import from ClinicalTrials.gov"),
            "form": form,
            "report": report,
            "opts": self.model._meta,
            "changelist_url": reverse("admin:trials_trial_changelist"),
        }
        return render(request, "admin/trials/trial/import.html", context)


@admin.register(Drug)
class DrugAdmin(admin.ModelAdmin):
    list_display = ["name", "immunotherapy_class"]
    list_filter = ["immunotherapy_class"]
    search_fields = ["name", "synonyms"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(TrialSite)
class TrialSiteAdmin(SimpleHistoryAdmin):
    list_display = [
        "trial",
        "unit",
        "state",
        "local_status",
        "principal_investigator",
        "referral_contact",
    ]
    list_filter = ["state", "local_status", "unit"]
    actions = ["confirm", "reject"]

    def get_queryset(self, request):
        return TrialSite.all_objects.select_related("trial", "unit")

    @admin.action(description=_("Confirm selected proposed sites"))
    def confirm(self, request, queryset):
        self._set_state(request, queryset, TrialSite.State.CONFIRMED)

    @admin.action(description=_("Reject selected proposed sites"))
    def reject(self, request, queryset):
        self._set_state(request, queryset, TrialSite.State.REJECTED)

    def _set_state(self, request, queryset, state):
        count = 0
        for site in queryset.filter(state=TrialSite.State.PROPOSED):
            site.state = state
            site.save()  # save() so the change history records who confirmed it
            count += 1
        self.message_user(
            request,
            ngettext("%d site updated.", "%d sites updated.", count) % count,
            messages.SUCCESS,
        )

    search_fields = ["trial__nct_id", "trial__brief_title", "unit__name"]
    autocomplete_fields = ["trial", "unit", "principal_investigator", "referral_contact"]


@admin.register(TrialLocation)
class TrialLocationAdmin(admin.ModelAdmin):
    """Registered locations, read-only (an import refreshes them): a trial can have a thousand, so they
    are listed here rather than inline; a location matched to a unit shows it."""

    list_display = ["trial", "facility", "city", "country", "status", "unit"]
    list_filter = ["country", ("unit", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["trial__nct_id", "facility", "city"]
    list_select_related = ["trial", "unit"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


import trials.admin_criteria  # noqa: E402, F401 (curator review of eligibility criteria)

from . import admin_sync  # noqa: E402, F401 (sync runs and trial changes)
