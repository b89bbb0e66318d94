"""The registration journey in the system Chromium, with axe-core on every page of it: an event
page with places left → the form (an error keeps what was typed) → the personal page → cancel; a
full event offers the waiting list; a certificate is verified by its code."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from education import demo
from education.demo_registration import DEMO_CERTIFICATE_CODE
from education.models import Registration
from tests.browser.helpers import axe_violations


@pytest.fixture
def demo_data(core_vocabularies, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    demo.load()


@pytest.mark.django_db(transaction=True)
def test_register_see_the_personal_page_and_cancel(page, demo_data, mailoutbox):
    page.goto("/events/immunotherapy-masterclass/")
    assert page.get_by_text("30 places left.").is_visible()
    assert page.get_by_role("heading", name="Timetable").is_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Register", exact=True).last.click()
    page.wait_for_url("**/events/immunotherapy-masterclass/register/")
    assert axe_violations(page) == []

    page.get_by_label("Full name").fill("Lotte Claes")
    page.get_by_label("E-mail address").fill("lotte@example.org")
    page.get_by_label("Profession").select_option("nurse")
    page.get_by_label("RIZIV/INAMI number (optional)").fill("1-08290-58-001")
    page.get_by_role("button", name="Register").click()
    # The wrong check digits are refused; nothing typed is lost.
    expect(page.get_by_text("check digits do not match")).to_be_visible()
    assert page.get_by_label("Full name").input_value() == "Lotte Claes"
    assert page.get_by_label("E-mail address").input_value() == "lotte@example.org"
    assert axe_violations(page) == []

    page.get_by_label("RIZIV/INAMI number (optional)").fill("1-08290-59-001")
    page.get_by_role("button", name="Register").click()
    page.wait_for_url("**/events/registrations/**")
    assert page.get_by_role("heading", level=1).inner_text() == "Your registration"
    assert page.get_by_text("You are registered.").is_visible()
    assert axe_violations(page) == []
    registration = Registration.objects.get(email="lotte@example.org")
    assert registration.riziv_number == "10829059001"
    assert any(m.to == ["lotte@example.org"] for m in mailoutbox)

    page.get_by_role("button", name="Cancel my registration").click()
    expect(page.get_by_text("Your registration is cancelled.")).to_be_visible()
    registration.refresh_from_db()
    assert registration.status == "cancelled"
    page.goto("/events/immunotherapy-masterclass/")
    assert page.get_by_text("30 places left.").is_visible()


@pytest.mark.django_db(transaction=True)
def test_a_full_event_offers_the_waiting_list(page, demo_data):
    page.goto("/events/irae-case-workshop/")
    assert page.get_by_text("This event is full.").is_visible()
    page.get_by_role("link", name="Join the waiting list").click()
    page.wait_for_url("**/irae-case-workshop/register/")
    page.get_by_label("Full name").fill("Wim Wachter")
    page.get_by_label("E-mail address").fill("wim@example.org")
    page.get_by_label("Profession").select_option("physician")
    page.get_by_role("button", name="Join the waiting list").click()
    page.wait_for_url("**/events/registrations/**")
    assert page.get_by_text("you are on the waiting list").is_visible()
    assert axe_violations(page) == []


def test_certificate_verification_page(read_only_page):
    page = read_only_page
    page.goto("/events/certificates/")
    page.get_by_label("Verification code").fill(DEMO_CERTIFICATE_CODE.lower())
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(f"**/events/certificates/{DEMO_CERTIFICATE_CODE}/")
    assert page.get_by_text("This certificate is genuine.").is_visible()
    assert axe_violations(page) == []
    page.goto("/events/past-irae-masterclass/")
    assert page.get_by_role("link", name="Recording (video)").is_visible()
    assert axe_violations(page) == []
