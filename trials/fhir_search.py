"""FHIR R5 ResearchStudy search (/fhir/ResearchStudy): parameters to Q objects, paging, the Bundle.

Split from trials/fhir_views.py (the shared view base, errors, parameters and the read view live there).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.http import urlencode
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.response import Response

from ion_portal.models import CancerType

from . import fhir
from .fhir_views import (
    DEFAULT_COUNT,
    FORMATS,
    MAX_PAGE,
    MAX_TEXT,
    MAX_VALUES,
    SEARCH_PARAMS,
    FhirError,
    FhirResourceSerializer,
    FhirView,
    _page_url,
    published_trials,
)
from .filters import cached_count
from .models import Trial, effective_status_q

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

        total = cached_count(queryset)  # cached until the registry changes
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
