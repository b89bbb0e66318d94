"""Every page, feed, API document and static reference renders with debug off and the manifest storage.

The URL list is not written by hand: every parameterless named URL of the URL conf, every URL of the
sitemap, each admin change list and add form, and the error pages, in English and Dutch, for a visitor, a
member and a superuser. A page that works only in debug (a `{% static %}` with no manifest entry, a
template that needs the debug context) answers 500 here.
"""

from __future__ import annotations

import contextlib
import re
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory
from django.urls import (
    NoReverseMatch,
    URLPattern,
    URLResolver,
    get_resolver,
    reverse,
    translate_url,
)

from tests.factories import PASSWORD, give_second_factor, make_user

pytestmark = pytest.mark.usefixtures("production_settings")

STATIC_REF = re.compile(r"""(?:src|href)=["'](/static/[^"'?#]+)""")
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
# Not parameterless in the URL conf, or reached only by POST: requested explicitly.
EXTRA = [
    "/api/v1/",
    "/api/v1/trials/?format=json",
    "/fhir/ResearchStudy?_count=5",
    "/no-such-page/",
]


def named_paths() -> list[str]:
    """The path of every named URL pattern that takes no argument."""
    found: list[str] = []

    def walk(patterns, namespace: str | None) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if entry.app_name == "admin":
                    continue  # the admin is walked through its registry (admin_paths)
                inner = entry.namespace
                walk(entry.url_patterns, f"{namespace}:{inner}" if namespace and inner else inner)
            elif isinstance(entry, URLPattern) and entry.name:
                name = f"{namespace}:{entry.name}" if namespace else entry.name
                with contextlib.suppress(NoReverseMatch):  # takes arguments: see the sitemap
                    found.append(reverse(name))

    walk(get_resolver().url_patterns, None)
    return found


def admin_paths() -> list[str]:
    paths = [reverse("admin:index"), reverse("admin:login")]
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        paths.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        if model_admin.has_add_permission(_superuser_request()):
            paths.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_add"))
    return paths


def _superuser_request():
    request = RequestFactory().get("/admin/")

    class _Superuser:
        is_active = is_staff = is_superuser = True

        def has_perm(self, *args):
            return True

    request.user = _Superuser()
    return request


def with_dutch(paths: list[str]) -> list[str]:
    both: list[str] = []
    for path in paths:
        for language in ("en", "nl"):
            translated = translate_url(path, language)
            if translated not in both:
                both.append(translated)
    return both


class Crawl:
    """GETs over HTTPS (SECURE_SSL_REDIRECT is on in production), collecting failures and static refs."""

    def __init__(self, client: Client):
        self.client = client
        self.errors: list[tuple[str, int]] = []
        self.static: set[str] = set()
        self.count = 0

    def get(self, path: str):
        response = self.client.get(path, secure=True)
        self.count += 1
        if response.status_code >= 500:
            self.errors.append((path, response.status_code))
        if response.get("Content-Type", "").startswith("text/html") and not response.streaming:
            self.static.update(STATIC_REF.findall(response.content.decode()))
        return response

    def every(self, paths):
        for path in paths:
            self.get(path)


@pytest.fixture(scope="module")
def sitemap_paths(production_settings, demo_db):
    client = Client(raise_request_exception=False)
    response = client.get("/sitemap.xml", secure=True)
    assert response.status_code == 200
    tree = ElementTree.fromstring(response.content)  # noqa: S314 (our own sitemap)
    locs = [loc.text for loc in tree.findall(".//s:loc", SITEMAP_NS)]
    alternates = [link.get("href") for link in tree.iter("{http://www.w3.org/1999/xhtml}link")]
    paths = sorted({urlsplit(url).path for url in locs + alternates})
    assert len(paths) > 20, paths  # the demo data: trials, guidelines, platforms, news, events…
    return paths


def test_settings_are_production_ones(production_settings):
    from django.conf import settings
    from django.contrib.staticfiles.storage import staticfiles_storage

    assert settings.DEBUG is False
    assert type(staticfiles_storage._wrapped).__name__ == "CompressedManifestStaticFilesStorage"
    # The manifest knows every file, and only hashed names are handed out.
    assert re.fullmatch(
        r"/static/css/base\.[0-9a-f]{12}\.css", staticfiles_storage.url("css/base.css")
    )


def test_every_page_answers_below_500_for_a_visitor_in_english_and_dutch(db, sitemap_paths):
    crawl = Crawl(Client(raise_request_exception=False))
    crawl.every(with_dutch(named_paths() + sitemap_paths + EXTRA))
    assert crawl.errors == []
    assert crawl.count > 150
    # Every static file a page refers to exists among the collected, hashed files.
    for path in sorted(crawl.static):
        response = crawl.get(path)
        assert response.status_code == 200, path
    assert crawl.errors == []


def test_service_worker_and_machine_documents_are_200(db, sitemap_paths):
    client = Client(raise_request_exception=False)
    for path in [
        "/toxicity/sw.js",
        "/nl/toxicity/sw.js",
        "/robots.txt",
        "/sitemap.xml",
        "/api/v1/schema/",
        "/api/v1/docs/",
        "/fhir/metadata",
        "/trials/feed/",
        "/news/feed/",
        "/events/feed/",
        "/events/feed.ics",
        "/healthz",
    ]:
        response = client.get(path, secure=True)
        assert response.status_code == 200, (path, response.status_code)
    worker = client.get("/toxicity/sw.js", secure=True).content.decode()
    assert 'const STATIC_URL = "/static/"' in worker
    assert re.search(r"/static/js/toxicity\.[0-9a-f]{12}\.js", worker)


def test_every_page_answers_below_500_for_a_member(db, sitemap_paths):
    member = make_user("member-production@example.org", groups=("Members",))
    client = Client(raise_request_exception=False)
    client.force_login(member)
    crawl = Crawl(client)
    crawl.every(with_dutch(named_paths()) + sitemap_paths)  # the sitemap lists its Dutch pages
    assert crawl.errors == []


def test_admin_pages_answer_below_500_for_a_superuser_with_a_second_factor(db, sitemap_paths):
    superuser = give_second_factor(
        make_user("root-production@example.org", is_staff=True, is_superuser=True)
    )
    client = Client(raise_request_exception=False)
    client.force_login(superuser)
    crawl = Crawl(client)
    paths = with_dutch(admin_paths())
    crawl.every(paths)
    assert crawl.errors == []
    assert client.get(reverse("admin:index"), secure=True).status_code == 200


def test_admin_login_page_renders_for_a_visitor(db, sitemap_paths):
    client = Client(raise_request_exception=False)
    response = client.get(reverse("admin:login"), secure=True, follow=True)
    assert response.status_code == 200
    assert b'name="password"' in response.content


def test_error_pages_render_with_hashed_static_files(db, sitemap_paths):
    from ion_portal.views import server_error

    client = Client(raise_request_exception=False)
    for path in ("/no-such-page/", "/nl/bestaat-niet/"):
        response = client.get(path, secure=True)
        assert response.status_code == 404
        assert re.search(rb"/static/css/base\.[0-9a-f]{12}\.css", response.content)
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert re.search(rb"/static/css/base\.[0-9a-f]{12}\.css", response.content)


def test_sign_in_works_in_production_mode(db, sitemap_paths):
    make_user("signin-production@example.org", groups=("Members",))
    client = Client(raise_request_exception=False)
    response = client.post(
        reverse("account_login"),
        {"login": "signin-production@example.org", "password": PASSWORD},
        secure=True,
    )
    assert response.status_code == 302
    assert client.get(reverse("account_overview"), secure=True).status_code == 200
