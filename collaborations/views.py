"""Pages of the collaborations section: directory, detail pages with matches, the curators' suggested
pairs, saved-search alerts and the MIABIS export (the request workflow's pages are in request_views)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView, TemplateView

from collaborations import match_queries, miabis, services
from collaborations.filters import (
    CollectionFilter,
    PlatformFilter,
    broader_search,
    facet_groups,
)
from collaborations.forms import SavedSearchForm
from collaborations.matching import WEIGHTS
from collaborations.models import Platform, SampleCollection, SavedSearch
from collaborations.request_views import require_member
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
    require_member(request)
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
    document = miabis.directory_export()
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = 'attachment; filename="ion-directory-miabis.json"'
    return response


def miabis_schema(request):
    """The JSON Schema the MIABIS-style export follows."""
    return JsonResponse(miabis.load_schema(), json_dumps_params={"indent": 2})
