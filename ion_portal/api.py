"""The one API router, mounted at /api/v1/. Each domain app lists its viewsets in `<app>.api.ROUTES`.

Also here: the core vocabulary endpoint (cancer types), the OpenAPI schema and the interactive docs
(Swagger UI served from our own static files, so no CDN and a strict CSP). Authentication,
throttling, pagination, filtering and the error format are DRF defaults (settings, `# --- api ---`),
so every app's endpoints share them.
"""

from importlib import import_module

from django.urls import path, re_path
from drf_spectacular.utils import extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import viewsets
from rest_framework.routers import SimpleRouter

from ion_portal.api_base import SlugLookupMixin
from ion_portal.api_errors import api_not_found
from ion_portal.models import CancerType
from ion_portal.serializers import CancerTypeSerializer
from ion_portal.sitemaps import DOMAIN_APPS


@extend_schema_view(
    list=extend_schema(summary="List the cancer-type vocabulary", tags=["vocabularies"]),
    retrieve=extend_schema(summary="One cancer type by slug", tags=["vocabularies"]),
)
class CancerTypeViewSet(SlugLookupMixin, viewsets.ReadOnlyModelViewSet):
    """The tumour-type vocabulary used to tag trials, collections and resources."""

    serializer_class = CancerTypeSerializer
    # One query per page (+1 count): the parent's slug comes along in the same SELECT.
    queryset = CancerType.objects.select_related("parent").order_by("name", "pk")


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI; the page has no inline script or style, so the site's CSP holds."""

    template_name = "ion_portal/api_docs.html"
    url_name = "api-schema"


ROUTES = [("cancer-types", CancerTypeViewSet, "cancertype")]

router = SimpleRouter()
for _prefix, _viewset, _basename in ROUTES:
    router.register(_prefix, _viewset, basename=_basename)
for _app in DOMAIN_APPS:
    for _prefix, _viewset, _basename in import_module(f"{_app}.api").ROUTES:
        router.register(_prefix, _viewset, basename=_basename)

urlpatterns: list = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", DocsView.as_view(), name="api-docs"),
    *router.urls,
    # Last: anything else under /api/v1/ is a JSON 404.
    re_path(r"^[\s\S]*$", api_not_found),
]
