"""Browser journey through the trial registry: search, filter without reload, open a trial, back keeps the
filters; axe-core finds no serious or critical violation on the list and the trial page."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from ion_portal import demo as core_demo
from trials import demo as trials_demo

from .helpers import axe_violations


def load_demo():
    core_demo.load()
    trials_demo.load()


def test_search_filter_open_and_back_keeps_the_filters(page):
    load_demo()
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


def test_the_list_works_without_javascript(browser, live_server, core_vocabularies):
    load_demo()
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/trials/?status=all")
    page.get_by_role("checkbox", name=re.compile(r"^Phase 3")).check()
    page.get_by_role("button", name="Apply filters").click()

    expect(page).to_have_url(re.compile(r"phase=PHASE3"))
    expect(page.locator(".trial-card").first).to_be_visible()
    context.close()


def test_list_and_trial_pages_have_no_serious_accessibility_violations(page):
    load_demo()
    page.goto("/trials/?status=all")
    assert axe_violations(page) == []

    page.goto("/trials/NCT04267848/")
    assert axe_violations(page) == []
