"""API viewsets of the education app. ion_portal/api.py registers every (prefix, viewset, basename) in ROUTES.

Read-only, built on `published()`, filtered by the same FilterSets as the HTML lists.
"""

from __future__ import annotations

from django.db.models import Prefetch
from rest_framework import viewsets

from ion_portal.api_base import SlugLookupMixin

from .filters import EventFilter, NewsFilter, ResourceFilter
from .models import Event, NewsItem, Resource, ResourceVariant
from .serializers import EventSerializer, NewsItemSerializer, ResourceSerializer


class NewsItemViewSet(SlugLookupMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = NewsItemSerializer
    filterset_class = NewsFilter

    def get_queryset(self):
        return NewsItem.objects.published().select_related("author")


class EventViewSet(SlugLookupMixin, viewsets.ReadOnlyModelViewSet):
    """Published events, upcoming and past, in start order."""

    serializer_class = EventSerializer
    filterset_class = EventFilter

    def get_queryset(self):
        return Event.objects.published().order_by("start", "pk")


class ResourceViewSet(SlugLookupMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ResourceSerializer
    filterset_class = ResourceFilter

    def get_queryset(self):
        return Resource.objects.published().prefetch_related(
            "cancer_types",
            Prefetch(
                "variants",
                queryset=ResourceVariant.objects.select_related("resource").order_by("language"),
            ),
        )


ROUTES: list[tuple] = [
    ("news", NewsItemViewSet, "news"),
    ("events", EventViewSet, "events"),
    ("resources", ResourceViewSet, "resources"),
]
