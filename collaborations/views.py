"""Pages of the collaborations section: directory, detail pages with matches, the request workflow,
the curators' suggested pairs and saved-search alerts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView, TemplateView

from collaborations import basket, match_queries, miabis, services, workflow
from collaborations.filters import (
    CollectionFilter,
    PlatformFilter,
    broader_search,
    facet_groups,
)
from collaborations.forms import AnswerForm, CommentForm, RequestForm, SavedSearchForm
from collaborations.matching import WEIGHTS
from collaborations.models import (
    CollaborationRequest,
    Platform,
    RequestItem,
    SampleCollection,
    SavedSearch,
)
from ion_portal.listing import FilteredListMixin
from ion_portal.models import is_curator, is_member


class IndexView(TemplateView):
    """The section's landing page: what the directory is for and where to start."""

    template_name = "collaborations/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["platform_count"] = Platform.objects.published().count()
        context["collection_count"] = SampleCollection.objects.published().count()
        context["weights"] = [(key, round(value * 100)) for key, value in WEIGHTS.items()]
        return context


class _DirectoryListView(FilteredListMixin, ListView):
    paginate_by = 20
    list_ordering = ("name", "pk")
    kind = ""

    def base_queryset(self):
        return (
            self.model.objects.published()
            .select_related("unit")
            .prefetch_related("sample_types", "cancer_types")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["kind"] = self.kind
        context["facets"] = facet_groups(self.filterset)
        if not context["paginator"].count and not self.filter_errors:
            broader = broader_search(self.filterset)
            if broader:
                params = self.request.GET.copy()
                params.pop(broader["name"], None)
                params.pop("page", None)
                broader["url"] = self.request.path + ("?" + params.urlencode() if params else "")
            context["broader"] = broader
        context["alert_form"] = SavedSearchForm()
        context["can_save"] = is_member(self.request.user)
        return context


class PlatformListView(_DirectoryListView):
    """The platforms directory with search and facets."""

    model = Platform
    filterset_class = PlatformFilter
    kind = SavedSearch.Kind.PLATFORMS

    def get_queryset(self):
        return super().get_queryset().prefetch_related("techniques")


class CollectionListView(_DirectoryListView):
    """The sample-collections directory with search and facets (sizes as bands)."""

    model = SampleCollection
    filterset_class = CollectionFilter
    kind = SavedSearch.Kind.COLLECTIONS
    template_name = "collaborations/samplecollection_list.html"


class PlatformDetailView(DetailView):
    """A platform with the collections it could analyse and why."""

    model = Platform

    def get_queryset(self):
        return Platform.objects.published().with_relations()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["matches"] = match_queries.matches_for_platform(platform=self.object)
        context["exclusions"] = match_queries.exclusions_for_platform(platform=self.object)
        context["basket_kind"] = "platform"
        context["show_contact"] = is_member(self.request.user)
        context["request_url"] = (
            reverse("collaborations:request_new") + "?" + urlencode({"platform": self.object.slug})
        )
        return context


class CollectionDetailView(DetailView):
    """A sample collection with the platforms that could work with its samples and why."""

    model = SampleCollection

    def get_queryset(self):
        return (
            SampleCollection.objects.published()
            .with_relations()
            .prefetch_related("sample_counts__sample_type")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["matches"] = match_queries.matches_for_collection(collection=self.object)
        context["exclusions"] = match_queries.exclusions_for_collection(collection=self.object)
        context["basket_kind"] = "collection"
        context["show_contact"] = is_member(self.request.user)
        context["request_url"] = (
            reverse("collaborations:request_new")
            + "?"
            + urlencode({"collection": self.object.slug})
        )
        # Linked trials open on the registry's own page when the trial is published there.
        in_registry = {trial.nct_id: trial for trial in self.object.linked_trials.published()}
        context["linked_trials"] = [
            {"nct_id": nct_id, "trial": in_registry.get(nct_id)} for nct_id in self.object.nct_ids
        ]
        return context


def _require_member(request):
    if not is_member(request.user):
        raise PermissionDenied(_("Only approved members can do this."))


@login_required
def request_new(request):
    """The request form, preselecting the resources named in the query string, or (`?basket=1`)
    everything in the basket."""
    _require_member(request)
    from_basket = bool(request.GET.get("basket"))
    if from_basket:
        slugs = basket.basket_slugs(request.session)
        initial = {"platforms": slugs["platform"], "collections": slugs["collection"]}
    else:
        initial = {
            "platforms": request.GET.getlist("platform"),
            "collections": request.GET.getlist("collection"),
        }
    form = RequestForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = workflow.request_create(
                requester=request.user,
                platforms=list(data["platforms"]),
                collections=list(data["collections"]),
                title=data["title"],
                project_summary=data["project_summary"],
                intended_use=data["intended_use"],
                ethics_status=data["ethics_status"],
                acknowledge_network=data["acknowledge_network"],
                discuss_coauthorship=data["discuss_coauthorship"],
                report_back=data["report_back"],
                protocol=data.get("protocol"),
            )
        except workflow.TransitionError as error:
            form.add_error(None, str(error))
        else:
            if from_basket:
                basket.basket_clear(request.session)
            messages.success(
                request, _("Your request was sent. The network office will screen it shortly.")
            )
            return redirect(created)
    return render(
        request, "collaborations/request_form.html", {"form": form, "from_basket": from_basket}
    )


def basket_view(request):
    """The basket: what the member collected, and the button that sends one request for it all."""
    if request.method == "POST":
        kind, slug = request.POST.get("kind", ""), request.POST.get("slug", "")
        if request.POST.get("remove"):
            basket.basket_remove(request.session, kind=kind, slug=slug)
            messages.info(request, _("Removed from your request basket."))
        elif basket.basket_add(request.session, kind=kind, slug=slug):
            messages.success(request, _("Added to your request basket."))
        else:
            messages.warning(
                request,
                _("Not added: it is already in your basket, unknown, or the basket is full."),
            )
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = reverse("collaborations:basket")
        return redirect(target)
    return render(
        request,
        "collaborations/basket.html",
        {
            "resources": basket.basket_resources(request.session),
            "can_request": is_member(request.user),
        },
    )


@login_required
def request_protocol(request, pk: int):
    """The request's protocol, for the requester, its providers (once forwarded) and curators."""
    collab = _visible_request(request, pk)
    if not collab.protocol:
        raise Http404
    return FileResponse(
        collab.protocol.open("rb"),
        as_attachment=True,
        filename=f"protocol-request-{collab.pk}.pdf",
        content_type="application/pdf",
    )


@login_required
def request_list(request):
    """Requests the user may see: theirs, those to their units, or (curators) all."""
    visible = (
        CollaborationRequest.objects.visible_to(request.user)
        .select_related("requester")
        .order_by("-last_activity_at", "-pk")
    )
    mine = [r for r in visible if r.requester_id == request.user.pk]
    others = [r for r in visible if r.requester_id != request.user.pk]
    return render(
        request,
        "collaborations/request_list.html",
        {"mine": mine, "others": others, "is_curator": is_curator(request.user)},
    )


def _visible_request(request, pk) -> CollaborationRequest:
    found = (
        CollaborationRequest.objects.visible_to(request.user)
        .select_related("requester")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    return found


def _detail(request, collab, *, refusal: str = "", status: int = 200) -> HttpResponse:
    user = request.user
    items = list(
        collab.items.select_related(
            "platform__unit", "platform__contact", "collection__unit", "collection__contact"
        )
    )
    curator = is_curator(user)
    is_requester = collab.requester_id == user.pk
    provided = set(
        RequestItem.objects.for_provider(user).filter(request=collab).values_list("pk", flat=True)
    )
    if not (curator or is_requester):
        # A provider sees only their part of a request that names several providers.
        items = [item for item in items if item.pk in provided]
    rows = []
    for item in items:
        provider = item.pk in provided
        rows.append(
            {
                "item": item,
                "is_provider": provider,
                # The relay: the requester sees a provider's address only once they answered.
                "show_address": item.provider_email
                and (curator or provider or item.answer != RequestItem.Answer.PENDING),
                "can_answer": provider
                and not workflow.item_refusal(
                    item=item, user=user, answer=RequestItem.Answer.ACCEPTED
                ),
                # A prefix per resource keeps element ids unique when one provider answers several.
                "answer_form": AnswerForm(prefix=f"item-{item.pk}"),
            }
        )
    return render(
        request,
        "collaborations/request_detail.html",
        {
            "collab": collab,
            "rows": rows,
            "timeline": workflow.request_timeline(
                request=collab, items=None if (curator or is_requester) else items
            ),
            "actions": workflow.allowed_actions(request=collab, user=user),
            "comment_form": CommentForm(),
            "refusal": refusal,
            "is_requester": is_requester,
        },
        status=status,
    )


@login_required
def request_detail(request, pk: int):
    """A request, its resources, its history and the actions the user may take."""
    return _detail(request, _visible_request(request, pk))


ACTION_SERVICES = {
    "forward": workflow.request_forward,
    "return": workflow.request_return,
    "decline": workflow.request_decline,
    "resubmit": workflow.request_resubmit,
    "close": workflow.request_close,
}


@login_required
@require_POST
def request_action(request, pk: int, action: str):
    """Move a request to its next state; an action the state or role does not allow is refused."""
    collab = _visible_request(request, pk)
    service = ACTION_SERVICES.get(action)
    if service is None:
        raise Http404
    form = CommentForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        service(request=collab, by=request.user, comment=comment)
    except workflow.TransitionError as error:
        collab.refresh_from_db()
        return _detail(request, collab, refusal=str(error), status=409)
    messages.success(
        request, _("Done: the request is now “%(state)s”.") % {"state": _state(collab)}
    )
    return redirect(collab)


def _state(collab) -> str:
    collab.refresh_from_db()
    return collab.get_state_display()


@login_required
@require_POST
def item_answer(request, pk: int, item_pk: int):
    """A provider answers for one requested resource."""
    collab = _visible_request(request, pk)
    item = get_object_or_404(RequestItem, pk=item_pk, request=collab)
    form = AnswerForm(request.POST, prefix=f"item-{item.pk}")
    if not form.is_valid():
        return _detail(request, collab, refusal=_("Choose an answer."), status=400)
    try:
        workflow.item_answer(
            item=item,
            by=request.user,
            answer=form.cleaned_data["answer"],
            comment=form.cleaned_data["comment"],
        )
    except workflow.TransitionError as error:
        collab.refresh_from_db()
        return _detail(request, collab, refusal=str(error), status=409)
    messages.success(request, _("Thank you: your answer was sent to the requester."))
    return redirect(collab)


@login_required
def request_edit(request, pk: int):
    """The requester updates a returned request and sends it back for screening."""
    collab = _visible_request(request, pk)
    refusal = workflow.request_refusal(request=collab, user=request.user, action="resubmit")
    if refusal:
        return _detail(request, collab, refusal=refusal, status=409)
    form = RequestForm(request.POST or None, request.FILES or None, instance=collab, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                form.save()
                workflow.request_resubmit(
                    request=collab, by=request.user, comment=_("Updated request.")
                )
        except workflow.TransitionError as error:
            # Someone else moved the request meanwhile: keep the typed text, say why.
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your updated request was sent for screening."))
            return redirect(collab)
    return render(request, "collaborations/request_form.html", {"form": form, "collab": collab})


@login_required
def suggested_pairs(request):
    """Curators: the best lab-clinic pairs not yet in contact, with reasons."""
    if not is_curator(request.user):
        raise PermissionDenied
    return render(
        request,
        "collaborations/suggested_pairs.html",
        {"matches": match_queries.suggested_pairs()},
    )


@login_required
@require_POST
def alert_create(request, kind: str):
    """Save the current directory filter as a daily or weekly alert."""
    _require_member(request)
    if kind not in SavedSearch.Kind.values:
        raise Http404
    form = SavedSearchForm(request.POST)
    list_url = reverse(
        "collaborations:platform_list"
        if kind == SavedSearch.Kind.PLATFORMS
        else "collaborations:collection_list"
    )
    query_string = request.POST.get("query", "")
    if not form.is_valid():
        messages.error(request, _("Choose how often you want the alert."))
        return redirect(f"{list_url}?{query_string}")
    from django.http import QueryDict

    query = dict(QueryDict(query_string).lists())
    try:
        search = services.saved_search_create(
            user=request.user,
            kind=kind,
            query=query,
            frequency=form.cleaned_data["frequency"],
            name=form.cleaned_data["name"],
        )
    except services.TransitionError as error:
        messages.error(request, str(error))
        return redirect(f"{list_url}?{query_string}")
    messages.success(
        request,
        _("Alert “%(name)s” saved: new matches arrive %(frequency)s by e-mail.")
        % {"name": search.name, "frequency": search.get_frequency_display().lower()},
    )
    return redirect("collaborations:alert_list")


@login_required
def alert_list(request):
    """The member's saved alerts, with a button to stop each."""
    searches = SavedSearch.objects.filter(user=request.user, is_active=True)
    return render(request, "collaborations/alert_list.html", {"searches": searches})


@login_required
@require_POST
def alert_delete(request, pk: int):
    search = get_object_or_404(SavedSearch, pk=pk, user=request.user)
    search.is_active = False
    search.save(update_fields=["is_active"])
    messages.success(request, _("The alert was stopped."))
    return redirect("collaborations:alert_list")


def alert_unsubscribe(request, token: str):
    """The signed link of an alert e-mail: a confirmation page, then (POST) the unsubscribe."""
    from django.core import signing

    try:
        pk = signing.loads(token, salt=services.UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return render(request, "collaborations/alert_unsubscribe.html", {"bad": True}, status=400)
    search = get_object_or_404(SavedSearch, pk=pk)
    done = False
    if request.method == "POST":
        services.alert_unsubscribe(token=token)
        done = True
    return render(
        request, "collaborations/alert_unsubscribe.html", {"search": search, "done": done}
    )


def miabis_download(request):
    """The MIABIS-style export of the published directory as a JSON file (the same document as
    /api/v1/miabis/)."""
    document = miabis.directory_export(
        page_url=lambda obj: request.build_absolute_uri(obj.get_absolute_url())
    )
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = 'attachment; filename="ion-directory-miabis.json"'
    return response


def miabis_schema(request):
    """The JSON Schema the MIABIS-style export follows."""
    return JsonResponse(miabis.load_schema(), json_dumps_params={"indent": 2})
