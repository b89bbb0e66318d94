"""Main navigation and page titles: "Patients" in the menu, titles "Page — ION Portal"."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

pytestmark = pytest.mark.django_db


def _nav(html: str) -> str:
    return re.search(r'<nav class="site-nav".*?</nav>', html, re.S).group(0)


def test_patients_is_in_the_main_navigation_and_current_on_every_patient_page(client):
    home = _nav(client.get("/").content.decode())
    assert '<a class="site-nav__link" href="/patients/immuno-oncology/">Patients</a>' in home
    for url in ("/patients/immuno-oncology/", "/patients/side-effects/"):
        nav = _nav(client.get(url).content.decode())
        assert (
            '<a class="site-nav__link" href="/patients/immuno-oncology/" aria-current="page">'
            "Patients</a>"
        ) in nav, url
        assert nav.count('aria-current="page"') == 1, url


def test_patients_menu_item_in_dutch(client):
    with translation.override("en"):
        nav = _nav(client.get("/nl/").content.decode())
    assert '<a class="site-nav__link" href="/nl/patients/immuno-oncology/">Patiënten</a>' in nav


@pytest.mark.parametrize(
    ("url", "title"),
    [
        ("/", "Immuno-Oncology Network — ION Portal"),
        ("/about/", "About the network — ION Portal"),
        ("/patients/side-effects/", "Side effects of immunotherapy: when to call — ION Portal"),
        ("/search/", "Search — ION Portal"),
    ],
)
def test_page_titles_read_page_then_portal(client, url, title):
    html = client.get(url).content.decode()
    assert f"<title>{title}</title>" in html
