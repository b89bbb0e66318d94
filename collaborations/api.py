"""API viewsets of the collaborations app. ion_portal/api.py registers every (prefix, viewset, basename) in ROUTES."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from collaborations import match_queries, miabis
from collaborations.filters import CollectionFilter, PlatformFilter
from collaborations.models import Platform, SampleCollection
from collaborations.serializers import (
    MatchSerializer,
    PlatformSerializer,
    SampleCollectionSerializer,
)
from ion_portal.api_base import SlugLookupMixin


def _match_rows(matches, side: str) -> list[dict]:
    rows = []
    for match in matches:
        other = getattr(match, side).obj
        rows.append(
            {
                "slug": other.slug,
                "name": other.name,
                "kind": side,
                "score": match.score,
                "level": match.level,
                "reasons": [
                    {
                        "part": r.part,
                        "label": r.label,
                        "credit": round(r.credit, 4),
                        "weight": r.weight,
                        "text": r.text,
                    }
                    for r in match.reasons
                ],
            }
        )
    return rows


class PlatformViewSet(SlugLookupMixin, viewsets.ReadOnlyModelViewSet):
    """Published technology platforms (public fields)."""

    serializer_class = PlatformSerializer
    filterset_class = PlatformFilter

    def get_queryset(self):
        # Exactly what the serializer shows: the unit and one prefetch per vocabulary list.
        return (
            Platform.objects.published()
            .select_related("unit")
            .prefetch_related(
                "techniques", "sample_types", "cancer_types", "timepoints", "data_types"
            )
            .order_by("name", "pk")
        )

    @extend_schema(responses=MatchSerializer(many=True))
    @action(detail=True, methods=["get"])
    def matches(self, request, slug=None):
        """Published collections this platform could analyse, best first, with reasons."""
        matches = match_queries.matches_for_platform(platform=self.get_object())
        return Response(MatchSerializer(_match_rows(matches, "collection"), many=True).data)


class SampleCollectionViewSet(SlugLookupMixin, viewsets.ReadOnlyModelViewSet):
    """Published sample collections (public fields; donors as an order-of-magnitude band)."""

    serializer_class = SampleCollectionSerializer
    filterset_class = CollectionFilter

    def get_queryset(self):
        # Exactly what the serializer shows: the unit and one prefetch per vocabulary list.
        return (
            SampleCollection.objects.published()
            .select_related("unit")
            .prefetch_related(
                "sample_types",
                "cancer_types",
                "timepoints",
                "data_types",
                "access_conditions",
                "linked_trials",
            )
            .order_by("name", "pk")
        )

    @extend_schema(responses=MatchSerializer(many=True))
    @action(detail=True, methods=["get"])
    def matches(self, request, slug=None):
        """Published platforms that could work with this collection, best first, with reasons."""
        matches = match_queries.matches_for_collection(collection=self.get_object())
        return Response(MatchSerializer(_match_rows(matches, "platform"), many=True).data)


class MiabisExportViewSet(viewsets.ViewSet):
    """The published directory as one MIABIS-style JSON document: sample collections (MIABIS
    Collection: type, materials, sex, age range, diagnoses as ICD-10, order of magnitude, data
    categories, use and access conditions) and platforms (MIABIS Service). Aggregate only: donor
    numbers as bands, no contacts. `?download=1` sends it as a file. JSON Schema:
    `/collaborations/export/miabis-schema.json`."""

    pagination_class = None

    @extend_schema(
        summary="The published directory as one MIABIS-style JSON document",
        responses={200: OpenApiTypes.OBJECT},
        parameters=[
            OpenApiParameter(
                "download", OpenApiTypes.BOOL, description="Send as a file to save (attachment)."
            )
        ],
    )
    def list(self, request):
        document = miabis.directory_export()
        response = Response(document)
        if request.query_params.get("download"):
            response["Content-Disposition"] = 'attachment; filename="ion-directory-miabis.json"'
        return response


ROUTES: list[tuple] = [
    ("platforms", PlatformViewSet, "platform"),
    ("collections", SampleCollectionViewSet, "samplecollection"),
    ("miabis", MiabisExportViewSet, "miabis"),
]
