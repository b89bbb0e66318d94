"""The collaboration request workflow: the permission matrix, illegal transitions refused with a reason,
the whole journey with the mail outbox and the relay, and reminders with time travel."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from collaborations import workflow
from collaborations.models import CollaborationRequest, RequestItem
from tests.factories import make_collection, make_platform, make_user

pytestmark = pytest.mark.django_db
State = CollaborationRequest.State

FORM = {
    "title": "Exhausted T cells under anti-PD-1",
    "project_summary": "We profile PD-1+ CD8 T cells in melanoma patients before and on anti-PD-1.",
    "intended_use": "CyTOF on 40 baseline PBMC samples.",
    "ethics_status": "approved",
    "acknowledge_network": "on",
    "discuss_coauthorship": "on",
    "report_back": "on",
}


def _create(requester, platform=None, collection=None) -> CollaborationRequest:
    return workflow.request_create(
        requester=requester,
        platforms=[platform] if platform else [],
        collections=[collection] if collection else [],
        title="T-cell project",
        project_summary="Summary",
        intended_use="Use",
        ethics_status="approved",
        acknowledge_network=True,
        discuss_coauthorship=True,
        report_back=True,
    )


@pytest.fixture
def platform(lab, lab_contact):
    return make_platform(lab, contact=lab_contact)


@pytest.fixture
def collection(clinic, clinic_contact):
    return make_collection(clinic, contact=clinic_contact)


def test_whole_workflow_relays_mail_and_reveals_the_provider_only_after_the_answer(
    client, member, curator, provider, platform, mailoutbox
):
    client.force_login(member)
    url = reverse("collaborations:request_new") + f"?platform={platform.slug}"
    assert platform.slug in client.get(url).content.decode()
    response = client.post(
        reverse("collaborations:request_new"), {**FORM, "platforms": [platform.slug]}
    )
    request = CollaborationRequest.objects.get()
    assert response.status_code == 302 and response.url == request.get_absolute_url()
    assert request.state == State.SUBMITTED
    assert sorted(m.to[0] for m in mailoutbox) == [curator.email, member.email]

    # Before screening the provider neither sees the request nor gets mail.
    client.force_login(provider)
    assert client.get(request.get_absolute_url()).status_code == 404

    mailoutbox.clear()
    client.force_login(curator)
    response = client.post(
        reverse("collaborations:request_action", args=[request.pk, "forward"]),
        {"comment": "In scope, complete."},
    )
    assert response.status_code == 302
    to_provider = [m for m in mailoutbox if m.to == ["lena.labhead@lab.example"]]
    assert len(to_provider) == 1
    assert to_provider[0].from_email == "ION Portal <noreply@ion-portal.example>"
    assert FORM["project_summary"] in to_provider[0].body
    to_requester = [m for m in mailoutbox if m.to == [member.email]]
    assert len(to_requester) == 1
    assert "lena.labhead" not in to_requester[0].body

    # The relay: the requester does not see the provider's address yet.
    client.force_login(member)
    assert "lena.labhead@lab.example" not in client.get(request.get_absolute_url()).content.decode()

    mailoutbox.clear()
    client.force_login(provider)
    item = request.items.get()
    response = client.post(
        reverse("collaborations:item_answer", args=[request.pk, item.pk]),
        {
            f"item-{item.pk}-answer": "accepted",
            f"item-{item.pk}-comment": "Happy to run these on our CyTOF.",
        },
    )
    assert response.status_code == 302
    (answer_mail,) = mailoutbox
    assert answer_mail.to == [member.email]
    assert "Happy to run these on our CyTOF." in answer_mail.body
    assert "lena.labhead@lab.example" in answer_mail.body

    request.refresh_from_db()
    assert request.state == State.CLOSED  # every provider answered
    client.force_login(member)
    assert "lena.labhead@lab.example" in client.get(request.get_absolute_url()).content.decode()

    history = list(request.events.values_list("action", "actor__email", "comment"))
    assert history == [
        ("submitted", member.email, ""),
        ("forward", curator.email, "In scope, complete."),
        ("answer_accepted", provider.email, "Happy to run these on our CyTOF."),
        ("closed_answered", provider.email, "Every provider has answered."),
    ]
    assert all(event.created_at for event in request.events.all())


def test_returned_request_is_edited_and_resubmitted(client, member, curator, platform, mailoutbox):
    request = _create(member, platform=platform)
    workflow.request_return(request=request, by=curator, comment="Please add the sample numbers.")
    assert mailoutbox[-1].to == [member.email]
    assert "Please add the sample numbers." in mailoutbox[-1].body

    client.force_login(member)
    response = client.post(
        reverse("collaborations:request_edit", args=[request.pk]),
        {**FORM, "intended_use": "CyTOF on 40 PBMC samples at baseline and week 6."},
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.state == State.SUBMITTED
    assert request.intended_use.endswith("week 6.")
    assert mailoutbox[-1].to == [curator.email]
    assert [e.action for e in request.events.all()] == ["submitted", "return", "resubmit"]


def test_decline_and_return_need_a_comment(member, curator, platform):
    request = _create(member, platform=platform)
    with pytest.raises(workflow.TransitionError, match="say why"):
        workflow.request_decline(request=request, by=curator, comment="  ")
    workflow.request_decline(request=request, by=curator, comment="Out of the network's scope.")
    request.refresh_from_db()
    assert request.state == State.DECLINED


ALLOWED = {
    State.SUBMITTED: {"curator": {"forward", "return", "decline", "close"}, "requester": {"close"}},
    State.RETURNED: {"curator": {"close"}, "requester": {"resubmit", "close"}},
    State.FORWARDED: {"curator": {"close"}, "requester": {"close"}},
    State.DECLINED: {},
    State.CLOSED: {},
}


@pytest.mark.parametrize("state", list(ALLOWED))
def test_permission_matrix_of_request_actions(state, member, curator, provider, platform):
    other = make_user("other@example.org", groups=("Members",))
    request = _create(member, platform=platform)
    CollaborationRequest.objects.filter(pk=request.pk).update(state=state)
    request.refresh_from_db()
    for role, user in [
        ("curator", curator),
        ("requester", member),
        ("provider", provider),
        ("other", other),
    ]:
        assert set(workflow.allowed_actions(request=request, user=user)) == ALLOWED[state].get(
            role, set()
        ), (state, role)
    item = request.items.get()
    can_answer = not workflow.item_refusal(item=item, user=provider, answer="accepted")
    assert can_answer == (state == State.FORWARDED)
    for user in (member, curator, other):
        assert workflow.item_refusal(item=item, user=user, answer="accepted")


@pytest.mark.parametrize(
    ("state", "visible_to"),
    [
        (State.SUBMITTED, {"requester", "curator"}),
        (State.RETURNED, {"requester", "curator"}),
        (State.DECLINED, {"requester", "curator"}),
        (State.FORWARDED, {"requester", "curator", "provider"}),
        (State.CLOSED, {"requester", "curator", "provider"}),
    ],
)
def test_who_sees_a_request_in_each_state(
    client, state, visible_to, member, curator, provider, platform
):
    other = make_user("other@example.org", groups=("Members",))
    request = _create(member, platform=platform)
    CollaborationRequest.objects.filter(pk=request.pk).update(state=state)
    for role, user in [
        ("requester", member),
        ("curator", curator),
        ("provider", provider),
        ("other", other),
    ]:
        client.force_login(user)
        status = client.get(request.get_absolute_url()).status_code
        assert status == (200 if role in visible_to else 404), (state, role)
        listed = (
            request.title in client.get(reverse("collaborations:request_list")).content.decode()
        )
        assert listed == (role in visible_to), (state, role)
    client.logout()
    assert client.get(request.get_absolute_url()).status_code == 302  # to the sign-in page


def test_illegal_transitions_are_refused_with_a_reason(client, member, curator, provider, platform):
    request = _create(member, platform=platform)
    client.force_login(member)
    response = client.post(reverse("collaborations:request_action", args=[request.pk, "forward"]))
    assert response.status_code == 409
    assert "Only a curator may forward this request." in response.content.decode()

    workflow.request_forward(request=request, by=curator)
    client.force_login(curator)
    response = client.post(reverse("collaborations:request_action", args=[request.pk, "forward"]))
    assert response.status_code == 409
    assert "cannot be forwarded" in response.content.decode()
    with pytest.raises(workflow.TransitionError, match="cannot be resubmitted"):
        workflow.request_resubmit(request=request, by=member)

    item = request.items.get()
    workflow.item_answer(item=item, by=provider, answer="accepted")
    with pytest.raises(workflow.TransitionError, match="Only a forwarded request"):
        workflow.item_answer(item=item, by=provider, answer="declined", comment="changed my mind")
    with pytest.raises(workflow.TransitionError, match="cannot be closed"):
        workflow.request_close(request=request, by=curator)
    request.refresh_from_db()
    assert request.state == State.CLOSED
    assert RequestItem.objects.get().answer == "accepted"


def test_provider_cannot_answer_twice_or_decline_without_a_comment(
    member, curator, provider, platform, collection
):
    request = _create(member, platform=platform)
    workflow.request_forward(request=request, by=curator)
    item = request.items.get()
    with pytest.raises(workflow.TransitionError, match="comment"):
        workflow.item_answer(item=item, by=provider, answer="declined")
    workflow.item_answer(item=item, by=provider, answer="needs_info", comment="How many samples?")
    with pytest.raises(workflow.TransitionError, match="already answered"):
        workflow.item_answer(item=item, by=provider, answer="needs_info", comment="again")
    request.refresh_from_db()
    assert request.state == State.FORWARDED  # needs_info is not final


def test_non_members_cannot_send_requests(client, user, platform):
    client.force_login(user)
    assert client.get(reverse("collaborations:request_new")).status_code == 403
    with pytest.raises(workflow.TransitionError):
        _create(user, platform=platform)


def test_request_form_keeps_what_was_typed_on_error(client, member, platform):
    client.force_login(member)
    data = {**FORM, "platforms": [platform.slug]}
    del data["report_back"]
    response = client.post(reverse("collaborations:request_new"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert FORM["project_summary"] in page
    assert "This field is required." in page
    assert CollaborationRequest.objects.count() == 0


def test_request_needs_at_least_one_resource(client, member):
    client.force_login(member)
    response = client.post(reverse("collaborations:request_new"), FORM)
    assert "Choose at least one platform or sample collection." in response.content.decode()


def test_reminders_go_to_whoever_holds_an_idle_request(
    member, curator, provider, platform, mailoutbox
):
    with time_machine.travel(datetime(2030, 3, 4, 9, 0, tzinfo=UTC), tick=False) as traveller:
        request = _create(member, platform=platform)
        mailoutbox.clear()

        traveller.shift(timedelta(days=6))
        call_command("send_request_reminders", days=7, stdout=open("/dev/null", "w"))  # noqa: SIM115
        assert mailoutbox == []

        traveller.shift(timedelta(days=2))  # idle 8 days: the curators hold it
        call_command("send_request_reminders", days=7, stdout=open("/dev/null", "w"))  # noqa: SIM115
        assert [m.to for m in mailoutbox] == [[curator.email]]
        assert "awaits screening" in mailoutbox[0].body
        call_command("send_request_reminders", days=7, stdout=open("/dev/null", "w"))  # noqa: SIM115
        assert len(mailoutbox) == 1  # once per idle period, not on every run

        workflow.request_forward(request=request, by=curator)
        mailoutbox.clear()
        traveller.shift(timedelta(days=8))  # the provider holds it now
        assert workflow.request_send_reminders(idle_days=7) == 1
        assert mailoutbox[0].to == ["lena.labhead@lab.example"]
        assert "awaits an answer about Mass cytometry" in mailoutbox[0].body

        workflow.item_answer(
            item=request.items.get(), by=provider, answer="needs_info", comment="Which panel?"
        )
        mailoutbox.clear()
        traveller.shift(timedelta(days=8))  # the requester owes information
        assert workflow.request_send_reminders(idle_days=7) == 1
        assert mailoutbox[0].to == [member.email]
        assert request.events.filter(action="reminded").count() == 3


def test_provider_without_an_address_is_reached_through_the_curators(
    member, curator, lab, mailoutbox
):
    platform = make_platform(lab)  # no contact person
    request = _create(member, platform=platform)
    mailoutbox.clear()
    workflow.request_forward(request=request, by=curator)
    assert any(
        m.to == [curator.email] and "Collaboration request about" in m.subject for m in mailoutbox
    )


@pytest.mark.parametrize("count", [2, 6])
def test_request_list_runs_a_fixed_number_of_queries(
    client, django_assert_num_queries, member, curator, platform, count
):
    for _ in range(count):
        _create(member, platform=platform)
    client.force_login(curator)
    # session + user + the curator's groups (once, cached on the user) + one query for the
    # requests with their requesters joined: never one per request.
    with django_assert_num_queries(4):
        response = client.get(reverse("collaborations:request_list"))
    assert response.content.decode().count("T-cell project") == count


def test_provider_answers_each_of_several_resources_separately(
    client, member, curator, provider, lab, lab_contact
):
    first = make_platform(lab, slug="one", name="Platform one", contact=lab_contact)
    second = make_platform(lab, slug="two", name="Platform two", contact=lab_contact)
    request = workflow.request_create(
        requester=member,
        platforms=[first, second],
        title="Two platforms",
        project_summary="s",
        intended_use="u",
        ethics_status="approved",
        acknowledge_network=True,
        discuss_coauthorship=True,
        report_back=True,
    )
    workflow.request_forward(request=request, by=curator)
    client.force_login(provider)
    page = client.get(request.get_absolute_url()).content.decode()
    ids = re.findall(r'id="([^"]+)"', page)
    assert len(ids) == len(set(ids))  # one form per resource, no clashing ids
    one, two = request.items.order_by("pk")
    response = client.post(
        reverse("collaborations:item_answer", args=[request.pk, two.pk]),
        {f"item-{two.pk}-answer": "declined", f"item-{two.pk}-comment": "Fully booked."},
    )
    assert response.status_code == 302
    one.refresh_from_db()
    two.refresh_from_db()
    assert (one.answer, two.answer) == ("pending", "declined")
