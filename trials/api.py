"""API viewsets of the trials app. ion_portal/api.py registers every (prefix, viewset, basename) in ROUTES.

- /api/v1/trials/: published trials filtered by the same TrialFilter as the /trials/ page, paged, with a
  stable order; `?format=csv` streams every matching row (trials/exports.py columns). Responses carry an
  ETag and Last-Modified and answer conditional requests with 304.
- /api/v1/drugs/: the drug vocabulary with synonyms and immunotherapy class.
- /api/v1/trials/{nct_id}/criteria/: confirmed structured eligibility criteria (trials/api_criteria.py).
"""

from __future__ import annotations

import hashlib

from django.db import DatabaseError
from django.db.models import Prefetch
from django.http import FileResponse, StreamingHttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date, quote_etag
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import renderers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from ion_portal.api_base import SlugLookupMixin
from ion_portal.api_errors import InvalidParameter
from ion_portal.models import CancerType, Unit

from .api_criteria import TrialCriteriaViewSet
from .api_list import trial_list_items
from .dump import dump_meta, dump_path
from .exports import COLUMNS, iter_csv_lines
from .filters import STATUS_ALL, TrialFilter
from .models import (
    Drug,
    ImmunotherapyClass,
    Intervention,
    OverallStatus,
    Phase,
    StatusGroup,
    Trial,
    TrialSite,
)
from .pagination import TrialPagination
from .serializers import DrugSerializer, TrialSerializer


class CSVRenderer(renderers.BaseRenderer):
    """Declares text/csv for content negotiation; the list view streams the body itself."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        # Only reached for errors (4xx) negotiated as CSV: give their message as plain text.
        if isinstance(data, dict) and "detail" in data:
            return f"{data.get('status', '')} {data['detail']}\n".encode()
        return b""


class ConditionalGetMixin:
    """ETag (a hash of the body) and Last-Modified on 200 responses; 304 when the client is current.

    Hashing the rendered body makes the ETag correct whatever changed (a site, a drug synonym); it
    saves partners the transfer, not us the query."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if (
            request.method not in ("GET", "HEAD")
            or response.status_code != 200
            or response.streaming
            or not hasattr(response, "render")
        ):
            return response
        response.render()
        etag = quote_etag(hashlib.sha256(response.content).hexdigest()[:40])
        response["ETag"] = etag
        last_modified = getattr(self, "_last_modified", None)
        timestamp = int(last_modified.timestamp()) if last_modified else None
        if timestamp is not None:
            response["Last-Modified"] = http_date(timestamp)
        patch_vary_headers(response, ["Accept"])
        return get_conditional_response(
            request._request, etag=etag, last_modified=timestamp, response=response
        )


def _codes(values, description):
    return {"description": description, "enum": list(values)}


