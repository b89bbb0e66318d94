"""Phones get a one-row header with a Menu button; no page moves when the scripts load (CLS)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

PHONE = {"width": 390, "height": 844}

# Sum of the layout shifts since navigation (Chromium's Layout Instability API), read after two frames.
CLS = """
async () => {
  let total = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) { if (!entry.hadRecentInput) { total += entry.value; } }
  });
  observer.observe({ type: "layout-shift", buffered: true });
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  for (const entry of observer.takeRecords()) { if (!entry.hadRecentInput) { total += entry.value; } }
  observer.disconnect();
  return total;
}
"""


@pytest.mark.parametrize(
    ("path", "label", "link"),
    [("/", "Menu", "Clinical trials"), ("/nl/", "Menu", "Klinische studies")],
)
def test_phone_header_is_one_row_with_a_menu_button(read_only_page, path, label, link):
    page = read_only_page
    page.set_viewport_size(PHONE)
    page.goto(path)
    toggle = page.get_by_role("button", name=label)
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    nav = page.get_by_role("navigation", name="Main" if path == "/" else "Hoofdmenu")
    expect(nav).to_be_hidden()
    header = page.locator(".site-header").bounding_box()
    assert header["height"] < 90, header  # one row, not three
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link", name=link)).to_be_visible()
    page.keyboard.press("Escape")
    expect(nav).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_wide_screens_show_the_navigation_without_a_menu_button(read_only_page):
    page = read_only_page
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/")
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Clinical trials")
    ).to_be_visible()


@pytest.mark.parametrize("path", ["/", "/nl/", "/trials/", "/toxicity/", "/contact/"])
def test_no_layout_shift_when_the_scripts_load(read_only_page, path):
    page = read_only_page
    page.set_viewport_size(PHONE)
    page.goto(path)
    page.wait_for_load_state("load")
    assert page.evaluate(CLS) < 0.1
    # The language switcher's button (for visitors without JavaScript) is hidden from the first paint.
    expect(page.locator(".language-switcher__button")).to_be_hidden()
