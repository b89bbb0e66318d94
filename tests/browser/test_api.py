"""Browser checks of the partner pages: the For partners page and the Swagger UI docs render and
are accessible; the docs page runs under the site's CSP (no inline script) and lists the endpoints."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.helpers import axe_violations


def test_partners_page_is_linked_from_the_footer_and_accessible(read_only_page):
    page = read_only_page
    page.goto("/")
    page.get_by_role("contentinfo").get_by_role("link", name="For partners").click()
    expect(page).to_have_url(re.compile(r"/partners/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("For partners")
    expect(page.get_by_text("Authorization: Api-Key YOUR_KEY").first).to_be_visible()
    assert axe_violations(page) == []


def test_swagger_docs_render_from_our_own_static_files_without_csp_errors(
    read_only_page, read_only_live_server
):
    page = read_only_page
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    requested_hosts = set()
    page.on("request", lambda r: requested_hosts.add(r.url.split("/")[2]))
    page.goto("/api/v1/docs/")
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/trials/" in paths
    assert "/fhir/ResearchStudy" in paths
    # Open the trials list operation: its filter parameters and their allowed values are listed.
    page.get_by_text("List published trials").click()
    expect(page.locator(".parameters").get_by_text("immunotherapy_class").first).to_be_visible()
    assert errors == []
    assert requested_hosts == {read_only_live_server.url.split("/")[2]}  # no CDN
