"""Saved-search alerts: members save a filter; due digests list newly published matches only, with a
signed unsubscribe link; time travel drives the daily and weekly schedule."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from collaborations import services
from collaborations.models import SavedSearch
from tests.factories import make_collection

pytestmark = pytest.mark.django_db

START = datetime(2030, 5, 6, 8, 0, tzinfo=UTC)  # a Monday, after any fixture's creation time


def _quiet(command, **options):
    with open("/dev/null", "w") as devnull:
        call_command(command, stdout=devnull, **options)


def test_member_saves_the_current_filter_as_an_alert(client, member):
    client.force_login(member)
    list_url = reverse("collaborations:collection_list")
    page = client.get(list_url + "?sample_type=pbmc&cancer_type=melanoma").content.decode()
    assert "Save this search as an alert" in page
    response = client.post(
        reverse("collaborations:alert_create", args=["collections"]),
        {
            "query": "sample_type=pbmc&cancer_type=melanoma&therapy_class=anti-pd-1&page=2",
            "frequency": "daily",
            "name": "PBMC melanoma anti-PD-1",
        },
    )
    assert response.status_code == 302
    search = SavedSearch.objects.get()
    assert search.user == member
    assert search.frequency == "daily"
    assert search.query == {
        "sample_type": ["pbmc"],
        "cancer_type": ["melanoma"],
        "therapy_class": ["anti-pd-1"],
    }


def test_visitors_and_unapproved_users_cannot_save_alerts(client, user):
    assert (
        "Save this search"
        not in client.get(
            reverse("collaborations:collection_list") + "?sample_type=pbmc"
        ).content.decode()
    )
    client.force_login(user)
    response = client.post(
        reverse("collaborations:alert_create", args=["collections"]),
        {"query": "sample_type=pbmc", "frequency": "daily"},
    )
    assert response.status_code == 403
    assert SavedSearch.objects.count() == 0


def test_weekly_digest_lists_new_matches_and_unsubscribes_with_a_signed_link(
    client, member, clinic, mailoutbox
):
    with time_machine.travel(START, tick=False) as traveller:
        make_collection(clinic, slug="old", name="Old melanoma PBMC", therapy_classes=["anti-pd-1"])
        search = services.saved_search_create(
            user=member,
            kind="collections",
            query={
                "sample_type": ["pbmc"],
                "cancer_type": ["skin-cancer"],  # broader type: melanoma collections match
                "therapy_class": ["anti-pd-1"],
            },
            frequency="weekly",
        )
        traveller.shift(timedelta(days=2))
        make_collection(clinic, slug="new", name="New melanoma PBMC", therapy_classes=["anti-pd-1"])
        make_collection(
            clinic,
            slug="other",
            name="New lung serum",
            sample_types=["serum"],
            cancer_types=["non-small-cell-lung-cancer"],
            therapy_classes=["anti-pd-1"],
        )
        make_collection(
            clinic,
            slug="draft",
            name="Draft melanoma PBMC",
            therapy_classes=["anti-pd-1"],
            published=False,
        )

        traveller.shift(timedelta(days=3))  # five days: a weekly alert is not due
        _quiet("send_collaboration_alerts")
        assert mailoutbox == []

        traveller.shift(timedelta(days=2))  # seven days
        _quiet("send_collaboration_alerts")
        (digest,) = mailoutbox
        assert digest.to == [member.email]
        assert "New melanoma PBMC" in digest.body
        assert "Old melanoma PBMC" not in digest.body  # published before the alert existed
        assert "New lung serum" not in digest.body and "Draft" not in digest.body
        link = re.search(r"http\S+/alerts/unsubscribe/\S+/", digest.body).group(0)
        assert digest.extra_headers["List-Unsubscribe"] == f"<{link}>"

        _quiet("send_collaboration_alerts")  # nothing new, not due again
        assert len(mailoutbox) == 1

        path = link.split("127.0.0.1:8000", 1)[-1]
        assert "Stop the alert" in client.get(path).content.decode()
        search.refresh_from_db()
        assert search.is_active  # a GET (mail scanners follow links) changes nothing
        client.post(path)
        search.refresh_from_db()
        assert not search.is_active

        traveller.shift(timedelta(days=1))
        make_collection(
            clinic, slug="newer", name="Newer melanoma PBMC", therapy_classes=["anti-pd-1"]
        )
        traveller.shift(timedelta(days=7))
        _quiet("send_collaboration_alerts")
        assert len(mailoutbox) == 1


def test_daily_digest_is_sent_each_day_with_only_that_days_news(member, lab, mailoutbox):
    from tests.factories import make_platform

    with time_machine.travel(START, tick=False) as traveller:
        services.saved_search_create(
            user=member,
            kind="platforms",
            query={"technique": ["mass-cytometry"]},
            frequency="daily",
        )
        traveller.shift(timedelta(hours=3))
        make_platform(lab, slug="p1", name="CyTOF one")
        traveller.shift(timedelta(hours=21))
        assert services.alerts_send(frequency="daily") == 1
        traveller.shift(timedelta(hours=2))
        make_platform(lab, slug="p2", name="CyTOF two")
        make_platform(lab, slug="p3", name="Spectral sorter", techniques=["flow-cytometry"])
        traveller.shift(timedelta(hours=22))
        assert services.alerts_send(frequency="daily") == 1
        assert "CyTOF one" in mailoutbox[0].body and "CyTOF two" not in mailoutbox[0].body
        assert "CyTOF two" in mailoutbox[1].body and "CyTOF one" not in mailoutbox[1].body
        assert "Spectral sorter" not in mailoutbox[1].body


def test_forged_unsubscribe_link_is_refused(client, member):
    search = services.saved_search_create(
        user=member, kind="platforms", query={}, frequency="weekly"
    )
    token = services.unsubscribe_token(search)
    response = client.post(reverse("collaborations:alert_unsubscribe", args=[token[:-2] + "xx"]))
    assert response.status_code == 400
    search.refresh_from_db()
    assert search.is_active
    assert services.alert_unsubscribe(token=token).is_active is False


def test_an_invalid_filter_is_refused_not_widened(client, member):
    client.force_login(member)
    response = client.post(
        reverse("collaborations:alert_create", args=["collections"]),
        {"query": "sample_type=unicorn-blood", "frequency": "weekly"},
        follow=True,
    )
    assert SavedSearch.objects.count() == 0
    assert "This filter cannot be saved" in response.content.decode()
