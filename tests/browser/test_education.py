"""Browser journeys through the education section, in the system Chromium, plus axe-core checks."""

from __future__ import annotations

from pathlib import Path

import icalendar
import pytest

from tests.browser.helpers import axe_violations


def test_agenda_to_event_to_ics_download(read_only_page):
    page = read_only_page
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Agenda").click()
    page.wait_for_url("**/events/")
    page.get_by_label("Type").select_option("course")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/events/?type=course*")
    page.get_by_role(
        "link", name="Managing immune-related adverse events: a practical course"
    ).click()
    page.wait_for_url("**/events/irae-management-course/")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Managing immune-related adverse events: a practical course"
    )

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Add to calendar (.ics)").click()
    download = download_info.value

    assert download.suggested_filename == "irae-management-course.ics"
    calendar = icalendar.Calendar.from_ical(Path(download.path()).read_bytes())
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["summary"]) == "Managing immune-related adverse events: a practical course"
    assert vevent["dtstart"].params["TZID"] == "Europe/Brussels"


def test_language_switch_keeps_the_event_page(read_only_page):
    page = read_only_page
    page.goto("/events/irae-management-course/")
    page.get_by_label("Language").select_option("nl")
    page.wait_for_url("**/nl/events/irae-management-course/")
    assert page.locator("html").get_attribute("lang") == "nl"
    assert page.get_by_role("link", name="Toevoegen aan agenda (.ics)").is_visible()


def test_resource_library_filters_by_language_and_opens_a_pdf(read_only_page):
    page = read_only_page
    page.goto("/resources/")
    page.get_by_label("Language of the material").select_option("de")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/resources/?*language=de*")
    titles = page.locator(".resource-card__title").all_inner_texts()
    assert sorted(titles) == [
        "European patient guide to immuno-oncology",
        "Immunotherapy side effects: when to call",
    ]
    leaflet = page.locator(".resource-card").filter(has_text="side effects: when to call")
    response = page.request.get(leaflet.get_by_role("link", name="German").get_attribute("href"))
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/news/",
        "/news/patient-day-immunotherapy/",
        "/events/",
        "/events/past/",
        "/events/irae-management-course/",
        "/resources/",
        "/resources/immunotherapy-side-effects-leaflet/",
        "/patients/immuno-oncology/",
        "/patients/side-effects/",
        "/nl/events/",
        "/nl/patients/side-effects/",
    ],
)
def test_education_pages_have_no_serious_accessibility_violations(read_only_page, path):
    page = read_only_page
    page.goto(path)
    assert axe_violations(page) == []
