# ruff: noqa: RUF001, RUF003 -- en dashes are intended in clinical ranges (0.5–1 mg/kg).
"""Curators' admin forms in Chromium: a guideline recommendation and a trial's curated fields are edited
and saved (checked in the database and on the public page); the guideline and trial forms and lists fit
1,280 px without horizontal scrolling and show no raw JSON or pipe-delimited input."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from ion_portal import demo as core_demo
from ion_portal.models import CURATORS_GROUP
from tests.factories import give_second_factor, make_user
from toxicity import demo as toxicity_demo
from toxicity.models import Recommendation, Toxicity
from trials import demo as trials_demo
from trials.models import Trial

pytestmark = pytest.mark.django_db(transaction=True)

WIDTH = 1280
TRIAL = "NCT04267848"


@pytest.fixture
def curator_page(page, live_server):
    """The page, signed in as a curator with a second factor (the session made by Django's client)."""
    core_demo.load()
    toxicity_demo.load()
    trials_demo.load()
    curator = give_second_factor(
        make_user("curator@example.org", groups=(CURATORS_GROUP,), is_staff=True)
    )
    client = Client()
    client.force_login(curator)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page.set_viewport_size({"width": WIDTH, "height": 900})
    return page


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def _too_wide(page) -> list[str]:
    """The innermost elements that reach past the viewport's right edge (for the failure message)."""
    return page.evaluate(
        f"""() => [...document.querySelectorAll('body *')]
            .filter(el => el.getBoundingClientRect().right > {WIDTH} && el.children.length === 0)
            .slice(0, 8).map(el => el.tagName + '.' + el.className + '#' + (el.name || el.id))"""
    )


def _raw_inputs(page) -> list[str]:
    """Inputs or text areas whose value is JSON or pipe-delimited codes."""
    return page.evaluate(
        """() => [...document.querySelectorAll('#content-main input[type=text], #content-main textarea')]
            .filter(el => /^\\s*[\\[{]/.test(el.value) || /^\\|.*\\|$/.test(el.value.trim()))
            .map(el => el.name + '=' + el.value.slice(0, 40))"""
    )


def test_curator_edits_a_grade_recommendation_and_it_shows_on_the_guideline_page(curator_page):
    page = curator_page
    colitis = Toxicity.objects.get(slug="colitis")
    grade_2 = colitis.recommendations.get(grade=2, source__is_local_consensus=True)
    page.goto(f"/admin/toxicity/toxicity/{colitis.pk}/change/")
    # The row of that recommendation: its plain fields, named by the inline's prefix.
    prefix = page.locator(f"input[name$='-id'][value='{grade_2.pk}']").get_attribute("name")[:-3]
    page.locator(f"[name='{prefix}-steroid_dose']").fill("0.5–1 mg/kg/day")
    page.locator(f"[name='{prefix}-steroid_route']").select_option("oral")
    page.locator(f"[name='{prefix}-evidence_level']").fill("consensus")
    # A folded part opens and keeps plain fields: the hormones are lines, not JSON.
    page.locator(f"[id='{prefix}'] summary").first.click()
    page.locator(f"[name='{prefix}-steroid_taper_weeks']").fill("6")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist .success")).to_be_visible()

    grade_2.refresh_from_db()
    assert grade_2.steroid_dose == "0.5–1 mg/kg/day"
    assert grade_2.steroid_route == Recommendation.Route.ORAL
    assert grade_2.steroid_taper_weeks == 6
    assert grade_2.evidence_level == "consensus"

    page.goto("/toxicity/colitis/")
    expect(page.locator("#grade-2")).to_contain_text("0.5–1 mg/kg/day")


def test_curator_edits_a_trials_curated_fields_and_the_trial_page_shows_them(curator_page):
    page = curator_page
    trial = Trial.objects.get(nct_id=TRIAL)
    page.goto(f"/admin/trials/trial/{trial.pk}/change/")
    # Registry fields of an imported trial are read-only and say so.
    expect(page.get_by_text("imported, not editable")).to_be_visible()
    assert page.locator("[name=brief_title]").count() == 0
    page.get_by_role("checkbox", name="Anti-LAG-3").check()
    page.locator("[name=sites-0-public_phone]").fill("+32 9 332 00 00")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist .success")).to_be_visible()

    trial.refresh_from_db()
    assert "|anti-lag-3|" in trial.immunotherapy_classes
    assert trial.classes_overridden
    assert trial.sites.filter(public_phone="+32 9 332 00 00").exists()

    page.goto(f"/trials/{TRIAL}/")
    expect(page.locator(".tag", has_text="Anti-LAG-3")).to_be_visible()
    expect(page.get_by_role("link", name="+32 9 332 00 00")).to_be_visible()


def test_guideline_and_trial_forms_and_lists_fit_1280_px_without_raw_inputs(curator_page):
    page = curator_page
    colitis = Toxicity.objects.get(slug="colitis")
    trial = Trial.objects.get(nct_id=TRIAL)
    for url in [
        f"/admin/toxicity/toxicity/{colitis.pk}/change/",
        "/admin/toxicity/toxicity/",
        f"/admin/trials/trial/{trial.pk}/change/",
        "/admin/trials/trial/",
        "/admin/collaborations/platform/",
        "/admin/collaborations/samplecollection/",
        "/admin/collaborations/collaborationrequest/",
        "/admin/ion_portal/user/",
        f"/nl/admin/toxicity/toxicity/{colitis.pk}/change/",
        "/nl/admin/trials/trial/",
    ]:
        page.goto(url)
        # Open every folded part: what is inside must fit too.
        for summary in page.locator("#content-main details > summary").all():
            if summary.is_visible():
                summary.click()
        assert _overflow(page) <= WIDTH, (url, _too_wide(page))
        if "/change/" in url:
            assert _raw_inputs(page) == [], url
    page.goto(f"/admin/toxicity/toxicity/{colitis.pk}/change/")
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 9000, height
    expect(page.locator("textarea[name$='-hormones']").first).to_be_attached()
    assert page.locator("[name=therapy_families], [name=higher_risk_classes]").count() == 0
    expect(page.get_by_role("checkbox", name=re.compile("Immune checkpoint"))).to_be_checked()
