"""Curator review of structured eligibility criteria (trials/models_criteria.py). Imported by
trials/admin.py.

- The criteria list (filter by status, kind, "sentence changed"), with confirm / reject actions.
- A review page per trial: the eligibility text with every criterion's sentence highlighted (<mark>, by
  its offsets), and each criterion with confirm / reject / edit. Confirming records who and when.
- The edit form checks operator and value against the kind (trials/criteria/schema.py).
Only confirmed criteria are used by matching and the API; proposed ones show as "not yet reviewed".
"""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from ion_portal.models import CancerType

from .criteria.display import highlighted_html
from .criteria.schema import value_errors
from .models import Trial
from .models_criteria import CriterionStatus, EligibilityCriterion


class EligibilityCriterionForm(forms.ModelForm):
    class Meta:
        model = EligibilityCriterion
        fields = ["trial", "section", "kind", "operator", "value", "curator_note"]

    def clean(self):
        data = super().clean()
        kind, operator, value = data.get("kind"), data.get("operator"), data.get("value")
        if kind and operator and value is not None:
            errors = value_errors(kind, operator, value)
            if kind == "cancer_type" and isinstance(value, dict) and not errors:
                slugs = set(value.get("cancer_types") or [])
                known = set(
                    CancerType.objects.filter(slug__in=slugs).values_list("slug", flat=True)
                )
                if slugs - known:
                    errors.append(
                        _("Unknown cancer type: %(slugs)s.")
                        % {"slugs": ", ".join(sorted(slugs - known))}
                    )
            if errors:
                raise forms.ValidationError(errors)
        return data


def _confirm(queryset, user) -> int:
    return queryset.exclude(status=CriterionStatus.CONFIRMED).update(
        status=CriterionStatus.CONFIRMED,
        confirmed_by=user,
        confirmed_at=timezone.now(),
        source_changed=False,
        updated_at=timezone.now(),
    )


def _reject(queryset, user) -> int:
    return queryset.exclude(status=CriterionStatus.REJECTED).update(
        status=CriterionStatus.REJECTED,
        confirmed_by=user,
        confirmed_at=timezone.now(),
        updated_at=timezone.now(),
    )


@admin.register(EligibilityCriterion)
class EligibilityCriterionAdmin(admin.ModelAdmin):
    form = EligibilityCriterionForm
    list_display = [
        "trial",
        "section",
        "kind",
        "value_column",
        "status_column",
        "source_changed",
        "confirmed_by",
        "confirmed_at",
        "review_link",
    ]
    list_filter = ["status", "source_changed", "section", "kind"]
    search_fields = ["trial__nct_id", "source_sentence"]
    list_select_related = ["trial", "confirmed_by"]
    raw_id_fields = ["trial"]
    readonly_fields = [
        "status",
        "source_sentence",
        "source_start",
        "source_end",
        "source_changed",
        "confirmed_by",
        "confirmed_at",
        "extractor_version",
    ]
    actions = ["confirm_selected", "reject_selected"]

    @admin.display(description=_("value"))
    def value_column(self, obj):
        return obj.value_display()

    @admin.display(description=_("review status"), ordering="status")
    def status_column(self, obj):
        return obj.get_status_display()

    @admin.display(description=_("review"))
    def review_link(self, obj):
        url = reverse("admin:trials_eligibilitycriterion_review", args=[obj.trial_id])
        return format_html('<a href="{}#criterion-{}">{}</a>', url, obj.pk, _("in the text"))

    @admin.action(description=_("Confirm the selected criteria"))
    def confirm_selected(self, request, queryset):
        n = _confirm(queryset, request.user)
        self.message_user(
            request, ngettext("%d criterion confirmed.", "%d criteria confirmed.", n) % n
        )

    @admin.action(description=_("Reject the selected criteria"))
    def reject_selected(self, request, queryset):
        n = _reject(queryset, request.user)
        self.message_user(
            request, ngettext("%d criterion rejected.", "%d criteria rejected.", n) % n
        )

    def save_model(self, request, obj, form, change):
        """A curator's edit is the curator's statement: saving it confirms it."""
        if change and form.changed_data and set(form.changed_data) != {"curator_note"}:
            obj.status = CriterionStatus.CONFIRMED
            obj.confirmed_by = request.user
            obj.confirmed_at = timezone.now()
            obj.source_changed = False
        elif not change:
            obj.status = CriterionStatus.CONFIRMED
            obj.confirmed_by = request.user
            obj.confirmed_at = timezone.now()
        super().save_model(request, obj, form, change)

    def get_urls(self):
        review = self.admin_site.admin_view(self.review_view)
        decide = self.admin_site.admin_view(require_POST(self.decide_view))
        return [
            path("review/<int:trial_id>/", review, name="trials_eligibilitycriterion_review"),
            path("<int:pk>/decide/", decide, name="trials_eligibilitycriterion_decide"),
            *super().get_urls(),
        ]

    def review_view(self, request, trial_id):
        if not self.has_view_permission(request):
            raise PermissionDenied
        trial = get_object_or_404(Trial, pk=trial_id)
        criteria = list(
            EligibilityCriterion.objects.filter(trial=trial)
            .select_related("confirmed_by")
            .order_by("source_start", "pk")
        )
        html, stale = highlighted_html(trial.eligibility_criteria or "", criteria)
        for c in criteria:
            c.value_json = json.dumps(c.value, ensure_ascii=False)
        counts = {s: sum(c.status == s for c in criteria) for s in CriterionStatus.values}
        context = {
            **self.admin_site.each_context(request),
            "title": _("Eligibility criteria of %(nct)s") % {"nct": trial.nct_id},
            "trial": trial,
            "criteria": criteria,
            "stale": stale,
            "text_html": html,
            "counts": counts,
            "opts": self.model._meta,
            "can_change": self.has_change_permission(request),
            "changelist_url": reverse("admin:trials_eligibilitycriterion_changelist"),
        }
        return render(request, "admin/trials/eligibilitycriterion/review.html", context)

    def decide_view(self, request, pk):
        if not self.has_change_permission(request):
            raise PermissionDenied
        criterion = get_object_or_404(EligibilityCriterion, pk=pk)
        decision = request.POST.get("decision")
        queryset = EligibilityCriterion.objects.filter(pk=pk)
        if request.POST.get("all_proposed"):
            queryset = EligibilityCriterion.objects.filter(
                trial_id=criterion.trial_id, status=CriterionStatus.PROPOSED
            )
        if decision == "confirm":
            n = _confirm(queryset, request.user)
            messages.success(
                request, ngettext("%d criterion confirmed.", "%d criteria confirmed.", n) % n
            )
        elif decision == "reject":
            n = _reject(queryset, request.user)
            messages.success(
                request, ngettext("%d criterion rejected.", "%d criteria rejected.", n) % n
            )
        elif decision == "reopen":
            queryset.update(status=CriterionStatus.PROPOSED, confirmed_by=None, confirmed_at=None)
            messages.success(request, _("The criterion is back to “not yet reviewed”."))
        else:
            messages.error(request, _("Unknown decision: nothing was changed."))
        url = reverse("admin:trials_eligibilitycriterion_review", args=[criterion.trial_id])
        return redirect(f"{url}#criterion-{criterion.pk}")
