"""Accounts: sign up with mandatory e-mail verification, log in, member approval, password reset, MFA."""

import re

import pytest
from django.contrib.admin.sites import site
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from ion_portal.admin import UserAdmin
from ion_portal.models import MEMBERS_GROUP, User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _link_in(message) -> str:
    return re.search(r"https?://[^\s]+", message.body).group(0)


def test_sign_up_sends_a_verification_email_and_the_link_logs_in(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "new@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "first_name": "Nieuw",
            "last_name": "Lid",
            "affiliation": "Medical Oncology, University Hospital",
        },
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new@example.org"]
    # Not verified yet: logging in is refused until the link is followed.
    assert not client.get(reverse("account_overview")).wsgi_request.user.is_authenticated

    link = _link_in(mail.outbox[0])
    path = link.split("://", 1)[1].split("/", 1)[1]
    confirm = client.post("/" + path)
    assert confirm.status_code == 302
    overview = client.get(reverse("account_overview"))
    assert overview.status_code == 200
    assert "Awaiting approval" in overview.content.decode()


def test_unverified_user_cannot_log_in(client):
    from tests.factories import make_user

    make_user("unverified@example.org", verified=False)
    response = client.post(
        reverse("account_login"), {"login": "unverified@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert "confirm-email" in response["Location"]
    assert not client.get(reverse("account_overview")).wsgi_request.user.is_authenticated


def test_verified_user_logs_in_with_email(client, user):
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("account_overview")).status_code == 200


def test_wrong_password_keeps_the_email_and_says_why(client, user):
    response = client.post(reverse("account_login"), {"login": user.email, "password": "wrong"})
    assert response.status_code == 200
    html = response.content.decode()
    assert user.email in html
    assert "not correct" in html


def test_new_account_awaits_approval_until_a_curator_approves(client, user, curator):
    client.force_login(user)
    assert "Awaiting approval" in client.get(reverse("account_overview")).content.decode()
    assert not user.is_member

    admin_client = client.__class__()
    admin_client.force_login(curator)
    response = admin_client.post(
        reverse("admin:ion_portal_user_changelist"),
        {"action": "approve_members", "_selected_action": [user.pk]},
    )
    assert response.status_code == 302
    user = User.objects.get(pk=user.pk)
    assert user.groups.filter(name=MEMBERS_GROUP).exists()
    assert user.is_member
    assert "Member of the network" in client.get(reverse("account_overview")).content.decode()


def test_approve_action_is_idempotent(rf, user, curator):
    from django.contrib.messages.storage.fallback import FallbackStorage

    request = rf.post("/")
    request.user = curator
    request.session = {}
    request._messages = FallbackStorage(request)
    model_admin = UserAdmin(User, site)
    model_admin.approve_members(request, User.objects.filter(pk=user.pk))
    model_admin.approve_members(request, User.objects.filter(pk=user.pk))
    assert list(user.groups.values_list("name", flat=True)) == [MEMBERS_GROUP]


def test_password_reset_sends_a_link_that_sets_a_new_password(client, user):
    response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = _link_in(mail.outbox[0])
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else path
    new = "another-long-passphrase-2026"
    done = client.post(set_url, {"password1": new, "password2": new})
    assert done.status_code == 302
    assert User.objects.get(pk=user.pk).check_password(new)


def test_curators_group_can_curate_domain_content():
    group = Group.objects.get(name="Curators")
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"change_unit", "change_person", "change_cancertype", "change_user"} <= codenames


def test_two_factor_setup_is_available_to_every_user(client, user):
    client.force_login(user)
    # allauth asks for the password again before a second factor is added.
    asked = client.get(reverse("mfa_activate_totp"))
    assert asked["Location"].startswith(reverse("account_reauthenticate"))
    client.post(asked["Location"], {"password": PASSWORD})
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200
    assert "authenticator" in response.content.decode().lower()


def test_admin_login_goes_through_the_site_login(client):
    # Staff use the same allauth login (and its second factor) instead of the admin's own form.
    response = client.get("/admin/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith("/accounts/login/?next=")


def test_email_change_requires_verifying_the_new_address(client, user):
    from allauth.account.models import EmailAddress

    client.force_login(user)
    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "moved@example.org"}
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["moved@example.org"]
    new = EmailAddress.objects.get(email="moved@example.org")
    assert not new.verified
    # Until the new address is confirmed, the login stays the old one.
    assert User.objects.get(pk=user.pk).email == user.email
