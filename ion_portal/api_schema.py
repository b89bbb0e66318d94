"""The OpenAPI schema generator: drf-spectacular's, with the shared error responses on every operation,
a tag and a summary on every operation, CSV documented as text (not JSON), and detail actions (the
collaboration `matches`) documented as the plain lists they return.

Kept apart from api_errors (which DRF imports while loading its own generics) to avoid an import cycle.
"""

import django_filters
from django.db import DatabaseError
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import build_parameter_type
from drf_spectacular.utils import OpenApiParameter

from ion_portal.api_errors import ErrorSerializer

_DOCUMENTED_ERRORS = {
    "400": "A parameter has a value the endpoint cannot use.",
    "401": "The Authorization header holds an unknown, revoked or malformed key.",
    "404": "No such object, or a page number past the end.",
    "406": "The requested format is not offered.",
    "429": "Rate limit exceeded; see the Retry-After header.",
    "503": "The database is unavailable for a moment; retry after Retry-After seconds.",
}


_CSV_MEDIA_TYPES = {"text/csv"}


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's schema, with the shared error responses documented on every operation."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, description in _DOCUMENTED_ERRORS.items():
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code)
                response["description"] = description
                responses[code] = response
        for response in responses.values():
            for media_type, content in (response.get("content") or {}).items():
                if media_type.split(";")[0] in _CSV_MEDIA_TYPES:
                    # The body is CSV text, not the JSON object the serializer describes.
                    content["schema"] = {"type": "string", "format": "binary"}
        return responses

    def get_tags(self) -> list[str]:
        # The app that serves the endpoint (collaborations, education, toxicity…); views that know
        # better say so with extend_schema(tags=…).
        return [self.view.__module__.split(".")[0]]

    def get_summary(self) -> str | None:
        action = getattr(self.view, "action", None)
        model = getattr(getattr(self.view, "queryset", None), "model", None)
        if model is None:
            try:
                model = self.view.get_queryset().model
            except Exception:  # schema generation must not need a request
                model = None
        meta = getattr(model, "_meta", None)
        if meta is not None and action == "list":
            return f"List {meta.verbose_name_plural}"
        if meta is not None and action == "retrieve":
            return f"One {meta.verbose_name} by {getattr(self.view, 'lookup_field', 'pk')}"
        handler = getattr(self.view, action or self.method.lower(), None)
        doc = (getattr(handler, "__doc__", None) or "").strip()
        return doc.splitlines()[0].rstrip(".") if doc else None

    def _get_paginator(self):
        # A detail action (/platforms/{slug}/matches/) answers a plain list: DRF paginates only
        # what a view passes to paginate_queryset, which no detail action does.
        if getattr(self.view, "detail", False):
            return None
        return super()._get_paginator()

    def _get_filter_parameters(self):
        if getattr(self.view, "detail", False):
            return []  # filters narrow lists, not one object's actions
        return super()._get_filter_parameters()


class StrictFilterExtension(DjangoFilterExtension):
    """Schema for our filter backend: django-filter's, plus list-of-codes filters (repeatable)."""

    target_class = "ion_portal.api_errors.StrictFilterBackend"
    match_subclasses = True
    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        if callable(filter_field.extra.get("allowed")):
            # A list of codes; views describe the allowed values with their own parameters.
            return [
                build_parameter_type(
                    name=field_name,
                    location=OpenApiParameter.QUERY,
                    schema={"type": "array", "items": {"type": "string"}},
                    explode=True,
                    description=str(filter_field.label or ""),
                )
            ]
        values = _vocabulary(filter_field)
        if values is not None:
            many = isinstance(filter_field, django_filters.ModelMultipleChoiceFilter)
            if values:
                schema = {"type": "string", "enum": values}
                schema = {"type": "array", "items": schema} if many else schema
            elif many:
                # An empty vocabulary (a new database) accepts no value, and OpenAPI forbids an
                # empty enum: say "no items" instead.
                schema = {"type": "array", "items": {"type": "string"}, "maxItems": 0}
            else:
                schema = {"type": "string", "maxLength": 0}  # only the blank "no filter" value
            return [
                build_parameter_type(
                    name=field_name,
                    location=OpenApiParameter.QUERY,
                    schema=schema,
                    explode=True if many else None,
                    description=str(filter_field.label or ""),
                )
            ]
        return super().resolve_filter_field(
            auto_schema, model, filterset_class, field_name, filter_field
        )


def _vocabulary(filter_field) -> list[str] | None:
    """The allowed values of a model-choice filter keyed by a slug-like field, read from the database
    when the schema is generated, so clients (and schemathesis) know what the filter accepts."""
    if not isinstance(
        filter_field, django_filters.ModelChoiceFilter | django_filters.ModelMultipleChoiceFilter
    ):
        return None
    to_field = filter_field.extra.get("to_field_name")
    queryset = filter_field.extra.get("queryset")
    if not to_field or queryset is None or callable(queryset):
        return None
    try:
        return [
            str(v) for v in queryset.order_by(to_field).values_list(to_field, flat=True).distinct()
        ]
    except (DatabaseError, RuntimeError):
        # Generated without a usable database (offline, or during collection): plain strings.
        return None
