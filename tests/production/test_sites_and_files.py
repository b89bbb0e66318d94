"""Hosts come from SITE_URL at run time (sitemap, feeds, e-mails, .ics), whatever the sites table says;
Dutch alternates in the sitemap; robots.txt covers /nl/; a missing uploaded file is a 404 that says so."""

from __future__ import annotations

import re

import pytest
from django.contrib.sites.models import Site
from django.core import mail
from django.urls import reverse

from tests.factories import make_user

pytestmark = pytest.mark.django_db

PUBLIC = "https://portal.example.net"


@pytest.fixture
def stale_site_row(settings):
    """A database migrated before SITE_URL was set: the row says 127.0.0.1:8000."""
    Site.objects.filter(pk=settings.SITE_ID).update(domain="127.0.0.1:8000", name="old")
    Site.objects.clear_cache()
    settings.SITE_URL = PUBLIC
    settings.ALLOWED_HOSTS = ["testserver", "portal.example.net"]
    return settings


def test_sitemap_uses_site_url_with_dutch_alternates_for_trials(client, stale_site_row):
    from trials import demo

    demo.load()
    body = client.get("/sitemap.xml").content.decode()
    locs = re.findall(r"<loc>([^<]+)</loc>", body)
    assert locs and all(loc.startswith(PUBLIC + "/") for loc in locs), locs[:5]
    assert "127.0.0.1" not in body
    assert f"{PUBLIC}/trials/" in locs and f"{PUBLIC}/nl/trials/" in locs
    trial_pages = [loc for loc in locs if re.search(r"/trials/NCT\d+/$", loc)]
    assert trial_pages
    dutch = trial_pages[0].replace(PUBLIC, PUBLIC + "/nl")
    assert dutch in locs
    assert f'hreflang="nl" href="{dutch}"' in body


def test_feeds_and_calendar_use_site_url(client, stale_site_row):
    from education.models import Event
    from tests.factories import make_event, make_news

    make_news("site-url-news")
    make_event("site-url-event")
    for path in ("/trials/feed/", "/news/feed/", "/events/feed/"):
        body = client.get(path).content.decode()
        assert "127.0.0.1" not in body and "testserver" not in body, path
        # The host is SITE_URL's; the scheme follows the request (https behind the TLS proxy).
        assert "://portal.example.net/" in body, path
    ics = client.get("/events/feed.ics").content.decode().replace("\r\n ", "")
    assert f"URL:{PUBLIC}{Event.objects.get().get_absolute_url()}" in ics
    assert "testserver" not in ics


def test_account_e_mails_link_to_site_url(client, stale_site_row):
    make_user("forgetful@example.org")
    client.post(reverse("account_reset_password"), {"email": "forgetful@example.org"})
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert f"{PUBLIC}/accounts/password/reset/key/" in body
    assert "testserver" not in body and "127.0.0.1" not in body


def test_robots_txt_covers_the_dutch_private_paths(client, settings):
    body = client.get("/robots.txt").content.decode()
    for path in ("/admin/", "/accounts/", "/account/"):
        assert f"Disallow: {path}\n" in body
        assert f"Disallow: /nl{path}\n" in body
    assert f"Sitemap: {settings.SITE_URL}/sitemap.xml" in body


def test_a_missing_uploaded_file_is_a_404_that_says_so(client, settings, tmp_path, caplog):
    from tests.factories import make_resource

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DEBUG = False
    make_resource("lost-leaflet", languages=("nl",))
    for stored in (tmp_path / "media").rglob("*.pdf"):
        stored.unlink()  # the database still names it; the store lost it
    response = client.get("/resources/lost-leaflet/nl/file/")
    assert response.status_code == 404
    assert "This file is missing from our store" in response.content.decode()
    assert any("Uploaded file missing" in record.getMessage() for record in caplog.records)
