"""Admin of the trials app: curation of trials (sites, classes, publication), imports and the drug vocabulary."""

from __future__ import annotations

import json

from django.contrib import admin, messages
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from ion_portal.admin_fields import LinesField, readable_list, without_related_links
from ion_portal.admin_publishing import PublishableAdminMixin

from .admin_forms import (
    RegistryDisplays,
    TrialAdminForm,
    is_imported,
    registry_fields,
    registry_formfield,
    registry_readonly,
)
from .forms import ImportUploadForm
from .models import (
    ArmGroup,
    Drug,
    Intervention,
    Trial,
    TrialLocation,
    TrialSite,
)
from .services import import_upload, trials_recognise
from .tasks import refresh_trials


class InterventionInline(admin.TabularInline):
    """On an imported trial the registry's words are read-only; the recognised drugs stay editable."""

    model = Intervention
    extra = 0
    fields = ["position", "type", "name", "other_names", "drug", "drugs"]
    autocomplete_fields = ["drug", "drugs"]
    REGISTRY = ["position", "type", "name", "other_names_text"]

    def get_fields(self, request, obj=None):
        if is_imported(obj):
            return [*self.REGISTRY, "drug", "drugs"]
        return self.fields

    def get_readonly_fields(self, request, obj=None):
        return self.REGISTRY if is_imported(obj) else []

    def has_add_permission(self, request, obj=None):
        return not is_imported(obj) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not is_imported(obj) and super().has_delete_permission(request, obj)

    @admin.display(description=_("other names"))
    def other_names_text(self, obj):
        names = obj.other_names or []
        shown = readable_list(names[:6])
        if len(names) > 6:
            more = len(names) - 6
            shown += " " + ngettext("(and %d more)", "(and %d more)", more) % more
        return shown

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "other_names":
            return LinesField(label=_("Other names"), rows=2, max_item_length=300)
        return without_related_links(super().formfield_for_dbfield(db_field, request, **kwargs))


class TrialSiteInline(admin.StackedInline):
    """Every site, proposed ones included: a curator confirms (or rejects) a site proposed by an import."""

    model = TrialSite
    extra = 0
    fields = [
        ("unit", "state", "proposed_from"),
        ("local_status", "principal_investigator", "referral_contact"),
        ("referral_email", "public_phone", "public_email"),
    ]
    readonly_fields = ["proposed_from"]
    autocomplete_fields = ["unit", "principal_investigator", "referral_contact"]

    def get_queryset(self, request):
        return TrialSite.all_objects.select_related("unit")


class ArmGroupInline(admin.TabularInline):
    model = ArmGroup
    extra = 0
    fields = ["position", "label", "type", "interventions_text"]
    readonly_fields = fields
    can_delete = False
    classes = ["collapse"]
    verbose_name_plural = _("arms (from ClinicalTrials.gov, not editable)")

    @admin.display(description=_("interventions"))
    def interventions_text(self, obj):
        return readable_list(obj.intervention_names)

    def has_add_permission(self, request, obj=None):
        return False  # arms come from the registry record


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
class TrialAdmin(RegistryDisplays, PublishableAdminMixin, SimpleHistoryAdmin):
    """Curators set what the network decides (publication, scope, classes, setting, notes, cancer types,
    network sites); an imported trial's registry fields are read-only, refreshed by every import."""

    form = TrialAdminForm
    list_display = [
        "nct_id",
        "title_short",
        "overall_status",
        "status",
        "site_count",
        "scope_note",
        "last_update_posted",
    ]
    list_display_links = ["nct_id", "title_short"]
    list_filter = [
        "status",
        ScopeFilter,
        ProposedSiteFilter,
        RecruitmentFilter,
        "overall_status",
        HasSiteFilter,
        "line_of_therapy",
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
    search_help_text = _("NCT ID, title, acronym, intervention or drug name.")
    filter_horizontal = ["cancer_types"]
    inlines = [TrialSiteInline, InterventionInline, ArmGroupInline]
    actions = ["publish", "unpublish", "refresh_from_ctgov", "recognise"]
    change_list_template = "admin/trials/trial/change_list.html"
    SOURCE_FIELDS = ["source", "last_synced_at", "created_at", "updated_at", "raw_record_display"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(site_total=Count("sites", distinct=True))
            .defer("raw_record", "eligibility_criteria", "brief_summary", "search_terms")
        )

    @admin.display(description=_("title"), ordering="brief_title")
    def title_short(self, obj):
        return Truncator(obj.brief_title).chars(90)

    @admin.display(description=_("outside scope because"), ordering="scope_reason")
    def scope_note(self, obj):
        return Truncator(obj.scope_reason).chars(70) or self.get_empty_value_display()

    @admin.display(description=_("network sites"), ordering="site_total")
    def site_count(self, obj):
        return obj.site_total

    def get_readonly_fields(self, request, obj=None):
        return ["scope_reason", *self.SOURCE_FIELDS, *registry_readonly(obj)]

    def get_fieldsets(self, request, obj=None):
        if is_imported(obj):
            registry_title = _("From ClinicalTrials.gov: imported, not editable")
            registry_note = _(
                "Imported from ClinicalTrials.gov: these fields cannot be edited here. Every refresh "
                "replaces them with the registry's record; corrections belong in the registry."
            )
        else:
            registry_title = _("Registry record (entered by hand)")
            registry_note = _(
                "This trial was entered by hand: an import of the same NCT ID will replace these fields."
            )
        return [
            (
                _("Publication (curated)"),
                {
                    "description": _(
                        "Set by curators and never changed by an import: publication, scope, "
                        "classes, setting, notes for referrers and cancer types."
                    ),
                    "fields": [("status", "published_at"), "scope_reason"],
                },
            ),
            (
                _("Local curation"),
                {
                    "fields": [
                        "therapy_classes",
                        ("line_of_therapy", "classes_overridden"),
                        "local_notes",
                        "cancer_types",
                    ]
                },
            ),
            (
                registry_title,
                {
                    "classes": ["collapse", "registry-fields"],
                    "description": registry_note,
                    "fields": registry_fields(obj),
                },
            ),
            (_("Source"), {"classes": ["collapse"], "fields": self.SOURCE_FIELDS}),
        ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        return registry_formfield(db_field) or super().formfield_for_dbfield(
            db_field, request, **kwargs
        )

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
