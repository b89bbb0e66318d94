"""Public pages of the trial registry: list with facets, trial page, CSV, referral form."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from ion_portal import ratelimit
from ion_portal.models import is_member
from toxicity.models import TherapyClass, Toxicity, therapy_family

from .exports import iter_csv_lines
from .filters import TrialFilter, facet_counts, with_default_status
from .forms import ReferralForm
from .models import STATUS_GROUPS, Intervention, StatusGroup, Trial, TrialSite
from .tasks import send_referral

PAGE_SIZE = 20


def _filterset(request) -> TrialFilter:
    return TrialFilter(with_default_status(request.GET), queryset=Trial.objects.published())


class TrialListView(ListView):
    """/trials/: search, facets, sorting, pagination; state lives in the query string."""

    template_name = "trials/trial_list.html"
    paginate_by = PAGE_SIZE
    context_object_name = "trials"

    def get_queryset(self):
        self.filterset = _filterset(self.request)
        return self.filterset.qs.prefetch_related(
            Prefetch("interventions", queryset=Intervention.objects.select_related("drug")),
            Prefetch("sites", queryset=TrialSite.objects.select_related("unit")),
        )

    def get_template_names(self):
        # The enhancing script asks for the listing fragment only (facets + results) and swaps it in.
        if self.request.GET.get("fragment") == "listing":
            return ["trials/trial_list.html#listing"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET.copy()
        for key in ("page", "fragment"):
            params.pop(key, None)
        context.update(
            filterset=self.filterset,
            facets=facet_counts(self.filterset),
            query_string=params.urlencode(),
            result_count=context["paginator"].count,
            ordering=self.filterset.ordering_choice,
            filter_errors=self.filterset.errors,
            csv_query=params.urlencode(),
        )
        return context


class TrialDetailView(DetailView):
    """/trials/<NCT ID>/: the trial page; unknown or unpublished is a 404."""

    template_name = "trials/trial_detail.html"
    context_object_name = "trial"

    def get_object(self, queryset=None):
        return get_object_or_404(
            Trial.objects.published().prefetch_related(
                "cancer_types",
                Prefetch("interventions", queryset=Intervention.objects.select_related("drug")),
                Prefetch(
                    "sites",
                    queryset=TrialSite.objects.select_related(
                        "unit", "principal_investigator", "referral_contact"
                    ),
                ),
            ),
            nct_id=self.kwargs["nct_id"].upper(),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        trial = self.object
        context["json_ld"] = json.dumps(json_ld(trial, self.request), ensure_ascii=False).replace(
            "<", "\\u003c"
        )
        context["show_contacts"] = is_member(self.request.user)
        context["can_refer"] = any(site.referral_address for site in trial.sites.all())
        context["open_codes"] = STATUS_GROUPS[StatusGroup.OPEN]
        context["side_effect_guides"] = side_effect_guides(trial.immunotherapy_class_labels)
        return context


def side_effect_guides(class_labels: list[tuple[str, str]]) -> list[dict]:
    """For each immunotherapy class of a trial, the guideline pages a referring clinician should know:
    the toxicities with a higher risk for that class (colitis and hypophysitis for anti-CTLA-4), or,
    for cell therapies and bispecifics, all of theirs (CRS, ICANS). One query per class."""
    guides = []
    for code, label in class_labels:
        family = therapy_family(code)
        if family is None:
            continue
        toxicities = list(Toxicity.objects.published().for_therapy_class(code))
        higher_risk = [toxicity for toxicity in toxicities if toxicity.higher_risk]
        shown = higher_risk or ([] if family == TherapyClass.CHECKPOINT else toxicities)
        guides.append({"code": code, "label": label, "toxicities": shown})
    return guides


SCHEMA_STATUS = {
    "RECRUITING": "https://schema.org/Recruiting",
    "ACTIVE_NOT_RECRUITING": "https://schema.org/ActiveNotRecruiting",
    "ENROLLING_BY_INVITATION": "https://schema.org/EnrollingByInvitation",
    "NOT_YET_RECRUITING": "https://schema.org/NotYetRecruiting",
    "COMPLETED": "https://schema.org/Completed",
    "SUSPENDED": "https://schema.org/Suspended",
    "TERMINATED": "https://schema.org/Terminated",
    "WITHDRAWN": "https://schema.org/Withdrawn",
}


def json_ld(trial: Trial, request) -> dict:
    """schema.org MedicalTrial for a trial page; the NCT ID is the `code` (as schema.org advises)."""
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalTrial",
        "name": trial.brief_title,
        "alternateName": trial.official_title or None,
        "url": request.build_absolute_uri(trial.get_absolute_url()),
        "identifier": trial.nct_id,
        "code": {
            "@type": "MedicalCode",
            "codeValue": trial.nct_id,
            "codingSystem": "ClinicalTrials.gov",
        },
        "description": trial.brief_summary[:1000] or None,
        "status": SCHEMA_STATUS.get(trial.overall_status, trial.get_overall_status_display()),
        "healthCondition": [{"@type": "MedicalCondition", "name": c} for c in trial.conditions],
        "sponsor": {"@type": "Organization", "name": trial.lead_sponsor}
        if trial.lead_sponsor
        else None,
        "phase": trial.phase_display or None,
        "sameAs": trial.ctgov_url,
    }
    return {key: value for key, value in data.items() if value not in (None, [], "")}


def trial_csv(request):
    """CSV of every trial matching the current filters (not one page), streamed."""
    filterset = _filterset(request)
    response = StreamingHttpResponse(
        iter_csv_lines(filterset.qs, base_url=request.build_absolute_uri("/")[:-1]),
        content_type="text/csv; charset=utf-8",
    )
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="ion-trials-{stamp}.csv"'
    return response


def trial_refer(request, nct_id: str):
    """Refer a patient (signed-in members): the e-mail goes out through a background task."""
    trial = get_object_or_404(Trial.objects.published(), nct_id=nct_id.upper())
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not is_member(request.user):
        raise PermissionDenied
    if not trial.sites.exists():
        raise Http404
    form = ReferralForm(request.POST or None, trial=trial)
    limited = False
    if request.method == "POST" and form.is_valid():
        # Per member, not per address: colleagues behind one hospital NAT must not block each other.
        limited = not ratelimit.allow(
            request, "referral", settings.REFERRAL_RATE_LIMIT, ident=f"user{request.user.pk}"
        )
        if limited:
            form.add_error(None, _("Too many referrals in the last hour. Please try again later."))
    if request.method == "POST" and form.is_valid():
        site = form.cleaned_data["site"]
        send_referral.enqueue(
            site_id=site.pk,
            referrer_id=request.user.pk,
            patient_age=form.cleaned_data["patient_age"],
            message=form.cleaned_data["message"],
        )
        messages.success(
            request,
            _(
                "Your referral was sent to the study team at %(site)s. They will reply to you by e-mail."
            )
            % {"site": site.unit},
        )
        return redirect(trial)
    return render(
        request,
        "trials/trial_refer.html",
        {"trial": trial, "form": form, "form_action": reverse("trials:refer", args=[trial.nct_id])},
        status=429 if limited else (400 if form.errors else 200),
    )
