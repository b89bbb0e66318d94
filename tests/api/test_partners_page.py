"""The For partners page: how to get a key, the current limits, examples; in English and Dutch."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_partners_page_shows_the_configured_limits_and_examples(client, settings):
    settings.API_ANON_RATE = "30/min"
    settings.API_PARTNER_RATE = "900/min"
    response = client.get("/partners/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>30/min</strong>" in html
    assert "<strong>900/min</strong>" in html
    assert "Authorization: Api-Key YOUR_KEY" in html
    assert "http://testserver/api/v1/trials/" in html
    assert 'href="/api/v1/docs/"' in html


def test_footer_links_to_the_partners_page(client):
    assert 'href="/partners/"' in client.get("/").content.decode()


def test_partners_page_is_translated_into_dutch(client):
    response = client.get("/nl/partners/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Een sleutel aanvragen" in html
    assert "Toegang en limieten" in html
