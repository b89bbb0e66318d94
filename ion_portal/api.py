"""The one API router, mounted at /api/v1/. Each domain app lists its viewsets in `<app>.api.ROUTES`."""

from importlib import import_module

from rest_framework.routers import SimpleRouter

from ion_portal.sitemaps import DOMAIN_APPS

router = SimpleRouter()
for _app in DOMAIN_APPS:
    for _prefix, _viewset, _basename in import_module(f"{_app}.api").ROUTES:
        router.register(_prefix, _viewset, basename=_basename)

urlpatterns: list = [*router.urls]
