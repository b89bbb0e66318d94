"""Page-number pagination for every API list: `?page=` and `?page_size=` (capped)."""

from __future__ import annotations

from django.conf import settings
from rest_framework import pagination

from ion_portal.api_errors import InvalidParameter


class PageNumberPagination(pagination.PageNumberPagination):
    """`page_size` may be asked for, up to API_MAX_PAGE_SIZE; lists must have a stable order."""

    page_size_query_param = "page_size"

    @property
    def max_page_size(self) -> int:
        return settings.API_MAX_PAGE_SIZE

    def get_page_size(self, request):
        # DRF silently falls back to the default for a bad page_size; a partner should hear about it.
        raw = request.query_params.get(self.page_size_query_param)
        if raw is not None:
            try:
                value = int(raw)
            except ValueError:
                value = 0
            if value < 1:
                raise InvalidParameter(
                    self.page_size_query_param,
                    f"page_size must be a whole number from 1 to {self.max_page_size}.",
                )
            return min(value, self.max_page_size)
        return self.page_size

    def get_schema_operation_parameters(self, view):
        params = super().get_schema_operation_parameters(view)
        for param in params:
            if param["name"] == self.page_size_query_param:
                # No "maximum" in the schema: a larger value is accepted and capped, not refused.
                param["schema"] = {"type": "integer", "minimum": 1}
                param["description"] = (
                    f"Results per page (default {self.page_size}); values above "
                    f"{self.max_page_size} are capped to {self.max_page_size}."
                )
            if param["name"] == self.page_query_param:
                param["schema"] = {"type": "integer", "minimum": 1}
        return params
