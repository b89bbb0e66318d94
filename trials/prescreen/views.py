"""Pages of the pre-screen: the members' form and results, the referral from the results, and the public
version. The answers travel by POST only (never in a URL or a log line) and nothing is stored: a
referral's e-mail is the only thing that leaves the request."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ion_portal import ratelimit
from ion_portal.models import is_member

from ..models import Trial, TrialSite
from ..models_criteria import CriterionKind, CriterionStatus
from ..tasks import send_referral
from . import public, queries
from .engine import OUTCOMES, explain
from .forms import PrescreenForm, PrescreenReferralForm, PublicForm

OUTCOME_LABELS = {
    "met": gettext_lazy("met"),
    "not_met": gettext_lazy("not met"),
    "unknown": gettext_lazy("unknown"),
}


def _member_only(request):
    """None for members; otherwise the sign-in redirect (anonymous) or a 403 (signed in)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not is_member(request.user):
        raise PermissionDenied(_("The pre-screen is open to approved network members."))
    return None


KIND_LABELS = dict(
    CriterionKind.choices
)  # lazy labels (CriterionKind.values builds a list per call)


def _kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


def _decorate(outcome) -> None:
    """Labels the template needs (kind names, outcome words, the referral form per trial)."""
    for result in outcome.results:
        for verdict in result.verdicts:
            verdict.kind_label = _kind_label(verdict.rule.kind)
            verdict.outcome_label = str(OUTCOME_LABELS[verdict.outcome_code])
        for rule in result.unreviewed:
            rule.kind_label = _kind_label(rule.kind)
        sites = list(result.trial.sites.all())
        result.referral_form = (
            PrescreenReferralForm(
                initial={"trial": result.trial.nct_id},
                sites=sites,
                auto_id=f"r{result.trial_id}_%s",
            )
            if any(site.referral_address for site in sites)
            else None
        )


def _hidden_answers(request, form) -> str:
    answers = PrescreenForm(
        request.POST, auto_id=False, cancer_choices=form.fields["cancer_type"].choices
    )
    return format_html_join("", "{}", ((field.as_hidden(),) for field in answers))


@never_cache
def prescreen(request):
    """/trials/pre-screen/: the form (GET) and the ranked, explained trials (POST)."""
    refused = _member_only(request)
    if refused:
        return refused
    form = PrescreenForm(request.POST if request.method == "POST" else None)
    outcome = None
    if form.is_bound and form.is_valid():
        outcome = queries.prescreen(form.patient())
        _decorate(outcome)
    return render(
        request,
        "trials/prescreen.html",
        {
            "form": form,
            "outcome": outcome,
            # The answers again, without ids, as hidden fields of each trial's referral form: rendered
            # once (25 forms x 40 widget templates took about 47 ms of CPU).
            "hidden_answers": _hidden_answers(request, form) if outcome else None,
        },
        status=400 if form.errors else 200,
    )


def referral_message(form: PrescreenForm, trial: Trial, note: str) -> str:
    """The referral's clinical summary: the answers, then the trial's criteria as pre-screened."""
    patient = form.patient()
    parents = queries.cancer_parents()
    lines = [_("Pre-screen answers (ION Portal):"), *(f"- {line}" for line in form.summary_lines())]
    lines += ["", _("This trial's confirmed criteria, as pre-screened:")]
    for criterion in trial.criteria.filter(status=CriterionStatus.CONFIRMED).order_by(
        "section", "source_start", "pk"
    ):
        verdict = explain(queries._rule(criterion), patient, parents)
        label = OUTCOME_LABELS[OUTCOMES[verdict.outcome]]
        lines.append(f"- [{label}] {_kind_label(criterion.kind)}: {verdict.reason}")
        if verdict.question:
            lines.append("  " + _("To check: %(question)s") % {"question": verdict.question})
    if note:
        lines += ["", _("Note from the referring clinician:"), note]
    return "\n".join(str(line) for line in lines)


@require_POST
def prescreen_refer(request):
    """Send a referral from the results: the answers (hidden fields) go with it, with the patient's
    consent confirmed; through the trial referral flow (the same task and e-mail as /refer/)."""
    refused = _member_only(request)
    if refused:
        return refused
    answers = PrescreenForm(request.POST, auto_id=False)
    trial = get_object_or_404(
        queries.open_trials(), nct_id=str(request.POST.get("trial", "")).upper()
    )
    sites = TrialSite.objects.filter(trial=trial).select_related("unit", "referral_contact")
    form = PrescreenReferralForm(request.POST, sites=sites, auto_id="r_%s")
    limited = False
    if answers.is_valid() and form.is_valid():
        limited = not ratelimit.allow(
            request, "referral", settings.REFERRAL_RATE_LIMIT, ident=f"user{request.user.pk}"
        )
        if limited:
            form.add_error(None, _("Too many referrals in the last hour. Please try again later."))
    if answers.is_valid() and form.is_valid():
        site = form.sites[form.cleaned_data["site"]]
        send_referral.enqueue(
            site_id=site.pk,
            referrer_id=request.user.pk,
            patient_age=answers.cleaned_data.get("age"),
            message=referral_message(answers, trial, form.cleaned_data["note"]),
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
        "trials/prescreen_refer.html",
        {"trial": trial, "answers": answers, "form": form},
        status=429 if limited else 400,
    )


@never_cache
def patients(request):
    """/trials/find-a-trial/: four plain questions, no account, no medical judgement."""
    form = PublicForm(
        request.POST if request.method == "POST" else None, provinces=public.province_choices()
    )
    found = None
    if form.is_bound and form.is_valid():
        found = public.find_trials(
            cancer_type=form.cleaned_data["cancer_type"],
            age=form.cleaned_data["age"],
            province=form.cleaned_data["province"],
        )
    context = {"form": form, "found": found, "contact_email": settings.CONTACT_EMAIL}
    if found is not None:
        context["treated_now"] = form.cleaned_data["treated_now"]
        context["province_label"] = public.PROVINCES[form.cleaned_data["province"]][0]
        context["outside"] = form.cleaned_data["province"] == "outside"
    return render(
        request, "trials/prescreen_public.html", context, status=400 if form.errors else 200
    )
