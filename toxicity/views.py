"""Pages of the toxicity section: index with search, guideline pages, task force, patient card and the
offline service worker."""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.contrib import messages
from django.db.models import Count, Max, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import DetailView

from ion_portal import ratelimit
from ion_portal.immunotherapy import TherapyFamily, family_of
from ion_portal.models import is_member
from toxicity.consults import consult_request_create
from toxicity.forms import ConsultRequestForm, PatientCardForm, SearchForm
from toxicity.models import (
    PATIENT_CARD_DRUGS,
    OnCallShift,
    OrganSystem,
    Specialty,
    TaskForceMember,
    Toxicity,
)
from toxicity.search import as_hits, search


def _published():
    return Toxicity.objects.published().select_related("organ_system")


def index(request):
    """Search box, results (also as a fragment for live search), organ grid and exceptions panel."""
    form = SearchForm(request.GET or None)
    query, organ = "", None
    if form.is_valid():
        query = form.cleaned_data["q"].strip()
        if form.cleaned_data["organ"]:
            organ = OrganSystem.objects.filter(slug=form.cleaned_data["organ"]).first()
    results, outcome = None, None
    if query:
        outcome = search(query)
        results = outcome.hits
    elif organ:
        results = as_hits(_published().filter(organ_system=organ))
    context = {"form": form, "query": query, "organ": organ, "results": results, "outcome": outcome}
    if request.GET.get("fragment") == "results":
        return render(request, "toxicity/toxicity_list.html#results", context)
    published = Toxicity.objects.published()
    context_toxicities = list(_published())
    context.update(
        {
            "organ_systems": OrganSystem.objects.annotate(
                published_count=Count("toxicities", filter=Q(toxicities__in=published.values("pk")))
            ).filter(published_count__gt=0),
            "exceptions": published.exclude(must_not_miss="").only("slug", "name", "must_not_miss"),
            "toxicities": context_toxicities,
            "has_demo": any(toxicity.is_demo for toxicity in context_toxicities),
        }
    )
    return render(request, "toxicity/toxicity_list.html", context)


class ToxicityDetailView(DetailView):
    """One guideline: the grade table first, then work-up, task force, sources and review."""

    template_name = "toxicity/toxicity_detail.html"
    context_object_name = "toxicity"

    def get_queryset(self):
        return Toxicity.objects.published().with_guideline()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        toxicity = self.object
        context["rows"] = toxicity.grade_rows()
        context["sources"] = toxicity.sources()
        context["has_divergence"] = any(row["others"] for row in context["rows"])
        context["steroid_safety"] = toxicity.steroid_safety()
        return context


def task_force(request):
    """Members by specialty; phone, pager and who is on call only for members; consult form."""
    member_view = is_member(request.user)
    form = ConsultRequestForm(request.POST or None) if member_view else None
    if request.method == "POST":
        if not member_view:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        # Per member, not per address: colleagues behind one hospital NAT must not block each other.
        if form.is_valid() and not ratelimit.allow(
            request, "consult", settings.CONSULT_RATE_LIMIT, ident=f"user{request.user.pk}"
        ):
            form.add_error(
                None,
                _("Too many requests in the last hour. Please call the hospital's 24/7 number."),
            )
        if form.is_valid():
            consult = consult_request_create(user=request.user, data=form.cleaned_data)
            messages.success(
                request,
                _(
                    "Your request #%(number)s was sent to the task force. The specialist on call "
                    "will call you back."
                )
                % {"number": consult.pk},
            )
            return redirect("toxicity:task_force")
    members = TaskForceMember.objects.active().select_related("person")
    on_call_ids = set()
    if member_view:
        on_call_ids = set(OnCallShift.objects.current().values_list("member_id", flat=True))
    groups: dict[str, dict] = {}
    for member in members:
        group = groups.setdefault(
            member.specialty,
            {"label": Specialty(member.specialty).label, "members": []},
        )
        member.on_call_now = member.pk in on_call_ids
        group["members"].append(member)
    context = {
        "groups": list(groups.values()),
        "member_view": member_view,
        "form": form,
        "on_call": [m for group in groups.values() for m in group["members"] if m.on_call_now],
    }
    status = 400 if form is not None and form.errors else 200
    return render(request, "toxicity/task_force.html", context, status=status)


def patient_card(request):
    """Pick drugs and a language; render a printable wallet card with the 24/7 number."""
    form = PatientCardForm(request.GET or None)
    card = None
    if form.is_valid():
        chosen = form.cleaned_data["drugs"]
        families = {family_of(code) for name, code in PATIENT_CARD_DRUGS if name in chosen}
        card = {
            "drugs": chosen,
            "language": form.cleaned_data["language"],
            "cell_therapy": TherapyFamily.CELL_THERAPY in families,
            "t_cell_engager": TherapyFamily.T_CELL_ENGAGER in families,
            "checkpoint": TherapyFamily.CHECKPOINT in families,
            # Demonstration content shows its banner on the card too.
            "is_demo": Toxicity.objects.published().filter(is_demo=True).exists(),
        }
    return render(request, "toxicity/patient_card.html", {"form": form, "card": card})


def _offline_urls(prefix: str) -> tuple[list[str], str]:
    toxicities = Toxicity.objects.published()
    urls = [reverse("toxicity:index"), reverse("toxicity:task_force")]
    urls += [
        reverse("toxicity:detail", args=[slug])
        for slug in toxicities.values_list("slug", flat=True)
    ]
    latest = toxicities.aggregate(latest=Max("updated_at"))["latest"]
    # "public-v2": workers before it stored signed-in pages; a new name makes `activate` delete them.
    version = hashlib.sha256(
        ("public-v2|" + "|".join(urls) + str(latest) + prefix).encode()
    ).hexdigest()[:12]
    return urls, version


@require_GET
@never_cache
def service_worker(request):
    """The offline service worker, served from /toxicity/sw.js so its scope covers every guideline."""
    language = translation.get_language()
    urls, version = _offline_urls(language)
    body = render_to_string(
        "toxicity/sw.js",
        {
            # JSON of our own reversed paths: a valid JS array literal in this JS-only response.
            "pages_json": json.dumps(urls),
            # STATIC_URL itself, not {% static '' %}: the manifest storage has no entry for ''.
            "static_url_json": json.dumps(settings.STATIC_URL),
            "version": version,
        },
    )
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = reverse("toxicity:index")
    return response
