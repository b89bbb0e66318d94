"""Pages of the education section: news, the agenda with its calendar files, resources, patient pages.

Every public queryset starts from `published()`. Staff may open a draft or scheduled item by its URL
(the admin's "view on site") to preview it; the page then says so, and it is never cached or listed.
"""

from __future__ import annotations

import datetime
import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Prefetch
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.generic import DetailView, ListView, TemplateView

from ion_portal.feeds import conditional_response
from ion_portal.listing import FilteredListMixin
from ion_portal.models import is_member

from . import calendar
from .filters import EventFilter, NewsFilter, ResourceFilter
from .models import Event, NewsItem, Resource, ResourceVariant, Session
from .uploads import serve_upload
from .views_registration import registration_state

logger = logging.getLogger(__name__)

PAGE_SIZE = 12
FEED_PAST_DAYS = 90
FEED_CACHE_SECONDS = 3600


def _base_url(request) -> str:
    # The public address (SITE_URL), like the sitemap, feeds and e-mails: not the request's host.
    return settings.SITE_URL


class StaffPreviewMixin:
    """Detail pages: the public sees published rows; staff may preview drafts and scheduled rows."""

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.request.user.is_staff:
            return queryset
        return queryset.published()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_preview"] = not self.object.is_published
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if context.get("is_preview"):
            response["Cache-Control"] = "private, no-store"
            response["X-Robots-Tag"] = "noindex"
        return response


class NewsListView(FilteredListMixin, ListView):
    paginate_by = PAGE_SIZE
    template_name = "education/newsitem_list.html"
    filterset_class = NewsFilter

    def base_queryset(self):
        return NewsItem.objects.published().select_related("author")


class NewsDetailView(StaffPreviewMixin, DetailView):
    model = NewsItem
    queryset = NewsItem.objects.select_related("author")


class EventListView(FilteredListMixin, ListView):
    """The agenda: upcoming events, or the archive of past ones."""

    paginate_by = PAGE_SIZE
    template_name = "education/event_list.html"
    filterset_class = EventFilter
    archive = False

    def base_queryset(self):
        published = Event.objects.published()
        return published.past() if self.archive else published.upcoming()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["archive"] = self.archive
        feed_path = reverse("education:event_feed_ics")
        if context["query_string"]:
            feed_path += "?" + context["query_string"]
        context["feed_ics_url"] = feed_path
        # webcal:// makes calendar apps offer a subscription rather than a one-off import.
        context["feed_webcal_url"] = f"webcal://{self.request.get_host()}{feed_path}"
        return context


class EventDetailView(StaffPreviewMixin, DetailView):
    model = Event
    queryset = Event.objects.prefetch_related(
        Prefetch("sessions", queryset=Session.objects.prefetch_related("speakers")),
        "materials",
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event = self.object
        if event.registration_enabled:
            context["registration"] = registration_state(event)
        member = is_member(self.request.user)
        context["materials"] = [
            material
            for material in event.materials.all()
            if member or material.audience == material.Audience.PUBLIC
        ]
        context["members_only_material"] = not member and any(
            material.audience != material.Audience.PUBLIC for material in event.materials.all()
        )
        return context


def _ics_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def event_ics(request, slug: str) -> HttpResponse:
    """One event as an `.ics` file to add to a calendar."""
    event = get_object_or_404(
        Event.objects.published().prefetch_related("sessions__speakers"), slug=slug
    )
    body = calendar.build_calendar(
        [event], base_url=_base_url(request), name=event.title, with_sessions=True
    )
    response = _ics_response(body, f"{event.slug}.ics")
    return conditional_response(request, response, last_modified=event.updated_at)


@require_GET
def events_feed_ics(request) -> HttpResponse:
    """The subscribable agenda (webcal), filterable like the agenda: ?type=webinar&audience=patients."""
    filterset = EventFilter(request.GET or None, queryset=Event.objects.published())
    if filterset.is_bound and not filterset.is_valid():
        errors = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in filterset.errors.items())
        return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
    # Subscribers need what is coming and the recent past, not the whole archive.
    since = timezone.now() - datetime.timedelta(days=FEED_PAST_DAYS)
    events = (
        filterset.qs.filter(end__gte=since)
        .order_by("start", "pk")
        .prefetch_related("sessions__speakers")
    )
    # Serialising iCalendar costs about 2 ms per event and calendar apps poll often, so the body is
    # cached under a key that changes whenever the feed would: an edit (updated_at), a publication
    # (count, latest published_at), the filters, the host and the language of the calendar's name.
    state = events.aggregate(
        count=Count("pk"), changed=Max("updated_at"), published=Max("published_at")
    )
    raw_key = "|".join(
        [
            request.GET.urlencode(),
            request.get_host(),
            get_language() or "",
            repr(sorted(state.items())),
        ]
    )
    key = "education:feed-ics:" + hashlib.sha256(raw_key.encode()).hexdigest()
    body = cache.get(key)
    if body is None:
        body = calendar.build_calendar(events, base_url=_base_url(request), name=_("ION agenda"))
        cache.set(key, body, FEED_CACHE_SECONDS)
    response = _ics_response(body, "ion-agenda.ics")
    # A subscription is displayed, not downloaded.
    response["Content-Disposition"] = 'inline; filename="ion-agenda.ics"'
    changed = [moment for moment in (state["changed"], state["published"]) if moment]
    return conditional_response(request, response, last_modified=max(changed, default=None))


class ResourceListView(FilteredListMixin, ListView):
    paginate_by = PAGE_SIZE
    template_name = "education/resource_list.html"
    filterset_class = ResourceFilter

    def base_queryset(self):
        return Resource.objects.published().prefetch_related(
            "cancer_types",
            Prefetch("variants", queryset=ResourceVariant.objects.order_by("language")),
        )


class ResourceDetailView(StaffPreviewMixin, DetailView):
    model = Resource
    queryset = Resource.objects.prefetch_related("cancer_types", "variants")


@require_GET
def resource_download(request, slug: str, language: str) -> FileResponse:
    """Serve an uploaded variant with the content type its bytes were checked to be."""
    resource = Resource.objects.all() if request.user.is_staff else Resource.objects.published()
    variant = get_object_or_404(
        ResourceVariant.objects.filter(resource__in=resource),
        resource__slug=slug,
        language=language,
    )
    return serve_upload(
        variant,
        filename=f"{slug}-{language}",
        not_a_file=_("This language version is a link, not a file."),
    )


class PatientImmunoOncologyView(TemplateView):
    template_name = "education/patients_immuno_oncology.html"


class PatientSideEffectsView(TemplateView):
    template_name = "education/patients_side_effects.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["resources"] = (
            Resource.objects.published()
            .filter(audience=Resource.ResourceAudience.PATIENTS, topic=Resource.Topic.SIDE_EFFECTS)
            .prefetch_related("variants")[:4]
        )
        return context
