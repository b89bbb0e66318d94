"""The pages a hospital must publish: editable in admin with history, both languages, demo texts."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from ion_portal.models import SitePage
from ion_portal.site_pages import render_text, site_pages_load

pytestmark = pytest.mark.django_db

PAGES = {
    "privacy": ("/privacy/", "Privacy notice", "Privacyverklaring"),
    "cookies": ("/cookies/", "Cookies", "Cookies"),
    "accessibility": ("/accessibility/", "Accessibility statement", "Toegankelijkheidsverklaring"),
    "legal": ("/legal-notice/", "Legal notice", "Juridische informatie"),
}


@pytest.fixture
def pages():
    site_pages_load()


def test_demo_loader_creates_each_page_in_both_languages_marked_as_demo(pages):
    assert set(SitePage.objects.values_list("kind", flat=True)) == set(PAGES)
    for page in SitePage.objects.all():
        assert page.is_demo
        assert page.title_en and page.body_en and page.title_nl and page.body_nl
        assert "Demonstrati" in page.body_en + page.body_nl


def test_demo_loader_leaves_edited_pages_alone_and_creates_only_missing_ones(pages):
    SitePage.objects.filter(kind="privacy").update(body_en="Our own notice.", is_demo=False)
    SitePage.objects.filter(kind="legal").delete()
    assert site_pages_load() == 1
    assert SitePage.objects.get(kind="privacy").body_en == "Our own notice."
    assert SitePage.objects.filter(kind="legal").exists()


def test_seed_demo_loads_the_site_pages(settings):
    settings.DEBUG = True  # seed_demo refuses a production configuration
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert SitePage.objects.count() == 4


@pytest.mark.parametrize("kind", list(PAGES))
def test_each_page_is_public_in_english_and_dutch_with_its_title(client, pages, kind):
    url, title_en, title_nl = PAGES[kind]
    with translation.override("en"):
        english = client.get(url)
        dutch = client.get("/nl" + url)
    assert english.status_code == 200
    assert f"<h1>{title_en}</h1>" in english.content.decode()
    assert "Demonstration text: the hospital replaces it" in english.content.decode()
    assert dutch.status_code == 200
    assert f"<h1>{title_nl}</h1>" in dutch.content.decode()


def test_cookie_page_lists_the_cookies_the_portal_sets(client, pages):
    html = client.get("/cookies/").content.decode()
    for name in (
        settings.SESSION_COOKIE_NAME,
        settings.CSRF_COOKIE_NAME,
        settings.LANGUAGE_COOKIE_NAME,
        "messages",  # django.contrib.messages' cookie storage (the default FallbackStorage)
    ):
        assert f"<li>{name}:" in html
    assert settings.MESSAGE_STORAGE.endswith("FallbackStorage")


def test_privacy_notice_names_every_form_that_collects_personal_data(client, pages):
    html = client.get("/privacy/").content.decode()
    for form in ("Account (sign-up)", "Contact form", "Trial referral form", "consult request"):
        assert form in html
    assert "Data Protection Authority" in html


def test_accessibility_statement_names_the_standard_and_how_to_report(client, pages):
    html = client.get("/accessibility/").content.decode()
    assert "WCAG) 2.2 at level AA" in html
    assert "Known exceptions" in html
    assert "Report a problem" in html


def test_missing_page_is_a_404(client):
    assert client.get("/privacy/").status_code == 404


def test_footer_links_to_every_page(client, pages):
    html = client.get(reverse("home")).content.decode()
    for url, *_titles in PAGES.values():
        assert f'href="{url}"' in html


def test_curator_edits_a_page_in_admin_and_the_change_is_in_its_history(curator_client, pages):
    page = SitePage.objects.get(kind="cookies")
    url = reverse("admin:ion_portal_sitepage_change", args=[page.pk])
    assert curator_client.get(url).status_code == 200
    response = curator_client.post(
        url,
        {
            "is_demo": "",
            "title_en": "Cookies",
            "body_en": "Only functional cookies.",
            "title_nl": "Cookies",
            "body_nl": "Alleen functionele cookies.",
        },
    )
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.body_en == "Only functional cookies." and not page.is_demo
    assert page.kind == "cookies"
    assert page.history.count() == 2
    history = reverse("admin:ion_portal_sitepage_history", args=[page.pk])
    assert curator_client.get(history).status_code == 200


def test_text_is_escaped_and_structured():
    html = render_text("## Heading\n\n- one <b>\n- two\n\nA line\nnext, mail a@example.org")
    assert html == (
        "<h2>Heading</h2>\n<ul><li>one &lt;b&gt;</li><li>two</li></ul>\n"
        '<p>A line<br>next, mail <a href="mailto:a@example.org">a@example.org</a></p>'
    )
