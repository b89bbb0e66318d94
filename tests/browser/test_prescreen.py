"""Browser journey of the referral pre-screen: a member fills the form and gets ranked trials with reasons;
an ineligible patient (ECOG 3, prior anti-PD-1 where it is excluded) is shown why; unknowns list their
questions; a referral goes out with the answers. The public version without an account. axe-core and
the phone width on every page of the journey."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import axe_violations
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


def _criteria():
    from ion_portal.models import CancerType, Person, Unit
    from trials.models import Trial, TrialLocation, TrialSite
    from trials.models_criteria import EligibilityCriterion
    from trials.prescreen import queries

    queries.clear_cache()
    melanoma = CancerType.objects.get(slug="melanoma")

    def trial(nct_id, title, *criteria):
        t = Trial.objects.create(
            nct_id=nct_id,
            brief_title=title,
            overall_status="RECRUITING",
            status=Trial.Status.PUBLISHED,
        )
        t.cancer_types.add(melanoma)
        for section, kind, operator, value, sentence in criteria:
            EligibilityCriterion.objects.create(
                trial=t,
                section=section,
                kind=kind,
                operator=operator,
                value=value,
                source_sentence=sentence,
                status="confirmed",
            )
        return t

    naive = trial(
        "NCT09000001",
        "Checkpoint-naive melanoma trial",
        ("inclusion", "ecog", "range", {"min": 0, "max": 1}, "ECOG performance status 0 or 1."),
        (
            "exclusion",
            "prior_immunotherapy",
            "excluded",
            {"classes": ["anti-pd-1"]},
            "Prior therapy with an anti-PD-1 antibody.",
        ),
    )
    trial(
        "NCT09000002",
        "PD-L1 selected melanoma trial",
        ("inclusion", "ecog", "range", {"min": 0, "max": 2}, "ECOG 0-2."),
        ("inclusion", "pd_l1_tps", "min", {"value": 50}, "PD-L1 TPS of at least 50%."),
    )
    unit = Unit.objects.create(name="Oncology", slug="onc", kind="clinical", institution="UZ")
    desk = Person.objects.create(first_name="Study", last_name="Desk", email="desk@example.org")
    TrialSite.objects.create(
        trial=naive, unit=unit, local_status="RECRUITING", referral_contact=desk
    )
    TrialLocation.objects.create(
        trial=naive, city="Leuven", country="Belgium", latitude=50.88, longitude=4.70
    )


def _sign_in(browser, live_server, email, **options):
    context = browser.new_context(base_url=live_server.url, locale="en-GB", **options)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    return context, page


def _fill(page, **answers):
    page.get_by_label("Cancer type").select_option(label=answers.get("cancer", "Melanoma"))
    page.get_by_label("Age (years)").fill("61")
    page.get_by_label("ECOG performance status").select_option(answers["ecog"])
    page.get_by_label(re.compile(r"^Prior immunotherapy")).select_option(answers["prior"])
    for label in answers.get("classes", ()):
        page.get_by_role("checkbox", name=label, exact=True).check()
    page.get_by_role("button", name="Pre-screen").click()
    expect(page.locator("#results")).to_be_visible()


def _width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_a_member_prescreens_sees_reasons_questions_and_refers(
    browser, live_server, core_vocabularies, mailoutbox
):
    from ion_portal.models import MEMBERS_GROUP

    _criteria()
    make_user("member@example.org", groups=(MEMBERS_GROUP,))
    context, page = _sign_in(browser, live_server, "member@example.org", viewport=PHONE)
    page.goto("/trials/pre-screen/")
    assert axe_violations(page) == []
    assert _width(page) <= PHONE["width"]

    _fill(page, ecog="1", prior="none")
    results = page.locator(".prescreen-result")
    expect(results).to_have_count(2)
    first, second = results.nth(0), results.nth(1)
    expect(first).to_contain_text("Checkpoint-naive melanoma trial")
    expect(first).to_contain_text("Eligible so far")
    expect(first).to_contain_text("ECOG performance status 0 or 1.")  # the source sentence
    expect(second).to_contain_text("PD-L1 selected melanoma trial")
    expect(second.locator(".prescreen-result__questions")).to_contain_text(
        "What is the tumour's PD-L1 TPS (%)?"
    )
    expect(page.locator(".prescreen-questions")).to_contain_text("PD-L1 TPS")
    assert axe_violations(page) == []
    assert _width(page) <= PHONE["width"]

    # The referral from the results: consent required, then sent with the answers.
    form = first.locator("form.prescreen-refer")
    form.get_by_role("button", name="Refer with these answers").click()
    expect(page.locator(".form__error").first).to_contain_text("required")
    page.get_by_label("The patient agrees to be referred to this study team.").check()
    page.get_by_role("button", name="Send referral").click()
    expect(page.get_by_text("Your referral was sent")).to_be_visible()
    assert len(mailoutbox) == 1
    assert "ECOG performance status: 1" in mailoutbox[0].body
    context.close()


def test_an_ineligible_patient_is_shown_why(browser, live_server, core_vocabularies):
    from ion_portal.models import MEMBERS_GROUP

    _criteria()
    make_user("member@example.org", groups=(MEMBERS_GROUP,))
    context, page = _sign_in(browser, live_server, "member@example.org")
    page.goto("/trials/pre-screen/")
    _fill(page, ecog="3", prior="yes", classes=["Anti-PD-1"])

    naive = page.locator(".prescreen-result", has_text="Checkpoint-naive melanoma trial")
    expect(naive).to_contain_text("Not eligible")
    ecog = naive.locator(".prescreen-verdict--not_met", has_text="ECOG performance status")
    expect(ecog).to_contain_text("the patient has 3")
    pd1 = naive.locator(".prescreen-verdict--not_met", has_text="Prior immunotherapy")
    expect(pd1).to_contain_text("Prior therapy with an anti-PD-1 antibody.")
    # Both trials are ruled out by ECOG 3; the one that fails on one criterion only comes first.
    expect(page.locator(".prescreen-result").nth(0)).to_contain_text("PD-L1 selected")
    expect(page.locator(".tag--ok")).to_have_count(0)
    assert axe_violations(page) == []
    context.close()


def test_the_public_version_works_without_an_account(page, live_server):
    _criteria()
    page.set_viewport_size(PHONE)
    page.goto("/trials/find-a-trial/")
    assert axe_violations(page) == []
    page.get_by_label("Which cancer is it?").select_option(label="Melanoma")
    page.get_by_label("How old is the patient?").fill("58")
    page.get_by_label("Where does the patient live?").select_option(label="Flemish Brabant")
    page.get_by_role("radio", name="Not sure").check()
    page.get_by_role("button", name="Show trials").click()
    expect(page.locator("#results")).to_contain_text("discuss with your doctor")
    expect(page.locator("#results li").first).to_contain_text(re.compile(r"About \d+ km"))
    expect(page.locator("#results")).not_to_contain_text("Eligible")
    assert axe_violations(page) == []
    assert _width(page) <= PHONE["width"]

    page.goto("/nl/trials/find-a-trial/")
    expect(page.get_by_role("heading", level=1)).not_to_have_text(
        "Find a trial to discuss with your doctor"
    )
    # The members' pre-screen is not open without an account.
    page.goto("/trials/pre-screen/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
