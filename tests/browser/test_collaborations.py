"""Browser journey of the collaborations section: a member finds a collection, sees the matching platforms
with reasons, sends a request; a curator forwards it; the provider accepts. axe-core on the main pages."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import axe_violations
from tests.factories import PASSWORD, make_user

COLLECTION = "Melanoma immunotherapy longitudinal blood cohort"


@pytest.fixture
def demo_data(core_vocabularies):
    from collaborations import demo
    from ion_portal import demo as core_demo

    core_demo.load()
    demo.load()


def _sign_in(browser, live_server, email):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    return page


@pytest.mark.django_db(transaction=True)
def test_member_request_is_forwarded_by_a_curator_and_accepted_by_the_provider(
    browser, live_server, page, demo_data
):
    from collaborations.models import CollaborationRequest
    from ion_portal.models import CURATORS_GROUP, MEMBERS_GROUP, Person

    make_user("member@example.org", groups=(MEMBERS_GROUP,))
    make_user("curator@example.org", groups=(CURATORS_GROUP,), is_staff=True)
    provider = make_user("femke@example.org", groups=(MEMBERS_GROUP,))
    Person.objects.filter(last_name="Demo-Willems").update(user=provider)

    # The public directory, without JavaScript-only features.
    page.goto("/collaborations/collections/")
    assert axe_violations(page) == []

    member = _sign_in(browser, live_server, "member@example.org")
    member.goto("/collaborations/collections/")
    member.get_by_label("PBMC (viable)").check()
    member.get_by_label("Melanoma", exact=True).check()
    member.get_by_role("button", name="Apply filters").click()
    member.get_by_role("link", name=COLLECTION).click()
    expect(
        member.get_by_role("heading", name="Platforms that could work with these samples")
    ).to_be_visible()
    expect(member.get_by_text("Mass cytometry (CyTOF) immune profiling").first).to_be_visible()
    expect(member.get_by_text("PBMC (viable) for Mass cytometry (CyTOF)").first).to_be_visible()
    assert axe_violations(member) == []

    member.get_by_role("link", name="Request a collaboration").click()
    expect(member.get_by_label(re.compile(COLLECTION))).to_be_checked()
    assert axe_violations(member) == []
    member.get_by_label("Project title").fill("Exhausted T cells under anti-PD-1")
    member.get_by_label("Project summary").fill("PD-1+ CD8 T cells before and on anti-PD-1.")
    member.get_by_label("Intended use").fill("CyTOF on 40 baseline and week-6 PBMC samples.")
    member.get_by_label("Ethics approval").select_option("approved")
    member.get_by_label("I will acknowledge the network").check()
    member.get_by_label("I will discuss co-authorship").check()
    member.get_by_label("I will report results back").check()
    member.get_by_role("button", name="Send request").click()
    expect(member.get_by_text("Submitted, awaiting screening")).to_be_visible()
    assert axe_violations(member) == []
    request_url = member.url

    curator = _sign_in(browser, live_server, "curator@example.org")
    curator.goto(request_url)
    curator.get_by_label("Comment", exact=True).first.fill("In scope; forwarded.")
    curator.get_by_role("button", name="Forward to providers").click()
    expect(curator.get_by_text("Forwarded to providers").first).to_be_visible()

    provider_page = _sign_in(browser, live_server, "femke@example.org")
    provider_page.goto(request_url)
    provider_page.get_by_label("Accept").check()
    provider_page.get_by_label("Message to the requester").fill("Happy to share 40 samples.")
    provider_page.get_by_role("button", name="Send answer").click()
    expect(provider_page.locator("[data-answer=accepted]")).to_be_visible()
    expect(provider_page.locator("[data-state=closed]")).to_be_visible()

    member.goto(request_url)
    expect(member.get_by_text("femke.demo-willems@demo.ion-portal.example")).to_be_visible()
    assert CollaborationRequest.objects.get().state == "closed"


def test_directory_and_detail_pages_are_accessible(read_only_page):
    page = read_only_page
    for url in [
        "/collaborations/",
        "/collaborations/platforms/",
        "/collaborations/platforms/mass-cytometry-cytof/",
        "/collaborations/collections/melanoma-ici-longitudinal-blood/",
    ]:
        page.goto(url)
        assert axe_violations(page) == [], url
