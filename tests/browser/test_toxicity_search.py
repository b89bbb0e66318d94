"""Browser journeys of the guideline search: live "did you mean" and a grade in the query."""

from __future__ import annotations

import re

from playwright.sync_api import expect


def test_live_search_offers_a_correction_that_finds_the_guideline(read_only_page):
    page = read_only_page
    page.goto("/toxicity/")
    page.get_by_label("Symptom, organ, CTCAE term or drug class").fill("colitus")
    suggestion = page.locator("#tox-results").get_by_role("link", name="colitis", exact=True)
    expect(suggestion).to_be_visible()
    expect(page.locator("#tox-results")).to_contain_text("Did you mean:")
    suggestion.click()
    expect(
        page.locator("#tox-results").get_by_role("link", name="Diarrhoea and colitis")
    ).to_be_visible()
    expect(page.locator("#tox-results")).not_to_contain_text("Did you mean:")


def test_a_grade_in_the_query_opens_the_guideline_at_that_row(read_only_page):
    page = read_only_page
    page.goto("/toxicity/")
    page.get_by_label("Symptom, organ, CTCAE term or drug class").fill("grade 3 colitis")
    link = page.locator("#tox-results").get_by_role("link", name="Diarrhoea and colitis — Grade 3")
    expect(link).to_be_visible()
    link.click()
    expect(page).to_have_url(re.compile(r"/toxicity/colitis/#grade-3$"))
    expect(page.locator("#grade-3")).to_be_in_viewport()


def test_dutch_live_search_finds_a_dutch_phrase(read_only_page):
    page = read_only_page
    page.goto("/nl/toxicity/")
    page.locator("main input[type=search]").fill("pijn op de borst")
    expect(page.locator("#tox-results").get_by_role("link", name="Myocarditis")).to_be_visible()
