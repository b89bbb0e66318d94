"""FHIR R5 endpoints for trials: /fhir/metadata, /fhir/ResearchStudy (search), /fhir/ResearchStudy/<id>.

The search itself (parameters to queries, paging) is trials/fhir_search.py. DRF views, so the API's key authentication and rate limits apply here too; every error is an
OperationOutcome with the matching HTTP status. Only published trials are visible.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch
from django.urls import NoReverseMatch
from django.utils import timezone
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, renderers, serializers
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.response import Response
from rest_framework.views import APIView

from ion_portal.api_errors import exception_handler

from . import fhir
from .models import Intervention, Trial, TrialSite

DEFAULT_COUNT = 20
MAX_PAGE = 1_000_000  # keeps the SQL OFFSET within range on every database
# Values one search parameter may carry (commas and repeats together): each is a subquery.
MAX_VALUES = 20
MAX_TEXT = 200  # characters of one free-text value that are searched
FORMATS = {"json", "application/json", "application/fhir+json"}
_SP = "http://hl7.org/fhir/SearchParameter/"


@dataclass(frozen=True)
class SearchParam:
    """One parameter this server accepts, as the CapabilityStatement lists it."""

    name: str
    type: str  # R5 search-param-type
    definition: str | None
    documentation: str
    modifiers: tuple[str, ...] = ()
    result: bool = False  # a result parameter (_count, _page): shapes the page, not the match


SEARCH_PARAMS: dict[str, SearchParam] = {
    p.name: p
    for p in (
        SearchParam(
            "_id",
            "token",
            _SP + "Resource-id",
            "The resource id, which is the NCT ID (e.g. NCT01234567); comma-separated ids match any.",
        ),
        SearchParam(
            "status",
            "token",
            _SP + "ResearchStudy-status",
            "The record's publication status (R5 publication-status): every study shown here is "
            "`active`; draft, retired and unknown match nothing.",
        ),
        SearchParam(
            "progress-status-state-actual",
            "composite",
            _SP + "ResearchStudy-progress-status-state-actual",
            "The study's recruitment/progress state (R5 research-study-status, e.g. recruiting, "
            "active-but-not-recruiting, completed) and whether it is actual: `recruiting$true`. "
            "`recruiting` alone matches either; the current state is always actual.",
        ),
        SearchParam(
            "identifier",
            "token",
            _SP + "ResearchStudy-identifier",
            f"A whole identifier: the NCT ID ({fhir.CTGOV_SYSTEM}|NCT01234567), the EU CT number "
            f"({fhir.EU_CT_SYSTEM}|…) or a secondary id such as a sponsor's protocol number "
            "(`|EAY131` for identifiers without a system).",
        ),
        SearchParam(
            "condition",
            "token",
            _SP + "ResearchStudy-condition",
            f"A whole code or text: an ICD-10 code ({fhir.ICD10_SYSTEM}|C43), a portal cancer-type "
            "slug or name, or a condition's full text (case-insensitive). `condition:text` matches "
            "part of a name or condition text.",
            modifiers=("text",),
        ),
        SearchParam(
            "keyword",
            "token",
            _SP + "ResearchStudy-keyword",
            "A whole keyword of the study (case-insensitive); `keyword:text` matches part of one.",
            modifiers=("text",),
        ),
        SearchParam(
            "_content",
            "special",
            _SP + "Resource-content",
            "Free text over identifiers, titles, conditions, drugs and summary.",
        ),
        SearchParam(
            "_count",
            "number",
            None,
            f"Results per page (default {DEFAULT_COUNT}, at most {settings.API_MAX_PAGE_SIZE}); "
            "0 returns only the total.",
            result=True,
        ),
        SearchParam("_page", "number", None, "Page number, from 1.", result=True),
        SearchParam("_format", "special", None, "Only json (application/fhir+json).", result=True),
    )
}

_ISSUE_CODES = {
    400: "invalid",
    401: "login",
    403: "forbidden",
    404: "not-found",
    405: "not-supported",
    406: "not-supported",
    429: "throttled",
    503: "transient",
}


class FhirJSONRenderer(renderers.JSONRenderer):
    media_type = "application/fhir+json"
    format = "fhir"


class AlwaysFhir(BaseContentNegotiation):
    """Every answer is application/fhir+json, whatever the Accept header or `format` says."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class FhirError(exceptions.APIException):
    """A FHIR error with its issue-type code."""

    def __init__(self, status_code: int, issue_code: str, diagnostics: str):
        super().__init__(detail=diagnostics)
        self.status_code = status_code
        self.issue_code = issue_code


