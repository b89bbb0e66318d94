"""Browser journeys of the irAE guidelines: search to grade row, print view, patient card, offline
reload through the service worker, and axe-core on the main pages."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import axe_violations


@pytest.fixture
def guidelines(transactional_db):
    from toxicity import demo

    demo.load()


def test_search_diarrhoea_leads_to_the_colitis_grade_3_row(read_only_page):
    page = read_only_page
    page.goto("/toxicity/")
    page.get_by_label("Symptom, organ, CTCAE term or drug class").fill("diarrhoea")
    # Live results appear as the clinician types, without pressing Search.
    link = page.locator("#tox-results").get_by_role("link", name="Diarrhoea and colitis")
    expect(link).to_be_visible()
    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Diarrhoea and colitis")
    row = page.locator("#grade-3")
    expect(row).to_be_visible()
    expect(row.get_by_role("rowheader")).to_have_text("Grade 3")
    expect(row).to_contain_text("vedolizumab 300 mg")
    expect(page.get_by_text("does not replace clinical judgement")).to_be_visible()


def test_search_works_without_javascript(browser, read_only_live_server):
    context = browser.new_context(base_url=read_only_live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/toxicity/")
    page.get_by_label("Symptom, organ, CTCAE term or drug class").fill("short of breath")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#tox-results").get_by_role("link", name="Pneumonitis")).to_be_visible()
    page.goto("/toxicity/?q=xyzzy")
    expect(page.get_by_text("Nothing matches")).to_be_visible()
    context.close()


def test_print_view_of_a_guideline_fits_one_a4_page(read_only_page):
    page = read_only_page
    page.goto("/toxicity/colitis/")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".tox-detail__actions")).to_be_hidden()
    expect(page.locator("#grade-4")).to_be_visible()
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == 1


def test_patient_card_is_made_and_printable(read_only_page):
    page = read_only_page
    page.goto("/toxicity/patient-card/")
    page.get_by_label("pembrolizumab").check()
    page.get_by_label("ipilimumab").check()
    page.get_by_label("Language of the card").select_option("nl")
    page.get_by_role("button", name="Make the card").click()
    card = page.locator(".tox-card")
    expect(card).to_contain_text("pembrolizumab, ipilimumab")
    expect(card).to_have_attribute("lang", "nl")
    page.emulate_media(media="print")
    expect(card).to_be_visible()
    expect(page.locator(".tox-card-form")).to_be_hidden()


def test_guideline_page_reloads_offline_after_one_visit(read_only_page_with_service_worker):
    page = read_only_page_with_service_worker
    page.goto("/toxicity/")
    # The service worker installs, stores every guideline page and takes control.
    page.wait_for_function(
        "navigator.serviceWorker && navigator.serviceWorker.ready.then(() => true)", timeout=15_000
    )
    page.wait_for_function(
        "caches.keys().then(keys => Promise.all(keys.map(k => caches.open(k).then(c => c.keys()))))"
        ".then(lists => lists.flat().some(r => r.url.endsWith('/toxicity/myocarditis/')))",
        timeout=15_000,
    )
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.context.set_offline(True)
    page.goto("/toxicity/myocarditis/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Myocarditis")
    expect(page.locator("#grade-1")).to_contain_text("Hold")
    page.goto("/toxicity/task-force/")
    expect(page.get_by_role("heading", level=1)).to_have_text("The irAE task force")
    page.context.set_offline(False)


@pytest.mark.parametrize(
    "url", ["/toxicity/", "/toxicity/colitis/", "/toxicity/task-force/", "/toxicity/icans/"]
)
def test_main_pages_have_no_serious_accessibility_violations(read_only_page, url):
    page = read_only_page
    page.goto(url)
    assert axe_violations(page) == []


def test_member_task_force_page_has_no_serious_accessibility_violations(
    page, guidelines, live_server
):
    from tests.factories import PASSWORD, make_user

    make_user("member-browser@example.org", groups=("Members",))
    page.goto("/accounts/login/?next=/toxicity/task-force/")
    page.get_by_label("Email").fill("member-browser@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="On call now")).to_be_visible()
    assert axe_violations(page) == []


def test_print_keeps_the_divergence_table_evidence_scale_and_demo_banner(read_only_page):
    page = read_only_page
    page.goto("/toxicity/nephritis/")
    page.emulate_media(media="print")
    expect(page.locator(".tox-divergence")).to_be_visible()
    expect(page.locator(".tox-evidence-scale").first).to_be_visible()
    expect(page.locator(".tox-demo-banner")).to_be_visible()
    expect(page.locator(".tox-demo-banner")).to_contain_text("Demonstration content")


def test_patient_card_for_car_t_fits_a_phone_with_its_warning_signs(browser, read_only_live_server):
    context = browser.new_context(
        base_url=read_only_live_server.url,
        viewport={"width": 390, "height": 844},
        service_workers="block",
    )
    page = context.new_page()
    page.goto("/toxicity/patient-card/?drugs=tisagenlecleucel&drugs=nivolumab&language=en")
    card = page.locator(".tox-card")
    for text in (
        "eye pain or a change in vision",
        "drooping eyelid, double vision or trouble swallowing",
        "great thirst and passing a lot of urine",
        "passing much less urine",
        "chest pain or palpitations",
        "trouble finding words or a change in handwriting",
        "do not drive or operate machines for 8 weeks",
        "Treating team",
        "Start of treatment",
    ):
        expect(card).to_contain_text(text)
    box = card.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()


def _toxicity_pages() -> list[str]:
    from toxicity.models import Toxicity

    pages = ["/toxicity/", "/toxicity/task-force/", "/toxicity/?q=rash"]
    pages.append("/toxicity/patient-card/?drugs=pembrolizumab&drugs=axicabtagene+ciloleucel")
    pages += [toxicity.get_absolute_url() for toxicity in Toxicity.objects.published()]
    return pages


def test_no_toxicity_page_is_wider_than_a_phone_in_either_language(browser, read_only_live_server):
    context = browser.new_context(
        base_url=read_only_live_server.url,
        viewport={"width": 390, "height": 844},
        service_workers="block",
    )
    page = context.new_page()
    too_wide = []
    urls = _toxicity_pages()
    assert len(urls) == 23
    for url in urls + ["/nl" + url for url in urls]:
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            too_wide.append(f"{url}: {width}px")
    assert too_wide == []
    context.close()


def test_grade_table_is_one_card_per_grade_on_a_phone(browser, read_only_live_server):
    context = browser.new_context(
        base_url=read_only_live_server.url,
        viewport={"width": 390, "height": 844},
        service_workers="block",
    )
    page = context.new_page()
    page.goto("/nl/toxicity/colitis/")
    expect(page.locator(".tox-grade-table thead")).not_to_be_in_viewport()
    for grade in (1, 2, 3, 4):
        row = page.locator(f"#grade-{grade}")
        box = row.bounding_box()
        assert box["width"] <= 390, grade
        assert (
            page.evaluate(f"getComputedStyle(document.querySelector('#grade-{grade}')).display")
            == "block"
        )
    # Each cell carries its translated label; the English content is marked as English.
    expect(page.locator("#grade-3 td").first).to_have_attribute("data-label", "Definitie")
    expect(page.locator("#grade-3 [lang=en]").first).to_be_visible()
    assert axe_violations(page) == []
    context.close()
