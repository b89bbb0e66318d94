"""Building blocks every app's API uses, so the API says one word for one thing:

- `url` is the API resource (`HyperlinkedIdentityField`), `page` the object's web page (`PageField`);
- detail routes take a slug matched by `SLUG_PATTERN` (`SlugLookupMixin`), declared once here.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

SLUG_PATTERN = r"[-a-zA-Z0-9_]+"


class SlugLookupMixin:
    """A viewset whose detail route is `<prefix>/<slug>/`."""

    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN


@extend_schema_field(OpenApiTypes.URI)
class PageField(serializers.Field):
    """The object's web page on the portal: the absolute URL of `get_absolute_url()`."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "The object's web page on the portal.")
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value) -> str:
        request = self.context.get("request")
        path = value.get_absolute_url()
        return request.build_absolute_uri(path) if request else path


def resource_url_field(view_name: str) -> serializers.HyperlinkedIdentityField:
    """The object's API resource (`url`), looked up by slug."""
    return serializers.HyperlinkedIdentityField(
        view_name=view_name, lookup_field="slug", help_text="This object in the API."
    )
