"""Browser journeys through the core pages, in the system Chromium, plus axe-core checks."""

import re

import pytest
from django.core import mail

from tests.browser.helpers import axe_violations
from tests.factories import PASSWORD


@pytest.mark.django_db(transaction=True)
def test_home_to_about_to_contact_form_sent(page):
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="About").click()
    page.wait_for_url("**/about/")
    assert page.get_by_role("heading", level=1).inner_text() == "About the network"
    page.get_by_role("contentinfo").get_by_role("link", name="Contact", exact=True).click()
    page.get_by_label("Your name").fill("Dr. Jo Example")
    page.get_by_label("Your e-mail address").fill("jo@example.org")
    page.get_by_label("Subject").fill("Referral question")
    page.get_by_label("Message").fill("Which melanoma trials are open?")
    page.get_by_role("button", name="Send message").click()
    page.get_by_text("Thank you, your message has been sent").wait_for()
    assert len(mail.outbox) == 1
    assert "melanoma trials" in mail.outbox[0].body


def test_invalid_contact_form_keeps_input_in_the_browser(read_only_page):
    page = read_only_page
    page.goto("/contact/")
    page.get_by_label("Your name").fill("Jo")
    page.get_by_label("Your e-mail address").fill("not-an-email")
    page.get_by_label("Message").fill("My long question")
    page.get_by_role("button", name="Send message").click()
    page.get_by_text("Please correct the errors below.").wait_for()
    assert page.get_by_label("Message").input_value() == "My long question"
    assert page.get_by_label("Your e-mail address").input_value() == "not-an-email"


@pytest.mark.django_db(transaction=True)
def test_sign_up_then_verification_link_logs_in(page, live_server, settings):
    settings.SITE_URL = live_server.url  # e-mail links point at the public address (SITE_URL)
    page.goto("/accounts/signup/")
    page.get_by_label("Email").fill("newcomer@example.org")
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again):").fill(PASSWORD)
    page.get_by_label("First name").fill("Nina")
    page.get_by_label("Last name").fill("Newcomer")
    page.get_by_label("Affiliation").fill("Dermatology, University Hospital")
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_url("**/confirm-email/**")
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/account/")
    assert page.get_by_role("heading", name="Awaiting approval").is_visible()
    assert page.get_by_role("link", name="My account").is_visible()


def test_language_switch_shows_dutch_on_the_same_page(read_only_page):
    page = read_only_page
    page.goto("/about/")
    page.get_by_label("Language").select_option("nl")
    page.wait_for_url("**/nl/about/")
    assert page.locator("html").get_attribute("lang") == "nl"
    assert page.get_by_role("heading", level=1).inner_text() == "Over het netwerk"
    with page.expect_navigation():
        page.get_by_label("Taal").select_option("en")
    assert page.url.endswith("/about/") and "/nl/" not in page.url
    assert page.get_by_role("heading", level=1).inner_text() == "About the network"


@pytest.mark.parametrize(
    "path", ["/", "/about/", "/contact/", "/accounts/login/", "/accounts/signup/", "/nl/"]
)
def test_core_pages_have_no_serious_accessibility_violations(read_only_page, path):
    page = read_only_page
    page.goto(path)
    assert axe_violations(page) == []