def fhir_exception_handler(exc, context):
    """Our API error handling, with the body turned into an OperationOutcome."""
    response = exception_handler(exc, context)
    if response is None:
        return None
    body = response.data if isinstance(response.data, dict) else {}
    code = getattr(exc, "issue_code", None) or _ISSUE_CODES.get(response.status_code, "processing")
    diagnostics = str(body.get("detail", ""))
    for name, messages in (body.get("errors") or {}).items():
        diagnostics += f" {name}: {' '.join(messages)}"
    response.data = fhir.operation_outcome(code, diagnostics.strip())
    return response


class OperationOutcomeSerializer(serializers.Serializer):
    resourceType = serializers.CharField()
    issue = serializers.ListField(child=serializers.DictField())


class FhirResourceSerializer(serializers.Serializer):
    resourceType = serializers.CharField()


class FhirAutoSchema(AutoSchema):
    """Documents FHIR answers (resource JSON) and errors (OperationOutcome) in the OpenAPI schema."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, description in {
            "400": "Unsupported or invalid search parameter.",
            "401": "Wrong or revoked API key.",
            "404": "No such published study.",
            "429": "Rate limit exceeded (Retry-After).",
            "503": "The database is unavailable for a moment (Retry-After).",
        }.items():
            if code not in responses:
                response = self._get_response_for_code(OperationOutcomeSerializer, code)
                response["description"] = description
                responses[code] = response
        return responses


class FhirView(APIView):
    renderer_classes = [FhirJSONRenderer]
    content_negotiation_class = AlwaysFhir
    schema = FhirAutoSchema()

    def get_exception_handler(self):
        return fhir_exception_handler

    def base_url(self) -> str:
        return self.request.build_absolute_uri("/fhir").rstrip("/")


def published_trials():
    """Published trials with what a ResearchStudy needs, in a fixed number of queries."""
    return (
        Trial.objects.published()
        .defer(*Trial.LIST_DEFERRED)
        .prefetch_related(
            "cancer_types",
            Prefetch("interventions", queryset=Intervention.objects.select_related("drug")),
            Prefetch("sites", queryset=TrialSite.objects.select_related("unit")),
        )
    )


def _page_url(request, trial) -> str | None:

    try:
        return request.build_absolute_uri(trial.get_absolute_url())
    except NoReverseMatch:
        return None


def _capability_param(param: SearchParam) -> dict:
    entry = {"name": param.name, "type": param.type, "documentation": param.documentation}
    if param.definition:
        entry["definition"] = param.definition
    if param.modifiers:
        entry["documentation"] += " Modifiers: " + ", ".join(f":{m}" for m in param.modifiers) + "."
    return entry


class CapabilityStatementView(FhirView):
    """What this FHIR server supports."""

    @extend_schema(
        summary="FHIR CapabilityStatement",
        operation_id="fhir_metadata",
        tags=["fhir"],
        responses={200: FhirResourceSerializer},
    )
    def get(self, request):
        base = self.base_url()
        body = {
            "resourceType": "CapabilityStatement",
            "status": "active",
            "date": timezone.now().date().isoformat(),
            "publisher": "ION Portal",
            "kind": "instance",
            "implementation": {
                "description": "ION Portal: the Immuno-Oncology Network's clinical trials",
                "url": base,
            },
            "fhirVersion": fhir.FHIR_VERSION,
            "format": ["application/fhir+json"],
            "rest": [
                {
                    "mode": "server",
                    "documentation": (
                        "Read-only. Anonymous use is rate limited; partners send "
                        "'Authorization: Api-Key <key>' for a higher limit."
                    ),
                    "resource": [
                        {
                            "type": "ResearchStudy",
                            "interaction": [{"code": "read"}, {"code": "search-type"}],
                            "searchParam": [
                                _capability_param(param) for param in SEARCH_PARAMS.values()
                            ],
                        }
                    ],
                }
            ],
        }
        return Response(body)


class ResearchStudyReadView(FhirView):
    """One published trial as a ResearchStudy (the id is the NCT ID)."""

    @extend_schema(
        summary="Read one trial as FHIR R5 ResearchStudy",
        operation_id="fhir_researchstudy_read",
        tags=["fhir"],
        responses={200: FhirResourceSerializer},
    )
    def get(self, request, id):
        trial = published_trials().filter(nct_id=id).first()
        if trial is None:
            raise FhirError(404, "not-found", f"No published ResearchStudy with id {id!r}.")
        return Response(fhir.research_study(trial, page_url=_page_url(request, trial)))


class FhirNotFoundView(FhirView):
    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        raise FhirError(
            404,
            "not-supported",
            "Unknown FHIR endpoint: this server offers /fhir/metadata and /fhir/ResearchStudy.",
        )