LIST_PARAMETERS = [
    OpenApiParameter(
        "q",
        OpenApiTypes.STR,
        description="Free text: NCT ID, title, condition, drug name, brand or code name, summary.",
    ),
    OpenApiParameter(
        "status",
        {
            "type": "array",
            "items": {
                "type": "string",
                "enum": [STATUS_ALL, *StatusGroup.values, *OverallStatus.values],
            },
        },
        description=(
            "Recruitment group (open = recruiting now, not_yet_open, unverified = an open status not "
            "verified for two years or UNKNOWN, closed), an API v2 overall-status code, or all. Repeat "
            "the parameter or separate values with commas; no value means all."
        ),
        explode=True,
    ),
    OpenApiParameter(
        "phase",
        {"type": "array", "items": {"type": "string", "enum": list(Phase.values)}},
        description="API v2 phase codes; a Phase 1/2 trial matches PHASE1 and PHASE2.",
        explode=True,
    ),
    OpenApiParameter(
        "cancer_type",
        {"type": "array", "items": {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"}},
        description="Cancer-type slugs (see /api/v1/cancer-types/); a broader type finds narrower ones.",
        explode=True,
    ),
    OpenApiParameter(
        "drug",
        {"type": "array", "items": {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"}},
        description="Drug slugs (see /api/v1/drugs/).",
        explode=True,
    ),
    OpenApiParameter(
        "immunotherapy_class",
        {"type": "array", "items": {"type": "string", "enum": list(ImmunotherapyClass.values)}},
        description=(
            "Immunotherapy classes of the compounds tested. Deprecated: old spellings (anti_pd1, "
            "antipd1, car_t, ...) are read as the code they stand for, for one release only."
        ),
        explode=True,
    ),
    OpenApiParameter(
        "site",
        {"type": "array", "items": {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"}},
        description="Network site (unit) slugs.",
        explode=True,
    ),
    OpenApiParameter(
        "age",
        {"type": "integer", "minimum": 0, "maximum": 130},
        description="A patient's age in years; trials without an age limit are kept.",
    ),
    OpenApiParameter(
        "sex",
        {"type": "string", "enum": ["FEMALE", "MALE"]},
        description="A patient's sex; trials open to all are kept.",
    ),
    OpenApiParameter(
        "updated_since",
        OpenApiTypes.DATETIME,
        description="Only trials changed in the portal at or after this time (incremental sync).",
    ),
    OpenApiParameter(
        "ordering",
        {"type": "string", "enum": ["relevance", "last_update", "start_date"]},
        description=(
            "relevance (default with q), last_update (default), start_date; ties are broken by "
            "NCT ID, so paging is stable."
        ),
    ),
    OpenApiParameter(
        "format",
        {"type": "string", "enum": ["json", "csv"]},
        description=(
            "csv streams every matching trial (no paging) with the columns: " + ", ".join(COLUMNS)
        ),
    ),
]


@extend_schema_view(
    list=extend_schema(
        summary="List published trials",
        parameters=LIST_PARAMETERS,
        tags=["trials"],
    ),
    retrieve=extend_schema(summary="One published trial by NCT ID", tags=["trials"]),
)
class TrialViewSet(ConditionalGetMixin, viewsets.ReadOnlyModelViewSet):
    """Published trials of the network; the same filters as the /trials/ page."""

    serializer_class = TrialSerializer
    filterset_class = TrialFilter
    lookup_field = "nct_id"
    lookup_value_regex = r"NCT[0-9]{8}"
    pagination_class = TrialPagination  # the total is a cached count

    def get_queryset(self):
        # Fixed number of queries per page: COUNT (cached until the registry changes), the page, and
        # one prefetch per relation. The raw record and the search vector are never read.
        return (
            Trial.objects.published()
            .defer(*Trial.LIST_DEFERRED)
            .prefetch_related(
                "cancer_types",
                Prefetch("interventions", queryset=Intervention.objects.select_related("drug")),
                Prefetch(
                    "sites",
                    queryset=TrialSite.objects.select_related("unit", "principal_investigator"),
                ),
            )
        )

    def get_renderers(self):
        found = super().get_renderers()
        if getattr(self, "action", None) == "list":
            found.append(CSVRenderer())
        return found

    def list(self, request, *args, **kwargs):
        if request.accepted_renderer.format == "csv":
            # exports.py prefetches what a CSV row needs itself.
            return self._csv(request, self.filter_queryset(Trial.objects.published()))
        queryset = self.filter_queryset(self.get_queryset())
        # The page's ids first (an index-only scan of the published order, migration trials 0013),
        # then its 50 rows by id: the OFFSET never reads the wide rows it skips.
        ids = self.paginate_queryset(queryset.values_list("pk", flat=True))
        if request.accepted_renderer.format == "json":
            # The JSON page from value rows (trials/api_list.py), equal to the serializer's.
            built = trial_list_items(ids, request=request, format=self.format_kwarg)
            if built is not None:
                items, self._last_modified = built
                return self.get_paginated_response(items)
        by_id = {trial.pk: trial for trial in self.get_queryset().filter(pk__in=ids)}
        page = [by_id[pk] for pk in ids if pk in by_id]
        self._last_modified = max((t.updated_at for t in page), default=None)
        serializer = self.get_serializer(page, many=True)
        return self.get_paginated_response(serializer.data)

    def retrieve(self, request, *args, **kwargs):
        trial = self.get_object()
        self._last_modified = trial.updated_at
        return Response(self.get_serializer(trial).data)

    @extend_schema(
        summary="The complete registry as one gzip CSV, built in the background",
        description=(
            "Every published trial (all statuses) with the CSV columns and the end-of-export trailer, "
            "rebuilt daily and after every ClinicalTrials.gov sync. X-Generated-At and X-Row-Count "
            "say when it was built and how many trials it holds. 404 until the first build."
        ),
        tags=["trials"],
        responses={(200, "application/gzip"): OpenApiTypes.BINARY},
    )
    @action(detail=False, url_path="dump", filterset_class=None, pagination_class=None)
    def dump(self, request, *args, **kwargs):
        meta = dump_meta()
        if meta is None:
            raise NotFound("The complete export has not been built yet: try again later.")
        response = FileResponse(
            dump_path().open("rb"),
            as_attachment=True,
            filename="ion-trials-all.csv.gz",
            content_type="application/gzip",
        )
        response["X-Generated-At"] = meta["generated_at"]
        response["X-Row-Count"] = str(meta["rows"])
        return response

    def _csv(self, request, queryset):
        response = StreamingHttpResponse(
            iter_csv_lines(queryset, base_url=request.build_absolute_uri("/").rstrip("/")),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="ion-trials.csv"'
        return response


@extend_schema_view(retrieve=extend_schema(summary="One drug by slug", tags=["vocabularies"]))
class DrugViewSet(SlugLookupMixin, viewsets.ReadOnlyModelViewSet):
    """The drug vocabulary: INN, brand and code names, immunotherapy class."""

    serializer_class = DrugSerializer
    # Two queries per page (COUNT + SELECT): synonyms are a text column, not a relation.
    queryset = Drug.objects.order_by("name", "pk")
    filterset_class = None

    @extend_schema(
        summary="List the drug vocabulary",
        tags=["vocabularies"],
        parameters=[
            OpenApiParameter(
                "immunotherapy_class",
                {"type": "string", "enum": list(ImmunotherapyClass.values)},
                description="Only drugs of this class.",
            )
        ],
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def filter_queryset(self, queryset):
        value = self.request.query_params.get("immunotherapy_class")
        if value is None:
            return queryset
        if value not in ImmunotherapyClass.values:
            raise InvalidParameter(
                "immunotherapy_class",
                f"Unknown value {value}.",
                allowed=list(ImmunotherapyClass.values),
            )
        return queryset.filter(immunotherapy_class=value)


def schema_vocabularies_hook(result, generator, request, public):
    """drf-spectacular post-processing hook: the allowed slugs of the vocabulary filters (cancer
    types, drugs, network sites) come from the database, so the schema lists them as enums."""
    vocabularies = {
        "cancer_type": CancerType.objects.order_by("slug").values_list("slug", flat=True),
        "drug": Drug.objects.order_by("slug").values_list("slug", flat=True),
        "site": Unit.objects.order_by("slug").values_list("slug", flat=True),
    }
    try:
        values = {name: list(qs) for name, qs in vocabularies.items()}
    except (DatabaseError, RuntimeError):
        # Generated without a usable database (offline, or pytest collection): plain strings.
        return result
    for operation in result.get("paths", {}).get("/api/v1/trials/", {}).values():
        for param in operation.get("parameters", []):
            if param.get("in") == "query" and values.get(param["name"]):
                param["schema"]["items"] = {"type": "string", "enum": values[param["name"]]}
    return result


ROUTES: list[tuple] = [
    ("trials", TrialViewSet, "trial"),
    (r"trials/(?P<nct_id>NCT[0-9]{8})/criteria", TrialCriteriaViewSet, "trial-criteria"),
    ("drugs", DrugViewSet, "drug"),
]
