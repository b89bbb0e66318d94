"""The curators' dashboard on the admin index: each item's count, and its link showing the same rows."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from ion_portal.dashboard import attention_items
from ion_portal.models import MEMBERS_GROUP, PARTNERS_GROUP
from tests.factories import (
    make_collaboration_request,
    make_collection,
    make_consult,
    make_event,
    make_news,
    make_platform,
    make_resource,
    make_toxicity,
    make_trial,
    make_unit,
    make_user,
)

REGISTER = "https://example.org/register"

pytestmark = pytest.mark.django_db

# key: how many rows of that item the data below creates.
EXPECTED = {
    "accounts_awaiting_approval": 2,
    "trials_status_not_verified": 1,
    "trial_sites_proposed": 1,
    "sync_runs_failed": 1,
    "sync_runs_with_failed_records": 1,
    "guidelines_review_due": 2,
    "consults_not_acknowledged": 3,
    "collaboration_requests_waiting": 1,
    "events_without_location": 1,
    "events_without_registration": 1,
    "drafts_trials_trial": 1,
    "drafts_toxicity_toxicity": 3,
    "drafts_collaborations_platform": 1,
    "drafts_collaborations_samplecollection": 2,
    "drafts_education_newsitem": 1,
    "drafts_education_event": 1,
    "drafts_education_resource": 1,
}


@pytest.fixture
def attention_data(curator):
    today = timezone.localdate()
    # Accounts: two waiting; an approved member, a partner, staff and an inactive one are not.
    make_user("waiting1@example.org")
    make_user("waiting2@example.org")
    make_user("approved@example.org", groups=(MEMBERS_GROUP,))
    make_user("inactive@example.org", is_active=False)
    make_user("api-partner@example.org", groups=(PARTNERS_GROUP,))
    # Trials: verified 3 years ago (counts), 1 year ago (not), a draft verified long ago (a draft).
    make_trial(status_verified=today - datetime.timedelta(days=3 * 365))
    make_trial(status_verified=today - datetime.timedelta(days=365))
    draft = make_trial(status="draft", status_verified=today - datetime.timedelta(days=5 * 365))
    # Network sites: one proposed by an import (counts); confirmed and rejected ones do not.
    from trials.models import SyncRun, TrialSite

    for state in ("proposed", "confirmed", "rejected"):
        TrialSite.all_objects.create(trial=draft, unit=make_unit(f"lab-{state}"), state=state)
    # Sync runs: one failed, one done with a record that failed, one done cleanly.
    SyncRun.objects.create(outcome="failed")
    SyncRun.objects.create(outcome="done", failed=1)
    SyncRun.objects.create(outcome="done")
    # Guidelines: overdue, due in 20 days (both count), due in 90 days (not); all drafts.
    make_toxicity(next_review_on=today - datetime.timedelta(days=3))
    make_toxicity(next_review_on=today + datetime.timedelta(days=20))
    make_toxicity(next_review_on=today + datetime.timedelta(days=90))
    # Consults: new, notified, no one on call count; answered and closed do not.
    requester = make_user("asker@example.org", groups=(MEMBERS_GROUP,))
    for status in ("new", "notified", "unassigned", "answered", "closed"):
        make_consult(requested_by=requester, status=status)
    # Collaboration requests: one submitted waits on the network; returned and forwarded do not.
    for state in ("submitted", "returned", "forwarded"):
        make_collaboration_request(requester=requester, state=state)
    # Events: upcoming without any location, upcoming without registration, past without both.
    make_event(
        title="Nowhere", location="", online_url="", registration_url=REGISTER, days_ahead=10
    )
    make_event(title="No registration", registration_url="", days_ahead=10)
    make_event(title="Past", days_ahead=-30, location="", registration_url="")
    make_event(title="Draft", status="draft", registration_url=REGISTER, days_ahead=10)
    # Drafts of the other kinds (published ones do not count).
    make_platform(name="Draft platform", published=False)
    make_platform(name="Published platform")
    make_collection(name="Draft collection one", published=False)
    make_collection(name="Draft collection two", published=False)
    make_news(title="Draft news", status="draft")
    make_news(title="Published news")
    make_resource(status="draft", languages=())


def test_each_item_counts_its_rows(attention_data, curator):
    counts = {a.item.key: a.count for a in attention_items(curator)}
    assert counts == EXPECTED


def test_each_link_opens_the_admin_list_showing_exactly_the_counted_rows(
    attention_data, curator_client, curator
):
    for attention in attention_items(curator):
        response = curator_client.get(attention.item.url)
        assert response.status_code == 200, attention.item.url
        changelist = response.context["cl"]
        assert changelist.result_count == attention.count, attention.item.url
        # The filter really applied: not the whole table.
        assert changelist.result_count < changelist.full_result_count or attention.count == (
            changelist.full_result_count
        ), attention.item.url


def test_admin_index_shows_the_dashboard_to_curators_with_counts_and_links(
    attention_data, curator_client
):
    html = curator_client.get(reverse("admin:index")).content.decode()
    assert "Needs attention" in html
    assert (
        '<a href="/admin/ion_portal/user/?membership=awaiting">'
        '<span class="attention__count">2</span> Accounts awaiting approval</a>'
    ) in html
    assert "/admin/toxicity/consultrequest/?status__in=new%2Cnotified%2Cunassigned" in html
    assert html.count('class="attention__item') == len(EXPECTED)


def test_dashboard_is_in_dutch_under_nl(attention_data, curator_client):
    with translation.override("en"):  # the Dutch request must not leave Dutch active for others
        html = curator_client.get("/nl/admin/").content.decode()
    assert "Vraagt aandacht" in html
    assert "Accounts die wachten op goedkeuring" in html


def test_staff_outside_the_curators_group_see_no_dashboard(client, attention_data):
    staff = make_user("helpdesk@example.org", is_staff=True)
    client.force_login(staff)
    assert attention_items(staff) == []
    assert "Needs attention" not in client.get(reverse("admin:index")).content.decode()


def test_dashboard_query_count_is_pinned(attention_data, curator, django_assert_num_queries):
    curator = type(curator).objects.get(pk=curator.pk)  # no cached permissions
    # One for the curator's groups (is_curator), two for the permissions (user's and groups'), then
    # one COUNT per item: the dashboard does not grow with the data.
    with django_assert_num_queries(3 + len(EXPECTED)):
        items = attention_items(curator)
    assert len(items) == len(EXPECTED)
