"""API viewsets of the education app. ion_portal/api.py registers every (prefix, viewset, basename) in ROUTES.

Read-only, built on `published()`, filtered by the same FilterSets as the HTML lists.
"""

from __future__ import annotations

from django.db.models import Prefetch
from rest_framework import viewsets

from .filters import EventFilter, NewsFilter, ResourceFilter
from .models import Event, NewsItem, Resource, ResourceVariant
from .serializers import EventSerializer, NewsItemSerializer, ResourceSerializer


class NewsItemViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = NewsItemSerializer
    filterset_class = NewsFilter
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"

    def get_queryset(self):
        return NewsItem.objects.published().select_related("author")


class EventViewSet(viewsets.ReadOnlyModelViewSet):
    """Published events, upcoming and past, in start order."""

    serializer_class = EventSerializer
    filterset_class = EventFilter
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"

    def get_queryset(self):
        return Event.objects.published().order_by("start", "pk")


class ResourceViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ResourceSerializer
    filterset_class = ResourceFilter
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"

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
