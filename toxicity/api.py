"""API viewsets of the toxicity app. ion_portal/api.py registers every (prefix, viewset, basename) in ROUTES."""

from __future__ import annotations

from django.db.models import Count, Q
from rest_framework import viewsets

from ion_portal.api_base import SlugLookupMixin
from toxicity.models import OrganSystem, Toxicity
from toxicity.serializers import OrganSystemSerializer, ToxicitySerializer


class ToxicityViewSet(SlugLookupMixin, viewsets.ReadOnlyModelViewSet):
    """Published irAE guidelines with their grade definitions and per-grade recommendations."""

    serializer_class = ToxicitySerializer

    def get_queryset(self):
        return Toxicity.objects.published().with_guideline()


class OrganSystemViewSet(SlugLookupMixin, viewsets.ReadOnlyModelViewSet):
    """Organ systems that have at least one published guideline."""

    serializer_class = OrganSystemSerializer

    def get_queryset(self):
        published = Toxicity.objects.published().values("pk")
        return (
            OrganSystem.objects.annotate(
                published_count=Count("toxicities", filter=Q(toxicities__in=published))
            )
            .filter(published_count__gt=0)
            .order_by("order", "name")
        )


ROUTES: list[tuple] = [
    ("toxicities", ToxicityViewSet, "toxicity"),
    ("organ-systems", OrganSystemViewSet, "organ-system"),
]
