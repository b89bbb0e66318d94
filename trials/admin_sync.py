"""Admin of the live registry: sync runs (with a button that starts one in the background) and the
change history of trials. Imported by trials/admin.py."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from .models_history import SyncRun, TrialChange
from .tasks import sync_ctgov


@admin.register(SyncRun)
class SyncRunAdmin(admin.ModelAdmin):
    change_list_template = "admin/trials/syncrun/change_list.html"
    list_display = [
        "started_at",
        "outcome",
        "since",
        "checked",
        "changed_upstream",
        "updated",
        "failed",
        "changes",
        "triggered_by",
    ]
    list_filter = ["outcome"]
    readonly_fields = [f.name for f in SyncRun._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        run = self.admin_site.admin_view(require_POST(self.run_now))
        return [path("run/", run, name="trials_syncrun_run"), *super().get_urls()]

    def run_now(self, request):
        if not request.user.has_perm("trials.change_trial"):
            raise PermissionDenied
        sync_ctgov.enqueue(triggered_by=f"admin: {request.user.email}")
        messages.success(
            request,
            _("A sync with ClinicalTrials.gov was started; its report appears in this list."),
        )
        return redirect("admin:trials_syncrun_changelist")


@admin.register(TrialChange)
class TrialChangeAdmin(admin.ModelAdmin):
    list_display = ["trial", "field", "old_value", "new_value", "changed_on", "recorded_at"]
    list_filter = ["field"]
    search_fields = ["trial__nct_id"]
    list_select_related = ["trial"]
    readonly_fields = [f.name for f in TrialChange._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
