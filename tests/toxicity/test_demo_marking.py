"""Demonstration content can never pass for real guidance: database flag, page, print, API and patient
card say so whatever DEBUG or DEMO_CONTENT say; seed_demo refuses production; no placeholder number."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.core.management.base import SystemCheckError

from toxicity.checks import hospital_phone_is_set
from toxicity.models import Toxicity

BANNER = "This guideline is example content awaiting review"


def test_demo_loader_marks_every_guideline_as_demo(guidelines):
    assert guidelines.count() == 19
    assert not guidelines.filter(is_demo=False).exists()


@pytest.mark.parametrize("debug", [True, False])
def test_demo_banner_on_the_page_whatever_debug_and_demo_content_say(
    guidelines, client, settings, debug
):
    settings.DEBUG = debug
    settings.DEMO_CONTENT = False
    page = client.get("/toxicity/colitis/", secure=True).content.decode()
    assert BANNER in page
    # The banner is the app's own element, which the print style sheet keeps (the site banner hides).
    assert 'class="tox-demo-banner"' in page


def test_reviewed_real_guideline_has_no_demo_banner(guidelines, client):
    Toxicity.objects.filter(slug="colitis").update(is_demo=False)
    assert BANNER not in client.get("/toxicity/colitis/").content.decode()


def test_api_marks_demo_content(guidelines, client):
    Toxicity.objects.filter(slug="uveitis").update(is_demo=False)
    data = {
        item["slug"]: item
        for item in client.get("/api/v1/toxicities/?page_size=50").json()["results"]
    }
    assert data["colitis"]["is_demo"] is True and data["colitis"]["awaiting_review"] is True
    assert data["uveitis"]["is_demo"] is False


def test_patient_card_says_demo_and_never_prints_a_placeholder_number(guidelines, client, settings):
    settings.HOSPITAL_24_7_PHONE = ""
    page = client.get(
        "/toxicity/patient-card/", {"drugs": ["nivolumab"], "language": "en"}
    ).content.decode()
    assert "Demonstration card" in page
    assert "000 00 00" not in page and 'class="tox-card__line"' in page


def test_seed_demo_refuses_a_production_configuration(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--allow-production"):
        call_command("seed_demo")
    assert not Toxicity.objects.exists()


def test_seed_demo_with_the_flag_still_marks_demo(db, settings):
    settings.DEBUG = False
    call_command("seed_demo", allow_production=True)
    assert Toxicity.objects.count() == 19
    assert not Toxicity.objects.filter(is_demo=False).exists()


def test_deploy_check_errors_without_the_24_7_number(settings):
    settings.DEBUG = False
    settings.HOSPITAL_24_7_PHONE = ""
    (error,) = hospital_phone_is_set()
    assert error.id == "toxicity.E001" and "HOSPITAL_24_7_PHONE" in error.msg
    settings.HOSPITAL_24_7_PHONE = "+32 9 000 12 34"
    assert hospital_phone_is_set() == []


def test_check_deploy_command_fails_without_the_number(settings):
    settings.DEBUG = False
    settings.HOSPITAL_24_7_PHONE = ""
    with pytest.raises(SystemCheckError, match=r"toxicity\.E001"):
        call_command("check", "--deploy", "--tag", "security")
