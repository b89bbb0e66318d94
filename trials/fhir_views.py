"""FHIR R5 endpoints for trials: /fhir/metadata, /fhir/ResearchStudy (search), /fhir/ResearchStudy/<id>.

DRF views, so the API's key authentication and rate limits apply here too; every error is an
OperationOutcome with the matching HTTP status. Only published trials are visible.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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
from ion_portal.models import CancerType

from . import fhir
from .models import Intervention, Trial, TrialSite, effective_status_q

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


# Q() would vanish when OR-ed with other values: spell "every row" and "no row" out.
_ALL = Q(pk__isnull=False)
_NONE = Q(pk__in=[])
_UNESCAPED_COMMA = re.compile(r"(?<!\\),")


def _split_values(raw: str) -> list[str]:
    """Comma-separated values (OR), with FHIR's `\\,` escape for a literal comma."""
    raw = raw.replace("\x00", "")  # matches nothing; PostgreSQL refuses it in text
    return [
        part.strip().replace("\\,", ",") for part in _UNESCAPED_COMMA.split(raw) if part.strip()
    ]


def _token(value: str) -> tuple[str | None, str]:
    """A token value as (system, code): `code` has no system (None: any system); `|code` has the
    empty system (identifiers without one); `system|code` names it."""
    if "|" not in value:
        return None, value
    system, _sep, code = value.partition("|")
    return system.strip(), code.strip()


# A token search value must hold something besides separators, blanks and NULs ("," or " " alone
# would be an empty search, answered 400).
TOKEN_SCHEMA = {"type": "string", "minLength": 1, "pattern": "[^,\\s\\u0000]"}
_PROGRESS_CODES = sorted({mapped[0] for mapped in fhir.STATUS_TO_FHIR.values() if mapped})


def _openapi_parameters() -> list[OpenApiParameter]:
    schemas = {
        "status": {"type": "string", "enum": list(fhir.PUBLICATION_STATUS_CODES)},
        "progress-status-state-actual": {
            "type": "string",
            "enum": [*_PROGRESS_CODES, *(f"{code}$true" for code in _PROGRESS_CODES)],
        },
        "_count": {"type": "integer", "minimum": 0},
        "_page": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
        "_format": {"type": "string", "enum": sorted(FORMATS)},
    }
    found = []
    for param in SEARCH_PARAMS.values():
        schema = schemas.get(param.name, TOKEN_SCHEMA)
        found.append(OpenApiParameter(param.name, schema, description=param.documentation))
        found.extend(
            OpenApiParameter(
                f"{param.name}:{modifier}", TOKEN_SCHEMA, description=param.documentation
            )
            for modifier in param.modifiers
        )
    return found


def _verified_pks(candidates, field: str, matches) -> list[int]:
    """Primary keys of the candidate trials whose JSON list `field` has an item that `matches`:
    the database narrows by substring, Python checks whole values (the same on SQLite and
    PostgreSQL)."""
    return [
        pk
        for pk, items in candidates.values_list("pk", field)
        if any(matches(item) for item in items or [])
    ]


