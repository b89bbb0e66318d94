"""Browser journey of the request basket: a member collects two collections of two units (from the list
and from a platform's match list), sends one request with a protocol, sees the timeline; each provider
sees only their part. axe-core on every page; no page wider than a 390 px phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import axe_violations
from tests.factories import PASSWORD, make_user

BLOOD = "Melanoma immunotherapy longitudinal blood cohort"  # dermatology
FFPE = "Melanoma FFPE archive of immunotherapy-treated patients"  # biobank
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture
def demo_data(core_vocabularies, settings, tmp_path):
    from collaborations import demo
    from ion_portal import demo as core_demo

    settings.COLLABORATIONS_PROTOCOL_ROOT = tmp_path
    core_demo.load()
    demo.load()


def _sign_in(browser, live_server, email):
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    return page


def _check(page):
    assert axe_violations(page) == [], page.url
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, (page.url, width)


@pytest.mark.django_db(transaction=True)
def test_basket_journey_two_units_one_request_each_provider_their_part(
    browser, live_server, demo_data
):
    from collaborations.models import CollaborationRequest
    from ion_portal.models import CURATORS_GROUP, MEMBERS_GROUP, Person

    make_user("member@example.org", groups=(MEMBERS_GROUP,))
    make_user("curator@example.org", groups=(CURATORS_GROUP,), is_staff=True)
    derm = make_user("femke@example.org", groups=(MEMBERS_GROUP,))
    Person.objects.filter(last_name="Demo-Willems").update(user=derm)
    bank = make_user("biobank@example.org", groups=(MEMBERS_GROUP,))
    Person.objects.filter(last_name="Demo-Claes").update(user=bank)

    member = _sign_in(browser, live_server, "member@example.org")
    member.goto("/collaborations/collections/?q=melanoma")
    _check(member)
    member.get_by_role("button", name=re.compile(f"Add to request basket.*{BLOOD}")).click()
    expect(member.get_by_text("Added to your request basket.")).to_be_visible()

    # The second one from a platform's match list.
    member.goto("/collaborations/platforms/multiplex-immunofluorescence/")
    _check(member)
    member.get_by_role("button", name=re.compile(f"Add to request basket.*{FFPE}")).click()
    expect(member.get_by_text("Added to your request basket.")).to_be_visible()

    member.goto("/collaborations/basket/")
    expect(member.get_by_role("link", name=BLOOD)).to_be_visible()
    expect(member.get_by_role("link", name=FFPE)).to_be_visible()
    _check(member)
    member.get_by_role("link", name="Request all of these").click()
    expect(member.get_by_label(BLOOD)).to_be_checked()
    expect(member.get_by_label(FFPE)).to_be_checked()
    _check(member)
    member.get_by_label("Project title").fill("Spatial and blood immune atlas")
    member.get_by_label("Project summary").fill("Tumour and blood immune cells on anti-PD-1.")
    member.get_by_label("Intended use").fill("20 PBMC samples and 20 FFPE blocks.")
    member.get_by_label("Ethics approval").select_option("submitted")
    member.get_by_label("Study protocol (PDF)").set_input_files(
        files=[{"name": "protocol.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    member.get_by_label("I will acknowledge the network").check()
    member.get_by_label("I will discuss co-authorship").check()
    member.get_by_label("I will report results back").check()
    member.get_by_role("button", name="Send request").click()
    expect(member.get_by_role("heading", name="Timeline")).to_be_visible()
    expect(member.get_by_text("Request sent to the network office for screening.")).to_be_visible()
    expect(member.get_by_role("link", name="Download the protocol (PDF)")).to_be_visible()
    _check(member)
    request_url = member.url
    collab = CollaborationRequest.objects.get()
    assert collab.items.count() == 2 and collab.protocol

    curator = _sign_in(browser, live_server, "curator@example.org")
    curator.goto(request_url)
    curator.get_by_label("Comment", exact=True).first.fill("In scope; forwarded.")
    curator.get_by_role("button", name="Forward to providers").click()
    expect(curator.get_by_text("Forwarded to providers").first).to_be_visible()

    derm_page = _sign_in(browser, live_server, "femke@example.org")
    derm_page.goto(request_url)
    expect(derm_page.get_by_role("link", name=BLOOD)).to_be_visible()
    expect(derm_page.get_by_role("link", name=FFPE)).to_have_count(0)
    derm_page.get_by_label("Accept").check()
    derm_page.get_by_role("button", name="Send answer").click()
    expect(derm_page.locator("[data-answer=accepted]")).to_be_visible()
    _check(derm_page)

    bank_page = _sign_in(browser, live_server, "biobank@example.org")
    bank_page.goto(request_url)
    expect(bank_page.get_by_role("link", name=FFPE)).to_be_visible()
    expect(bank_page.get_by_role("link", name=BLOOD)).to_have_count(0)
    expect(bank_page.get_by_text(f"{BLOOD}: accepted.")).to_have_count(0)

    member.goto(request_url)
    expect(member.get_by_text(f"{BLOOD}: accepted.")).to_be_visible()
    expect(member.get_by_text("Screened and forwarded to the providers.")).to_be_visible()
    _check(member)


def test_directory_pages_fit_a_phone(browser, read_only_live_server):
    context = browser.new_context(
        base_url=read_only_live_server.url, viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    for url in [
        "/collaborations/platforms/",
        "/collaborations/platforms/spectral-flow-cytometry/",
        "/collaborations/collections/",
        "/collaborations/collections/melanoma-ici-longitudinal-blood/",
        "/collaborations/platforms/?technique=multiplex-ihc&sample_type=pbmc",
    ]:
        page.goto(url)
        _check(page)
