"""Production mode inside the suite: debug off, collected static files, the manifest storage.

`production_settings` (module scope: the override must end with the module, not leak into the modules
that run after it) runs `collectstatic` once into a temporary STATIC_ROOT and switches the settings that
differ in production; `demo_db` (module scope) copies the demo data in once and rolls it back afterwards.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings


def production_overrides(static_root) -> dict:
    """What `DJANGO_DEBUG=false` changes for page rendering (see ion_portal/settings.py)."""
    rest = dict(settings.REST_FRAMEWORK)
    rest["DEFAULT_RENDERER_CLASSES"] = ["rest_framework.renderers.JSONRenderer"]
    return {
        "DEBUG": False,
        "STATIC_ROOT": str(static_root),
        "STORAGES": {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
        },
        "WHITENOISE_USE_FINDERS": False,
        "WHITENOISE_AUTOREFRESH": False,
        "REST_FRAMEWORK": rest,
        "DEMO_CONTENT": False,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "LANGUAGE_COOKIE_SECURE": True,
    }


@pytest.fixture(scope="module")
def production_settings(tmp_path_factory):
    static_root = tmp_path_factory.mktemp("staticfiles")
    with override_settings(**production_overrides(static_root)):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield static_root


@pytest.fixture(scope="module")
def demo_db(django_db_setup, django_db_blocker, _seed_demo_snapshot):
    """The demo data set (what `seed_demo --allow-production` loads, copied from the session's snapshot,
    tests/conftest.py), put in once for the module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        _seed_demo_snapshot.restore()
        yield
        transaction.set_rollback(True)