class ResearchStudySearchView(FhirView):
    """Search published trials; answers a searchset Bundle."""

    @extend_schema(
        summary="Search trials as FHIR R5 ResearchStudy",
        operation_id="fhir_researchstudy_search",
        tags=["fhir"],
        parameters=_openapi_parameters(),
        responses={200: OpenApiResponse(FhirResourceSerializer, description="searchset Bundle")},
    )
    def get(self, request):
        params = request.query_params
        searches = []  # (parameter, modifier, raw value)
        unsupported = []
        for name, values in params.lists():
            base, _sep, modifier = name.partition(":")
            param = SEARCH_PARAMS.get(base)
            if param is None or (modifier and modifier not in param.modifiers):
                unsupported.append(name)
            elif not param.result:
                searches.extend((param, modifier, value) for value in values)
        if unsupported:
            raise FhirError(
                400,
                "not-supported",
                f"Unsupported search parameter(s): {', '.join(sorted(unsupported))}. "
                f"Supported: {', '.join(SEARCH_PARAMS)}.",
            )
        fmt = params.get("_format")
        if fmt is not None and fmt not in FORMATS:
            raise FhirError(
                400, "not-supported", "Only _format=json (application/fhir+json) is offered."
            )
        count = min(self._int_param("_count", DEFAULT_COUNT), settings.API_MAX_PAGE_SIZE)
        page = self._int_param("_page", 1, minimum=1, maximum=MAX_PAGE)

        parsed = []
        per_param: dict[str, int] = {}
        for param, modifier, raw in searches:
            values = _split_values(raw)
            if not values:
                raise FhirError(400, "invalid", f"{param.name} needs a value.")
            per_param[param.name] = per_param.get(param.name, 0) + len(values)
            if per_param[param.name] > MAX_VALUES:
                raise FhirError(
                    400,
                    "too-costly",
                    f"{param.name} has more than {MAX_VALUES} values; split the search.",
                )
            parsed.append((param, modifier, values))

        queryset = published_trials()
        for param, modifier, values in parsed:  # a repeated parameter is AND, commas are OR
            handler = getattr(self, "_q_" + param.name.strip("_").replace("-", "_"))
            q = _NONE
            for value in values:
                q |= handler(value, modifier)
            queryset = queryset.filter(q)
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

    # One method per search parameter: (one value, modifier) -> Q over Trial.

    def _q_id(self, value: str, modifier: str) -> Q:
        return Q(nct_id=value)

    def _q_status(self, value: str, modifier: str) -> Q:
        system, code = _token(value)
        if system not in (None, fhir.PUBLICATION_STATUS_SYSTEM) or (
            code not in fhir.PUBLICATION_STATUS_CODES
        ):
            raise FhirError(
                400,
                "code-invalid",
                f"Unknown status {code!r}: status is the record's publication status, one of "
                f"{', '.join(fhir.PUBLICATION_STATUS_CODES)}. For recruitment use "
                "progress-status-state-actual.",
            )
        return _ALL if code == fhir.PUBLISHED_STATUS else _NONE

    def _q_progress_status_state_actual(self, value: str, modifier: str) -> Q:
        state, _sep, actual = value.partition("$")
        system, code = _token(state.strip())
        actual = actual.strip().lower()
        if (
            system not in (None, fhir.STATUS_SYSTEM)
            or code not in _PROGRESS_CODES
            or actual not in ("", "true", "false")
        ):
            raise FhirError(
                400,
                "code-invalid",
                f"Unknown progress state {value!r}: give state$actual, e.g. recruiting$true, with "
                f"a state among {', '.join(_PROGRESS_CODES)}.",
            )
        if actual == "false":
            return _NONE  # only the current, actual state is published
        return effective_status_q(fhir.statuses_for_fhir_code(code))

    def _q_identifier(self, value: str, modifier: str) -> Q:
        system, code = _token(value)
        q = _NONE
        if system in (None, fhir.CTGOV_SYSTEM):
            q |= Q(nct_id=code.upper()) if code else _ALL
        if system in (None, fhir.EU_CT_SYSTEM):
            q |= Q(eu_ct_number=code) if code else ~Q(eu_ct_number="")
        if system in (None, "") and code:
            # Secondary ids carry no system (fhir._identifiers): match the whole id.
            candidates = Trial.objects.filter(other_ids__icontains=code)
            q |= Q(pk__in=_verified_pks(candidates, "other_ids", lambda o: _other_id(o) == code))
        return q

    def _q_condition(self, value: str, modifier: str) -> Q:
        links = Trial.cancer_types.through.objects
        if modifier == "text":
            matching = links.filter(cancertype__name__icontains=value[:MAX_TEXT]).values("trial_id")
            return Q(pk__in=matching) | Q(conditions__icontains=value[:MAX_TEXT])
        system, code = _token(value)
        if system not in (None, fhir.ICD10_SYSTEM):
            return _NONE
        wanted = code.casefold()
        cancer_types = [
            pk
            for pk, slug, name, icd10 in CancerType.objects.values_list(
                "pk", "slug", "name", "icd10"
            )
            if any(_icd10_covers(part, wanted) for part in icd10.split(","))
            or (system is None and wanted in (slug.casefold(), name.casefold()))
        ]
        q = Q(pk__in=links.filter(cancertype_id__in=cancer_types).values("trial_id"))
        if system is None:
            candidates = Trial.objects.filter(conditions__icontains=code)
            q |= Q(
                pk__in=_verified_pks(
                    candidates, "conditions", lambda c: str(c).strip().casefold() == wanted
                )
            )
        return q

    def _q_keyword(self, value: str, modifier: str) -> Q:
        if modifier == "text":
            return Q(keywords__icontains=value[:MAX_TEXT])
        _system, code = _token(value)
        wanted = code.casefold()
        candidates = Trial.objects.filter(keywords__icontains=code)
        return Q(
            pk__in=_verified_pks(
                candidates, "keywords", lambda k: str(k).strip().casefold() == wanted
            )
        )

    def _q_content(self, value: str, modifier: str) -> Q:
        return Q(pk__in=Trial.objects.published().search(value[:MAX_TEXT]).values("pk"))


_ICD10_CATEGORY = re.compile(r"^([a-z])(\d\d)$")


def _icd10_covers(part: str, code: str) -> bool:
    """Whether one entry of a cancer type's ICD-10 list ("C43" or a range "C45-C49") holds the
    whole code (casefolded): C43 matches C43, C46 matches C45-C49, C4 matches nothing."""
    part = part.strip().casefold()
    if part == code:
        return True
    low, sep, high = part.partition("-")
    wanted, first, last = (_ICD10_CATEGORY.match(x.strip()) for x in (code, low, high))
    if not (sep and wanted and first and last):
        return False
    return first[1] == wanted[1] == last[1] and int(first[2]) <= int(wanted[2]) <= int(last[2])


def _other_id(other) -> str:
    """The value of a secondary id as fhir._identifiers gives it."""
    if isinstance(other, dict):
        return str(other.get("id") or "").strip()
    return str(other).strip()


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
