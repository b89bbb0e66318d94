"""One JSON error format for every API answer that is not a success, and a handler that keeps
malformed requests from ever becoming a 500.

Every 4xx body looks like::

    {"status": 400, "code": "invalid_parameter", "detail": "…",
     "errors": {"status": ["Select a valid choice. …"]},
     "allowed": {"status": ["RECRUITING", "COMPLETED", …]}}

`errors` and `allowed` appear when they have something to say; a 429 also carries `retry_after`
(seconds), as does its `Retry-After` header.

When the database is unreachable the answer is a JSON 503 with `Retry-After` (not Django's HTML
500), and `server_error_body` gives the site's 500 handler the same shape for /api/ and /fhir/.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions, serializers, status
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)

# A vocabulary with more values than this is cut short in `allowed`: the schema has the full list.
MAX_ALLOWED_VALUES = 300


class InvalidParameter(exceptions.APIException):
    """A query parameter whose value the endpoint cannot use (400), with the values it can."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_parameter"

    def __init__(self, name: str, message: str, allowed: list[str] | None = None):
        super().__init__(detail={name: [message]}, code=self.default_code)
        self.allowed = {name: allowed} if allowed else {}


DATABASE_RETRY_AFTER = 30  # seconds; a restarting database is usually back within this


class DatabaseUnavailable(exceptions.APIException):
    """The database cannot be reached (down, restarting, out of connections): 503, try again."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "service_unavailable"
    default_detail = gettext_lazy(
        "The service is temporarily unavailable. Please try again shortly."
    )
    wait = DATABASE_RETRY_AFTER


class InvalidFilter(exceptions.APIException):
    """The list's FilterSet rejected one or more parameters."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_filter"

    def __init__(self, filterset):
        errors = {name: [str(m) for m in messages] for name, messages in filterset.errors.items()}
        super().__init__(detail=errors, code=self.default_code)
        self.allowed = {}
        for name in errors:
            values = allowed_values(filterset.form.fields.get(name))
            if values:
                self.allowed[name] = values


def allowed_values(field) -> list[str]:
    """The values a form field accepts, when it is a choice field."""
    if field is None:
        return []
    if callable(getattr(field, "allowed", None)):  # trials.filters.CodeListField
        return [str(v) for v in list(field.allowed())[:MAX_ALLOWED_VALUES]]
    if not hasattr(field, "choices"):
        return []
    values = []
    for value, label in field.choices:
        if isinstance(label, (list, tuple)):  # optgroup
            values.extend(str(v) for v, _label in label)
        elif value not in ("", None):
            values.append(str(getattr(value, "value", value)))
        if len(values) >= MAX_ALLOWED_VALUES:
            break
    return values


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter's backend, raising our JSON error (with the allowed values) on a bad filter."""

    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        # A NUL character can match nothing, and PostgreSQL refuses it in any text: drop it.
        data = kwargs["data"].copy()
        for key, values in data.lists():
            data.setlist(key, [value.replace("\x00", "") for value in values])
        kwargs["data"] = data
        return kwargs

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise InvalidFilter(filterset)
        # Any valid ISO offset (+17:56) is accepted by the form but not by PostgreSQL (at most
        # ±15:59): compare in UTC, which means the same instant.
        for name, value in filterset.form.cleaned_data.items():
            if isinstance(value, datetime) and value.tzinfo is not None:
                filterset.form.cleaned_data[name] = value.astimezone(UTC)
        return filterset.qs


_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    415: "unsupported_media_type",
    429: "throttled",
    500: "server_error",
    503: "service_unavailable",
}


def error_body(status_code: int, detail: str, code: str | None = None, **extra) -> dict:
    """The error format shared by the REST API and (inside an OperationOutcome) FHIR."""
    body = {
        "status": status_code,
        "code": code or _CODES.get(status_code, "error"),
        "detail": detail,
    }
    body.update({key: value for key, value in extra.items() if value})
    return body


def _summary(exc: exceptions.APIException) -> tuple[str, dict]:
    """A one-line message and the per-field errors of a DRF exception."""
    detail = exc.detail
    if isinstance(detail, dict):
        errors = {
            str(key): [str(m) for m in (value if isinstance(value, list) else [value])]
            for key, value in detail.items()
        }
        names = ", ".join(errors)
        if isinstance(exc, InvalidFilter):
            return _("Invalid filter value for: %(names)s.") % {"names": names}, errors
        return _("Invalid value for: %(names)s.") % {"names": names}, errors
    if isinstance(detail, list):
        return "; ".join(str(m) for m in detail), {}
    return str(detail), {}


def exception_handler(exc, context):
    """DRF's handler, plus: Django/database value errors are 400s, and every body has one shape."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=exc.messages)
    elif isinstance(exc, (ValueError, OverflowError, DataError, UnicodeError)):
        # Out-of-range numbers, NUL bytes and undecodable input come from the request, not from us.
        logger.warning("Bad API request turned into a 400: %r", exc)
        exc = exceptions.ParseError(_("The request contains a value that cannot be used."))
    elif isinstance(exc, (OperationalError, InterfaceError)):
        # Not a bug of the request nor of ours: the database is away. Logged, answered in JSON.
        logger.error("Database unavailable during an API request: %r", exc)
        exc = DatabaseUnavailable()
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real bug: Django's 500 handling logs and reports it

    message, errors = _summary(exc)
    code = exc.get_codes() if isinstance(exc.get_codes(), str) else None
    if isinstance(exc, (InvalidFilter, InvalidParameter)):
        code = exc.default_code
    elif isinstance(exc, exceptions.ValidationError):
        code = "invalid"
    body = error_body(
        response.status_code,
        message,
        code,
        errors=errors,
        allowed=getattr(exc, "allowed", None),
        retry_after=getattr(exc, "wait", None) and int(exc.wait + 0.999),
    )
    response.data = body
    return response


def server_error_response(request) -> JsonResponse | None:
    """For the site's 500 handler: an unexpected error under /api/ answers the API's JSON error
    and under /fhir/ an OperationOutcome (None for other paths, which get the HTML page)."""
    message = _("An unexpected error occurred. It has been logged.")
    path = getattr(request, "path", "")  # Django may call the handler without a request
    if path.startswith("/api/"):
        return JsonResponse(error_body(500, message), status=500)
    if path.startswith("/fhir/"):
        outcome = {
            "resourceType": "OperationOutcome",
            "issue": [{"severity": "fatal", "code": "exception", "diagnostics": message}],
        }
        return JsonResponse(outcome, status=500, content_type="application/fhir+json")
    return None


def api_not_found(request, *args, **kwargs):
    """Unknown paths under /api/v1/ answer in JSON too, not with the site's HTML 404 page."""
    body = error_body(404, _("No API endpoint at this address. See /api/v1/docs/."))
    return JsonResponse(body, status=404)


class ErrorSerializer(serializers.Serializer):
    """The body of every API error (4xx)."""

    status = serializers.IntegerField(help_text="The HTTP status code.")
    code = serializers.CharField(help_text="A stable machine-readable code, e.g. invalid_filter.")
    detail = serializers.CharField(help_text="What was wrong, in words.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Messages per parameter.",
    )
    allowed = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="For a parameter with a fixed vocabulary: the values it accepts.",
    )
    retry_after = serializers.IntegerField(
        required=False,
        help_text="On 429 and 503: seconds to wait (also in the Retry-After header).",
    )
