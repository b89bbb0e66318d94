"""Browser journey through the trial registry: search, filter without reload, open a trial, back keeps the
filters; axe-core finds no serious or critical violation on the list and the trial page."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .helpers import axe_violations


def test_search_filter_open_and_back_keeps_the_filters(read_only_page):
    page = read_only_page
    page.goto("/trials/?status=all")

    page.get_by_label("Search trials").fill("pembrolizumab")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"q=pembrolizumab"))
    expect(page.locator(".trial-card").first).to_contain_text("NCT04267848")

    # Choosing a phase updates the list in place (no full reload): a marker on window survives.
    page.evaluate("window.__noReload = true")
    page.get_by_role("checkbox", name=re.compile(r"^Phase 3")).check()
    expect(page).to_have_url(re.compile(r"phase=PHASE3"))
    expect(page.locator("#result-count")).to_contain_text("1 trial found")
    assert page.evaluate("window.__noReload") is True

    page.get_by_role("link", name=re.compile("Testing the Addition of a Type of Drug")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Testing the Addition")
    expect(page.locator("text=NCT04267848").first).to_be_visible()

    page.go_back()
    expect(page).to_have_url(
        re.compile(r"q=pembrolizumab.*phase=PHASE3|phase=PHASE3.*q=pembrolizumab")
    )
    expect(page.get_by_role("checkbox", name=re.compile(r"^Phase 3"))).to_be_checked()
    expect(page.get_by_label("Search trials")).to_have_value("pembrolizumab")
    expect(page.locator("#result-count")).to_contain_text("1 trial found")


def test_the_list_works_without_javascript(browser, read_only_live_server):
    context = browser.new_context(base_url=read_only_live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/trials/?status=all")
    page.get_by_role("checkbox", name=re.compile(r"^Phase 3")).check()
    page.get_by_role("button", name="Apply filters").click()

    expect(page).to_have_url(re.compile(r"phase=PHASE3"))
    expect(page.locator(".trial-card").first).to_be_visible()
    context.close()


def test_list_and_trial_pages_have_no_serious_accessibility_violations(read_only_page):
    page = read_only_page
    page.goto("/trials/?status=all")
    assert axe_violations(page) == []

    page.goto("/trials/NCT04267848/")
    assert axe_violations(page) == []


def _trial(nct_id, status, min_years):
    from trials.models import Trial

    Trial.objects.create(
        nct_id=nct_id,
        brief_title=f"Trial {nct_id}",
        overall_status=status,
        minimum_age=f"{min_years} Years",
        minimum_age_days=min_years * 365,
        status=Trial.Status.PUBLISHED,
    )


def test_any_status_then_an_age_keeps_any_status(page):
    """The bug of issue 13: choosing "Any status" and then typing an age put the status back to Open
    and a second, stale background reload overwrote the right result."""
    _trial("NCT00000001", "COMPLETED", 18)  # the one answer for a 45-year-old in any status
    _trial("NCT00000002", "RECRUITING", 70)
    page.goto("/trials/")
    expect(page.locator("#result-count")).to_contain_text("1 trial found")

    page.get_by_role("radio", name=re.compile(r"Any status")).check()
    expect(page).to_have_url(re.compile(r"status=all"))
    expect(page.locator("#result-count")).to_contain_text("2 trials found")

    age = page.get_by_label("Age (years)")
    age.press_sequentially("45", delay=60)
    expect(page).to_have_url(re.compile(r"age=45"))
    expect(page.locator("#result-count")).to_contain_text("1 trial found")
    age.press("Tab")  # leaving the field fires "change": it must not reload a stale state
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("radio", name=re.compile(r"Any status"))).to_be_checked()
    expect(page.locator("#result-count")).to_contain_text("1 trial found")
    expect(page.get_by_label("Age (years)")).to_have_value("45")
    assert "status=all" in page.url and "age=45" in page.url


def test_on_a_phone_the_filters_fold_behind_one_button(browser, read_only_live_server):
    context = browser.new_context(
        base_url=read_only_live_server.url,
        viewport={"width": 375, "height": 740},
        service_workers="block",
    )
    page = context.new_page()
    page.goto("/trials/?status=all")
    toggle = page.get_by_role("button", name="Filters")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_role("group", name="Phase")).to_be_hidden()
    first = page.locator(".trial-card").first
    expect(first).to_be_visible()
    assert first.bounding_box()["y"] < 740  # the first result is on the first screen
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("group", name="Phase")).to_be_visible()
    page.get_by_role("checkbox", name=re.compile(r"^Phase 3")).check()
    expect(page).to_have_url(re.compile(r"phase=PHASE3"))
    expect(page.get_by_role("group", name="Phase")).to_be_visible()  # stays open after the update
    context.close()


def test_searches_that_understand_classes_and_dutch_names(read_only_page):
    page = read_only_page
    page.goto("/trials/?status=all")
    search = page.get_by_label("Search trials")

    search.fill("PD-1")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"q=PD-1"))
    first = page.locator(".trial-card").first
    expect(first.locator(".trial-card__why")).to_contain_text("Anti-PD-1")

    search.fill("longkanker")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"q=longkanker"))
    expect(page.locator(".trial-card").first.locator(".trial-card__why mark")).to_have_text(
        re.compile("lung cancer", re.IGNORECASE)
    )

    search.fill("pembrolizumb")
    page.get_by_role("button", name="Search").click()
    suggestion = page.locator(".trial-results__suggestion a")
    if page.locator(".trial-card").count() == 0:  # SQLite has no trigram match: it suggests instead
        expect(suggestion).to_have_text("pembrolizumab")
        suggestion.click()
        expect(page.locator(".trial-card").first).to_be_visible()
