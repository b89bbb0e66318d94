"""Trial alerts: anyone subscribes by e-mail to a search (double opt-in), gets a daily or weekly digest
of new trials and status changes that match, and leaves with a signed one-click unsubscribe. Real
e-mail through Django's outbox; time-machine drives the schedule."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from tests.factories import make_trial
from trials.alerts import trial_alerts_send
from trials.models import Trial, TrialAlert, TrialChange

pytestmark = pytest.mark.django_db

START = datetime(2030, 5, 6, 8, 0, tzinfo=UTC)  # a Monday
LIST = reverse("trials:list")


def link(message, name) -> str:
    path = re.search(rf"https?://[^\s]+/trials/alerts/{name}/[^\s/]+/", message.body).group(0)
    return "/" + path.split("/", 3)[3]


def subscribe(client, query="q=melanoma", frequency="daily", email="patient@example.org"):
    return client.post(
        reverse("trials:alert_subscribe"),
        {"email": email, "frequency": frequency, "query": query},
    )


@pytest.fixture
def confirmed(client):
    """A confirmed daily alert on open melanoma trials, made at START."""
    with time_machine.travel(START, tick=False):
        assert subscribe(client).status_code == 200
        confirm = link(mail.outbox[-1], "confirm")
        client.post(confirm)
    mail.outbox.clear()
    return TrialAlert.objects.get()


def test_the_list_page_offers_to_subscribe_to_the_search_shown(client):
    text = client.get(LIST, {"q": "melanoma", "phase": "PHASE2"}).text
    assert "Get an e-mail when trials like these open or change" in text
    assert 'name="query" id="alert-query" value="q=melanoma&amp;phase=PHASE2"' in text


def test_subscribing_sends_a_confirmation_link_and_nothing_else_until_confirmed(client):
    with time_machine.travel(START, tick=False):
        response = subscribe(client)
    assert response.status_code == 200
    assert "We sent a confirmation link to patient@example.org" in response.text
    alert = TrialAlert.objects.get()
    assert alert.confirmed_at is None
    # The page's default view is part of the search: open trials.
    assert alert.query == {"q": ["melanoma"], "status": ["open"]}
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["patient@example.org"]
    confirm = link(mail.outbox[0], "confirm")

    make_trial("NCT00000001", conditions=["Melanoma"], published_at=START + timedelta(hours=1))
    with time_machine.travel(START + timedelta(days=2), tick=False):
        assert trial_alerts_send(frequency="daily") == 0  # unconfirmed: no digest

    # Opening the link shows a button (a link scanner does not subscribe anyone); POST confirms.
    assert "Confirm the alert" in client.get(confirm).text
    assert TrialAlert.objects.get().confirmed_at is None
    assert "Your alert is on" in client.post(confirm).text
    assert TrialAlert.objects.get().confirmed_at is not None


def test_a_forged_or_expired_confirmation_link_is_refused(client):
    with time_machine.travel(START, tick=False):
        subscribe(client)
    confirm = link(mail.outbox[0], "confirm")
    assert client.get(confirm.replace("/confirm/", "/confirm/x")).status_code == 400
    with time_machine.travel(START + timedelta(days=8), tick=False):
        assert client.post(confirm).status_code == 400
    assert TrialAlert.objects.get().confirmed_at is None


def test_invalid_subscriptions_are_refused(client):
    assert subscribe(client, email="not-an-address").status_code == 400
    assert subscribe(client, query="phase=PHASE9").status_code == 400
    assert subscribe(client, frequency="hourly").status_code == 400
    assert not TrialAlert.objects.exists() and not mail.outbox


def test_daily_digest_lists_new_matching_trials_and_status_changes(client, confirmed):
    matching = make_trial(
        "NCT00000001",
        brief_title="Melanoma vaccine study",
        conditions=["Melanoma"],
        published_at=START + timedelta(hours=2),
    )
    make_trial(  # does not match the search
        "NCT00000002", conditions=["Renal cancer"], published_at=START + timedelta(hours=2)
    )
    make_trial(  # matches but is closed: not a new open trial
        "NCT00000003",
        conditions=["Melanoma"],
        overall_status="COMPLETED",
        published_at=START + timedelta(hours=2),
    )
    older = make_trial(
        "NCT00000004", conditions=["Melanoma"], published_at=START - timedelta(days=30)
    )
    Trial.objects.filter(pk=older.pk).update(overall_status="COMPLETED")
    with time_machine.travel(START + timedelta(hours=5), tick=False):
        TrialChange.objects.create(
            trial=older, field="overall_status", old_value="RECRUITING", new_value="COMPLETED"
        )

    with time_machine.travel(START + timedelta(hours=12), tick=False):
        assert trial_alerts_send(frequency="daily") == 0  # not due yet
    with time_machine.travel(START + timedelta(days=1), tick=False):
        assert trial_alerts_send(frequency="daily") == 1

    digest = mail.outbox[-1]
    assert digest.to == ["patient@example.org"]
    assert "NCT00000001: Melanoma vaccine study" in digest.body
    assert "NCT00000002" not in digest.body and "NCT00000003" not in digest.body
    assert "NCT00000004" in digest.body and "Recruiting → Completed" in digest.body
    unsubscribe = link(digest, "unsubscribe")
    assert digest.extra_headers["List-Unsubscribe"].endswith(f"{unsubscribe}>")
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert matching.get_absolute_url() in digest.body

    # Nothing new the next day: checked, but no e-mail.
    with time_machine.travel(START + timedelta(days=2), tick=False):
        assert trial_alerts_send(frequency="daily") == 0


def test_weekly_digest_waits_a_week(client):
    with time_machine.travel(START, tick=False):
        subscribe(client, frequency="weekly")
        client.post(link(mail.outbox[-1], "confirm"))
    make_trial("NCT00000001", conditions=["Melanoma"], published_at=START + timedelta(hours=1))
    with time_machine.travel(START + timedelta(days=3), tick=False):
        call_command("send_trial_alerts", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len(mail.outbox) == 1  # only the confirmation
    with time_machine.travel(START + timedelta(days=7) - timedelta(minutes=10), tick=False):
        call_command("send_trial_alerts", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len(mail.outbox) == 2 and "NCT00000001" in mail.outbox[-1].body


def test_one_click_unsubscribe_without_a_csrf_token(client, confirmed):
    from django.test import Client

    make_trial("NCT00000001", conditions=["Melanoma"], published_at=START + timedelta(hours=1))
    with time_machine.travel(START + timedelta(days=1), tick=False):
        trial_alerts_send(frequency="daily")
    unsubscribe = link(mail.outbox[-1], "unsubscribe")

    assert "Unsubscribe" in client.get(unsubscribe).text  # a page with a button
    assert TrialAlert.objects.get().is_active
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(unsubscribe, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not TrialAlert.objects.get().is_active
    assert client.get(unsubscribe.replace("/unsubscribe/", "/unsubscribe/x")).status_code == 400

    make_trial(
        "NCT00000002", conditions=["Melanoma"], published_at=START + timedelta(days=1, hours=1)
    )
    with time_machine.travel(START + timedelta(days=2), tick=False):
        assert trial_alerts_send(frequency="daily") == 0


def test_the_digest_is_in_the_subscribers_language(client):
    from django.utils import translation

    # The request activates Dutch; the override puts the test's language back afterwards.
    with translation.override("nl"), time_machine.travel(START, tick=False):
        url = reverse("trials:alert_subscribe")
        client.post(url, {"email": "a@example.org", "frequency": "daily", "query": "q=melanoma"})
    assert TrialAlert.objects.get().language == "nl"
    assert "Bevestig" in mail.outbox[0].subject or "bevestig" in mail.outbox[0].body.lower()
    assert Trial.objects.count() == 0


def test_the_form_cannot_flood_an_address_with_confirmations(client):
    for _n in range(3):
        assert subscribe(client, email="victim@example.org").status_code == 200
    assert subscribe(client, email="victim@example.org").status_code == 429  # 3 a day per address
    assert subscribe(client, email="other@example.org").status_code == 200
    # Five attempts from one connection within the hour: the sixth is refused whatever the address.
    response = subscribe(client, email="third@example.org")
    assert response.status_code == 429
    assert "Too many subscriptions" in response.text
    assert len(mail.outbox) == 4
