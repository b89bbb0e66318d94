"""Site search in the browser: the header's form on any page, grouped results, axe-core clean."""

from __future__ import annotations

import pytest

from tests.browser.helpers import axe_violations
from tests.factories import make_news, make_resource, make_trial

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def findable():
    make_trial(brief_title="Nivolumab for quokka carcinoma")
    make_news(title="Quokka award for the network", status="published")
    make_resource(title="Quokka leaflet", languages=())
    make_news(title="Draft quokka news", status="draft")


def test_header_search_finds_items_grouped_by_section_and_passes_axe(page, findable):
    page.goto("/about/")
    search = page.get_by_role("search").first
    search.get_by_label("Search the site").fill("quokka")
    search.get_by_role("button", name="Find").click()
    page.wait_for_url("**/search/?q=quokka")
    assert page.get_by_role("heading", level=1).inner_text() == "Search the site"
    headings = page.get_by_role("main").get_by_role("heading", level=2).all_inner_texts()
    assert headings == ["Clinical trials", "News", "Resources"]
    assert page.get_by_role("link", name="Quokka award for the network").is_visible()
    assert page.get_by_text("Draft quokka news").count() == 0
    assert page.title() == "Search: quokka — ION Portal"
    assert axe_violations(page) == []


def test_header_search_fits_a_phone_and_works_in_dutch(page, findable):
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto("/nl/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="Menu").click()  # on a phone the search is in the menu
    search = page.get_by_role("search").first
    search.get_by_label("Zoeken op de site").fill("quokka")
    search.get_by_role("button", name="Zoek", exact=True).click()
    page.wait_for_url("**/nl/search/?q=quokka")
    assert page.get_by_role("heading", level=1).inner_text() == "Zoeken op de site"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(page) == []
