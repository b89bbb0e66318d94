"""Public pages of the trial registry: list with facets, trial page, CSV, referral form."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, QueryDict, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView

from ion_portal import ratelimit
from ion_portal.immunotherapy import TherapyFamily, family_of
from ion_portal.listing import FilteredListMixin
from ion_portal.models import is_member
from toxicity.models import Toxicity

from . import alerts, facet_index
from .eligibility import criteria_sections
from .exports import iter_csv_lines
from .filters import STATUS_ALL, TrialFilter, facet_counts, with_default_status
from .forms import ReferralForm, TrialAlertForm
from .models import STATUS_GROUPS, Intervention, StatusGroup, Trial, TrialChange, TrialSite
from .pagination import CachedCountPaginator
from .search import did_you_mean, match_reasons, understand
from .tasks import send_referral

PAGE_SIZE = 20
HISTORY_SIZE = 20


class IndexedRows:
    """The list's rows when only row filters are used: a page's ids in the default order come from
    the facet copy (trials/facet_index.py), its rows from one query by id (the page query was a
    filtered, ordered scan: 30-130 ms at 560,000 trials). When the copy cannot say (not current,
    another order), the filtered queryset answers, as before."""

    def __init__(self, filterset, rows, filtered):
        self.filterset, self.rows, self.filtered = filterset, rows, filtered

    def __getitem__(self, page: slice | int):
        if isinstance(page, int):
            return self[page : page + 1][0]
        ids = facet_index.page_ids(self.filterset, page.start or 0, page.stop)
        if ids is None:
            return self.filtered()[page]
        found = {trial.pk: trial for trial in self.rows.filter(pk__in=ids)}
        return [found[pk] for pk in ids if pk in found]

    def __iter__(self):  # every row (the paginator's object_list read whole)
        return iter(self[0:None])

    def __len__(self):
        return len(self[0:None])


def _filterset(request) -> TrialFilter:
    return TrialFilter(with_default_status(request.GET), queryset=Trial.objects.published())


class TrialListView(FilteredListMixin, ListView):
    """/trials/: search, facets, sorting, pagination; state lives in the query string.

    Invalid filters follow the one rule of ion_portal/listing.py: the page names each filter it could
    not use and why, and shows the whole list (every status, no filter) with its facets."""

    template_name = "trials/trial_list.html"
    paginate_by = PAGE_SIZE
    paginator_class = CachedCountPaginator  # the total is cached until the registry changes
    context_object_name = "trials"
    filterset_class = TrialFilter

    def base_queryset(self):
        # What the list shows: never the raw record, the search vector or the criteria text.
        return Trial.objects.published().defer(*Trial.LIST_DEFERRED, "eligibility_criteria")

    def filterset_data(self):
        return with_default_status(self.request.GET)

    def get_queryset(self):
        base = self.base_queryset()
        # What FilteredListMixin.get_queryset sets, without building the filtered queryset yet: a
        # page the facet copy answers is read by id (trials/facet_index.py).
        self.filterset = self.filterset_class(
            self.filterset_data(), queryset=base, request=self.request
        )
        self.filter_errors = self.filterset.errors if not self.filterset.is_valid() else {}
        if self.filter_errors:
            # The unfiltered list, its facets and its order come from a FilterSet with no filter.
            self.filterset = TrialFilter({"status": STATUS_ALL}, queryset=self.base_queryset())
            self.filterset.is_valid()
        self.terms = understand(self.filterset.form.cleaned_data.get("q") or "")
        if facet_index.applies(self.filterset):
            return IndexedRows(
                self.filterset,
                self._prefetched(base),
                lambda: self._prefetched(self.filterset.qs),
            )
        return self._prefetched(self.filterset.qs)

    def _prefetched(self, queryset):
        queryset = queryset.prefetch_related(
            # With their arms, so the card's "Tests:" lists the experimental arms' drugs only.
            Prefetch(
                "interventions",
                queryset=Intervention.objects.select_related("drug").prefetch_related("arm_groups"),
            ),
            Prefetch("sites", queryset=TrialSite.objects.select_related("unit")),
        )
        if self.terms:
            # Only a search says why a result matched, and a cancer type can be the reason.
            queryset = queryset.prefetch_related("cancer_types")
        return queryset

    def get_template_names(self):
        # The enhancing script asks for the listing fragment only (facets + results) and swaps it in.
        if self.request.GET.get("fragment") == "listing":
            return ["trials/trial_list.html#listing"]
        return [self.template_name]

    def get_paginator(self, queryset, per_page, **kwargs):
        # The facet pass also counts the results: the page runs no COUNT of its own.
        self.facets = facet_counts(self.filterset)
        paginator = super().get_paginator(queryset, per_page, **kwargs)
        paginator.count = self.facets["total"]
        return paginator

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET.copy()
        for key in ("page", "fragment"):
            params.pop(key, None)
        facets = self.facets
        result_count = context["paginator"].count
        for trial in context["trials"]:
            trial.match_reasons = match_reasons(trial, self.terms) if self.terms else []
        # The default open view can hide matches in other statuses: say how many, and link to them.
        hidden = 0
        cleaned = getattr(self.filterset.form, "cleaned_data", {})
        chosen = cleaned.get("status") or []
        if STATUS_ALL not in chosen:
            hidden = next(i["count"] for i in facets["status"] if i["value"] == STATUS_ALL)
            hidden -= result_count
        show_all = params.copy()
        show_all["status"] = STATUS_ALL
        query = cleaned.get("q") or ""
        suggestion = did_you_mean(query) if query and not result_count else None
        if suggestion:
            suggest_params = params.copy()
            suggest_params["q"] = suggestion
            context["suggestion_query"] = suggest_params.urlencode()
        context.update(
            filterset=self.filterset,
            facets=facets,
            query_string=params.urlencode(),
            result_count=result_count,
            hidden_by_status=max(hidden, 0),
            show_all_query=show_all.urlencode(),
            suggestion=suggestion,
            ordering=self.filterset.ordering_choice,
            csv_query=params.urlencode(),
        )
        return context


class TrialDetailView(DetailView):
    """/trials/<NCT ID>/: the trial page; unknown or unpublished is a 404."""

    template_name = "trials/trial_detail.html"
    context_object_name = "trial"

    def get_object(self, queryset=None):
        return get_object_or_404(
            Trial.objects.published()
            .defer("raw_record", "search_vector")
            .prefetch_related(
                "cancer_types",
                Prefetch(
                    "interventions",
                    queryset=Intervention.objects.select_related("drug").prefetch_related(
                        "arm_groups"
                    ),
                ),
                Prefetch(
                    "sites",
                    queryset=TrialSite.objects.select_related(
                        "unit", "principal_investigator", "referral_contact"
                    ),
                ),
                "locations",
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
        context["criteria_sections"] = criteria_sections(trial.eligibility_criteria)
        changes = list(trial.changes.all()[:HISTORY_SIZE])
        context["changes"] = changes
        context["status_since"] = next(
            (
                change.changed_on or change.recorded_at.date()
                for change in changes
                if change.field == TrialChange.Field.STATUS
                and change.new_value == trial.overall_status
            ),
            None,
        )
        return context


def side_effect_guides(class_labels: list[tuple[str, str]]) -> list[dict]:
    """For each immunotherapy class of a trial, the guideline pages a referring clinician should know:
    the toxicities with a higher risk for that class (colitis and hypophysitis for anti-CTLA-4), or,
    for cell therapies and bispecifics, all of theirs (CRS, ICANS). One query per class."""
    guides = []
    for code, label in class_labels:
        family = family_of(code)
        if family is None:
            continue
        toxicities = list(Toxicity.objects.published().for_therapy_class(code))
        higher_risk = [toxicity for toxicity in toxicities if toxicity.higher_risk]
        shown = higher_risk or ([] if family == TherapyFamily.CHECKPOINT else toxicities)
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


SCHEMA_DESIGN = {"RANDOMIZED": "https://schema.org/RandomizedTrial"}


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
        # schema.org has no phase property (the page says the phase); trialDesign is its design.
        "trialDesign": SCHEMA_DESIGN.get(trial.allocation),
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


@require_POST
def alert_subscribe(request):
    """Subscribe an e-mail address to the search shown (double opt-in: a confirmation link first)."""
    form = TrialAlertForm(request.POST)
    if not form.is_valid():
        return render(request, "trials/alert_subscribe.html", {"form": form}, status=400)
    if not alerts.subscribe_allowed(
        address=ratelimit.client_ip(request), email=form.cleaned_data["email"]
    ):
        form.add_error(
            None, _("Too many subscriptions from your connection. Please try again in an hour.")
        )
        return render(request, "trials/alert_subscribe.html", {"form": form}, status=429)
    query = QueryDict(form.cleaned_data["query"])
    try:
        alert = alerts.alert_subscribe(
            email=form.cleaned_data["email"],
            query=dict(query.lists()),
            frequency=form.cleaned_data["frequency"],
            language=get_language() or "en",
        )
    except alerts.AlertError as exc:
        form.add_error(None, str(exc))
        return render(request, "trials/alert_subscribe.html", {"form": form}, status=400)
    return render(
        request,
        "trials/alert_subscribe.html",
        {"sent_to": alert.email, "description": alerts.describe(alert.query)},
    )


def alert_confirm(request, token: str):
    """The link of the confirmation e-mail: a page with a button (a link scanner that opens the
    link does not subscribe anyone), then the POST confirms."""
    pending = alerts.alert_for_confirm_token(token)
    if pending is None:
        return render(request, "trials/alert_confirm.html", {"bad": True}, status=400)
    done = False
    if request.method == "POST":
        alerts.alert_confirm(token=token)
        done = True
    return render(
        request,
        "trials/alert_confirm.html",
        {"done": done, "description": alerts.describe(pending.query), "alert": pending},
    )


@csrf_exempt  # RFC 8058 one-click unsubscribe: mail clients POST without a CSRF token
def alert_unsubscribe(request, token: str):
    """The signed unsubscribe link: a confirmation page, or (POST, also one-click) unsubscribe."""
    alert = alerts.alert_for_token(token)
    if alert is None:
        return render(request, "trials/alert_unsubscribe.html", {"bad": True}, status=400)
    done = False
    if request.method == "POST":
        alerts.alert_unsubscribe(token=token)
        done = True
    return render(
        request,
        "trials/alert_unsubscribe.html",
        {"done": done or not alert.is_active, "description": alerts.describe(alert.query)},
    )
