"""FHIR R5 endpoints for trials: /fhir/metadata, /fhir/ResearchStudy (search), /fhir/ResearchStudy/<id>.

DRF views, so the API's key authentication and rate limits apply here too; every error is an
OperationOutcome with the matching HTTP status. Only published trials are visible.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.http import urlencode
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, renderers, serializers
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.response import Response
from rest_framework.views import APIView

from ion_portal.api_errors import exception_handler

from . import fhir
from .models import Intervention, Trial, TrialSite, effective_status_q

DEFAULT_COUNT = 20
MAX_PAGE = 1_000_000  # keeps the SQL OFFSET within range on every database
SEARCH_PARAMS = {
    "status": "token",
    "identifier": "token",
    "condition": "token",
    "keyword": "token",
}
CONTROL_PARAMS = {"_count", "_page", "_format"}
FORMATS = {"json", "application/json", "application/fhir+json"}

_ISSUE_CODES = {
    400: "invalid",
    401: "login",
    403: "forbidden",
    404: "not-found",
    405: "not-supported",
    406: "not-supported",
    429: "throttled",
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
    return Trial.objects.published().prefetch_related(
        "cancer_types",
        Prefetch("interventions", queryset=Intervention.objects.select_related("drug")),
        Prefetch("sites", queryset=TrialSite.objects.select_related("unit")),
    )


def _page_url(request, trial) -> str | None:
    from django.urls import NoReverseMatch

    try:
        return request.build_absolute_uri(trial.get_absolute_url())
    except NoReverseMatch:
        return None


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
        documentation = {
            "status": (
                "The study's progress (R5 research-study-status, e.g. recruiting, "
                "active-but-not-recruiting, completed); comma-separated values match any."
            ),
            "identifier": f"NCT ID, optionally as {fhir.CTGOV_SYSTEM}|NCT01234567; or an EU CT number.",
            "condition": "Cancer type (name, portal slug or ICD-10 code) or condition text.",
            "keyword": "Free text over identifiers, titles, conditions, drugs and summary.",
        }
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
                                {"name": name, "type": kind, "documentation": documentation[name]}
                                for name, kind in SEARCH_PARAMS.items()
                            ]
                            + [
                                {
                                    "name": "_count",
                                    "type": "number",
                                    "documentation": f"Results per page (default {DEFAULT_COUNT}, at most {settings.API_MAX_PAGE_SIZE}).",
                                }
                            ],
                        }
                    ],
                }
            ],
        }
        return Response(body)


def _token_values(raw: str) -> list[tuple[str | None, str]]:
    """Comma-separated token values (OR), each as (system or None, code)."""
    values = []
    raw = raw.replace("\x00", "")  # matches nothing; PostgreSQL refuses it in text
    for part in raw.split(","):
        part = part.strip()
        if not part:
            continue
        if "|" in part:
            system, _sep, code = part.partition("|")
            values.append((system or None, code.strip()))
        else:
            values.append((None, part))
    return values


# A token search value must hold something besides separators, blanks and NULs ("," or " " alone
# would be an empty search, answered 400).
TOKEN_SCHEMA = {"type": "string", "minLength": 1, "pattern": "[^,\\s\\u0000]"}


class ResearchStudySearchView(FhirView):
    """Search published trials; answers a searchset Bundle."""

    @extend_schema(
        summary="Search trials as FHIR R5 ResearchStudy",
        operation_id="fhir_researchstudy_search",
        tags=["fhir"],
        parameters=[
            OpenApiParameter(
                "status",
                {"type": "string", "enum": fhir.FHIR_STATUS_CODES},
                description="R5 research-study-status code of the study's progress.",
            ),
            OpenApiParameter(
                "identifier",
                TOKEN_SCHEMA,
                description="NCT ID (system|value allowed).",
            ),
            OpenApiParameter(
                "condition",
                TOKEN_SCHEMA,
                description="Cancer type or condition.",
            ),
            OpenApiParameter("keyword", TOKEN_SCHEMA, description="Free text."),
            OpenApiParameter(
                "_count",
                {"type": "integer", "minimum": 0},
                description=(
                    f"Results per page (default {DEFAULT_COUNT}, capped to "
                    f"{settings.API_MAX_PAGE_SIZE}); 0 returns only the total."
                ),
            ),
            OpenApiParameter(
                "_page",
                {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
                description="Page number.",
            ),
        ],
        responses={200: OpenApiResponse(FhirResourceSerializer, description="searchset Bundle")},
    )
    def get(self, request):
        params = request.query_params
        unsupported = sorted(
            name for name in params if name not in SEARCH_PARAMS and name not in CONTROL_PARAMS
        )
        if unsupported:
            supported = ", ".join([*SEARCH_PARAMS, *sorted(CONTROL_PARAMS)])
            raise FhirError(
                400,
                "not-supported",
                f"Unsupported search parameter(s): {', '.join(unsupported)}. Supported: {supported}.",
            )
        fmt = params.get("_format")
        if fmt is not None and fmt not in FORMATS:
            raise FhirError(
                400, "not-supported", "Only _format=json (application/fhir+json) is offered."
            )
        count = min(self._int_param("_count", DEFAULT_COUNT), settings.API_MAX_PAGE_SIZE)
        page = self._int_param("_page", 1, minimum=1, maximum=MAX_PAGE)

        queryset = published_trials()
        for name in SEARCH_PARAMS:
            for raw in params.getlist(name):  # a repeated parameter is AND, commas are OR
                queryset = queryset.filter(getattr(self, f"_q_{name}")(raw))
        queryset = queryset.order_by("nct_id")

        total = queryset.count()
        start = (page - 1) * count
        trials = list(queryset[start : start + count]) if count else []
        base = self.base_url()
        links = {"self": self._link(base, page, count)}
        if count and start + count < total:
            links["next"] = self._link(base, page + 1, count)
        if page > 1 and count:
            links["previous"] = self._link(base, page - 1, count)
        bundle = fhir.search_bundle(
            [fhir.research_study(t, page_url=_page_url(request, t)) for t in trials],
            total=total,
            base=base,
            links=links,
            timestamp=timezone.now(),
        )
        return Response(bundle)

    def _int_param(self, name: str, default: int, *, minimum: int = 0, maximum: int | None = None):
        raw = self.request.query_params.get(name)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            value = minimum - 1
        if value < minimum or (maximum is not None and value > maximum):
            limit = f" and at most {maximum}" if maximum is not None else ""
            raise FhirError(
                400, "invalid", f"{name} must be a whole number of at least {minimum}{limit}."
            )
        return value

    def _link(self, base: str, page: int, count: int) -> str:
        query = [(k, v) for k, v in self.request.query_params.lists() for v in v]
        query = [(k, v) for k, v in query if k not in ("_page", "_count")]
        query += [("_count", count), ("_page", page)]
        return f"{base}/ResearchStudy?{urlencode(query)}"

    @staticmethod
    def _empty(name: str):
        raise FhirError(400, "invalid", f"{name} needs a value.")

    def _q_status(self, raw: str) -> Q:
        values = _token_values(raw)
        if not values:
            self._empty("status")
        codes = []
        for system, code in values:
            if system not in (None, fhir.STATUS_SYSTEM) or code not in fhir.FHIR_STATUS_CODES:
                raise FhirError(
                    400,
                    "code-invalid",
                    f"Unknown status {code!r}. Allowed: {', '.join(fhir.FHIR_STATUS_CODES)}.",
                )
            codes.extend(fhir.statuses_for_fhir_code(code))
        return effective_status_q(codes)

    def _q_identifier(self, raw: str) -> Q:
        values = _token_values(raw)
        if not values:
            self._empty("identifier")
        q = Q(pk__in=[])
        for system, value in values:
            if system in (None, fhir.CTGOV_SYSTEM):
                q |= Q(nct_id=value.upper())
            if system in (None, fhir.EU_CT_SYSTEM):
                q |= Q(eu_ct_number=value)
        return q

    def _q_condition(self, raw: str) -> Q:
        values = _token_values(raw)
        if not values:
            self._empty("condition")
        links = Trial.cancer_types.through.objects
        q = Q(pk__in=[])
        for _system, value in values:
            matching = links.filter(
                Q(cancertype__slug=value)
                | Q(cancertype__name__iexact=value)
                | Q(cancertype__icd10__icontains=value)
            ).values("trial_id")
            q |= Q(pk__in=matching) | Q(conditions__icontains=value)
        return q

    def _q_keyword(self, raw: str) -> Q:
        values = [v for _s, v in _token_values(raw)]
        if not values:
            self._empty("keyword")
        q = Q(pk__in=[])
        for value in values:
            q |= Q(pk__in=Trial.objects.published().search(value[:200]).values("pk"))
        return q


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
