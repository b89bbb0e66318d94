"""Refer a patient: members only, e-mail through a background task, patient identifiers refused."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ion_portal.models import Person, Unit
from tests.factories import make_trial
from trials.forms import identifier_problems
from trials.models import TrialSite

GOOD = "62-year-old with stage IV NSCLC, PD-L1 80%, ECOG 1, no prior immunotherapy."


@pytest.fixture
def site(db):
    trial = make_trial("NCT04267848")
    unit = Unit.objects.create(
        name="Respiratory Medicine", slug="resp", kind="clinical", institution="UH"
    )
    nurse = Person.objects.create(
        first_name="Sam", last_name="Study", email="study-desk@example.org"
    )
    return TrialSite.objects.create(
        trial=trial, unit=unit, local_status="RECRUITING", referral_contact=nurse
    )


def refer_url(site):
    return reverse("trials:refer", args=[site.trial.nct_id])


def test_a_member_refers_a_patient_by_email_to_the_referral_contact(
    member_client, member, site, mailoutbox
):
    response = member_client.post(
        refer_url(site), {"site": site.pk, "patient_age": 62, "message": GOOD, "consent": "on"}
    )

    assert response.status_code == 302
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["study-desk@example.org"]
    assert mail.reply_to == [member.email]
    assert "NCT04267848" in mail.subject
    assert GOOD in mail.body and "62" in mail.body


@pytest.mark.parametrize(
    "identifier",
    [
        "85.07.30-033.28",
        "85073003328",
        "850730 033 28",
        "born 30/07/1985",
        "MRN 12345",
        "patient nr 778899",
    ],
)
def test_text_that_identifies_the_patient_is_refused_and_kept(
    member_client, site, mailoutbox, identifier
):
    message = f"{GOOD} {identifier}"

    response = member_client.post(
        refer_url(site), {"site": site.pk, "message": message, "consent": "on"}
    )

    assert response.status_code == 400
    assert mailoutbox == []
    assert "This text may identify the patient and cannot be sent." in response.text
    assert message in response.text  # what was typed is kept


def test_the_refusal_of_a_national_number_says_why(member_client, site):
    response = member_client.post(
        refer_url(site),
        {"site": site.pk, "message": f"{GOOD} RRN 85.07.30-033.28", "consent": "on"},
    )

    assert "Belgian national register number" in response.text


def test_clinical_text_is_not_mistaken_for_an_identifier():
    assert identifier_problems(GOOD) == []
    assert (
        identifier_problems("Stage IIIB, 3 cycles of carboplatin AUC 5 in 2023, PD-L1 TPS 50%.")
        == []
    )


def test_anonymous_visitors_are_sent_to_sign_in(client, site):
    response = client.get(refer_url(site))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_signed_in_non_members_are_refused(client, user, site, mailoutbox):
    client.force_login(user)

    response = client.post(refer_url(site), {"site": site.pk, "message": GOOD, "consent": "on"})

    assert response.status_code == 403
    assert mailoutbox == []


def test_referral_needs_the_patients_agreement(member_client, site, mailoutbox):
    response = member_client.post(refer_url(site), {"site": site.pk, "message": GOOD})

    assert response.status_code == 400
    assert mailoutbox == []
