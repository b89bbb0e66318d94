"""The portal in French in a real Chromium: the switcher goes to /fr/ and back, the French patient card
prints as a wallet card on a 390 px phone, and the French pages have no serious axe violations."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import axe_violations

PHONE = {"width": 390, "height": 844}


def test_the_switcher_offers_french_and_keeps_the_page(read_only_page):
    page = read_only_page
    page.goto("/about/")
    page.get_by_label("Language").select_option("fr")
    page.wait_for_url("**/fr/about/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("heading", level=1).inner_text() == "À propos du réseau"
    with page.expect_navigation():
        page.get_by_label("Langue").select_option("en")
    assert page.url.endswith("/about/") and "/fr/" not in page.url


def _card_measures(page) -> dict:
    return page.evaluate(
        """() => {
            const card = document.querySelector('.tox-card');
            const box = card.getBoundingClientRect();
            const sides = [...card.querySelectorAll('.tox-card__side')];
            const overflowing = [...card.querySelectorAll('*')]
                .filter(e => e.getBoundingClientRect().right > box.right + 1)
                .map(e => e.tagName.toLowerCase() + '.' + e.className);
            return {
                cardRight: box.right,
                pageWidth: document.documentElement.scrollWidth,
                sideHeights: sides.map(s => s.getBoundingClientRect().height),
                sidesScroll: sides.map(s => s.scrollWidth - s.clientWidth),
                sidesClipped: sides.map(s => s.scrollHeight - s.clientHeight),
                overflowing,
            };
        }"""
    )


@pytest.mark.parametrize(
    ("drugs", "cell_therapy"),
    [(["pembrolizumab", "ipilimumab"], False), (["axicabtagene ciloleucel"], True)],
)
def test_the_french_patient_card_prints_within_a_phone_and_a_wallet_card(
    browser, read_only_live_server, drugs, cell_therapy
):
    context = browser.new_context(
        base_url=read_only_live_server.url, viewport=PHONE, locale="fr-BE", service_workers="block"
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/fr/toxicity/patient-card/")
    for drug in drugs:
        page.get_by_label(drug).check()
    # The French page offers a French card first.
    expect(page.get_by_label("Langue de la carte")).to_have_value("fr")
    page.get_by_role("button", name="Créer la carte").click()
    card = page.locator(".tox-card")
    expect(card).to_have_attribute("lang", "fr")
    expect(card).to_contain_text("Je suis traité(e) par immunothérapie")
    expect(card).to_contain_text(", ".join(drugs))
    if cell_therapy:
        expect(card).to_contain_text("ne pas conduire ni utiliser de machines pendant 8 semaines")
    page.emulate_media(media="print")
    expect(card).to_be_visible()
    expect(page.locator(".tox-card-form")).to_be_hidden()
    expect(page.locator(".site-header")).to_be_hidden()
    measures = _card_measures(page)
    assert measures["pageWidth"] <= PHONE["width"], measures
    assert measures["cardRight"] <= PHONE["width"], measures
    assert measures["overflowing"] == [], measures
    assert all(extra <= 0 for extra in measures["sidesScroll"]), measures
    assert all(extra <= 0 for extra in measures["sidesClipped"]), measures  # no text cut off
    assert len(measures["sideHeights"]) == 2, measures
    # Printed on paper: the whole card, both sides, on one A4 sheet.
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
    context.close()


@pytest.mark.parametrize(
    "url",
    [
        "/fr/",
        "/fr/toxicity/",
        "/fr/toxicity/colitis/",
        "/fr/toxicity/patient-card/?drugs=nivolumab&language=fr",
        "/fr/patients/side-effects/",
        "/fr/accounts/login/",
    ],
)
def test_french_pages_have_no_serious_accessibility_violations(read_only_page, url):
    page = read_only_page
    page.goto(url)
    assert page.locator("html").get_attribute("lang") == "fr"
    assert axe_violations(page) == []
