"""Sign-up asks for name and affiliation; curators hear of an account awaiting approval; the user hears
of the approval. All e-mail goes through the task queue and lands in Django's outbox."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.tasks.base import TaskResultStatus
from django.test import Client
from django.urls import reverse

from ion_portal.models import CURATORS_GROUP, MEMBERS_GROUP, User
from tests.factories import PASSWORD, give_second_factor, make_user

SIGN_UP = {
    "email": "researcher@example.org",
    "password1": PASSWORD,
    "password2": PASSWORD,
    "first_name": "Roos",
    "last_name": "Onderzoeker",
    "affiliation": "Laboratory of Tumour Immunology, University",
}


def _sign_up_and_verify(client) -> User:
    response = client.post(reverse("account_signup"), SIGN_UP)
    assert response.status_code == 302
    (verification,) = mail.outbox
    link = re.search(r"https?://\S+", verification.body).group(0)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    assert client.post(path).status_code == 302
    return User.objects.get(email=SIGN_UP["email"])


@pytest.mark.django_db
def test_sign_up_without_name_or_affiliation_is_refused(client):
    data = {key: value for key, value in SIGN_UP.items() if key != "affiliation"}
    response = client.post(reverse("account_signup"), data)
    assert response.status_code == 200
    assert "affiliation" in response.context["form"].errors
    assert not User.objects.filter(email=SIGN_UP["email"]).exists()


@pytest.mark.django_db
def test_sign_up_page_asks_for_name_and_affiliation(client):
    html = client.get(reverse("account_signup")).content.decode()
    for name in ("first_name", "last_name", "affiliation"):
        assert f'name="{name}"' in html


@pytest.mark.django_db
def test_sign_up_curator_email_approval_user_email(client):
    curator = give_second_factor(
        make_user("curator@example.org", groups=(CURATORS_GROUP,), is_staff=True)
    )
    make_user("member@example.org", groups=(MEMBERS_GROUP,))  # not a curator: never told

    user = _sign_up_and_verify(client)
    assert (user.first_name, user.last_name, user.affiliation) == (
        "Roos",
        "Onderzoeker",
        "Laboratory of Tumour Immunology, University",
    )
    # Verification mail, then one mail to the curators (and only them).
    assert len(mail.outbox) == 2
    to_curators = mail.outbox[1]
    assert to_curators.to == ["curator@example.org"]
    assert "researcher@example.org" in to_curators.subject
    assert "Roos Onderzoeker" in to_curators.body
    assert "Laboratory of Tumour Immunology, University" in to_curators.body
    assert "/admin/ion_portal/user/?membership=awaiting" in to_curators.body

    admin = Client()
    admin.force_login(curator)
    changelist = admin.get(reverse("admin:ion_portal_user_changelist"), {"membership": "awaiting"})
    assert "Laboratory of Tumour Immunology, University" in changelist.content.decode()
    response = admin.post(
        reverse("admin:ion_portal_user_changelist"),
        {"action": "approve_members", "_selected_action": [user.pk]},
    )
    assert response.status_code == 302
    assert User.objects.get(pk=user.pk).is_member
    assert len(mail.outbox) == 3
    approved = mail.outbox[2]
    assert approved.to == ["researcher@example.org"]
    assert "approved" in approved.subject
    assert "Dear Roos Onderzoeker" in approved.body
    assert "/account/" in approved.body

    # Approving again changes nothing and mails nobody.
    admin.post(
        reverse("admin:ion_portal_user_changelist"),
        {"action": "approve_members", "_selected_action": [user.pk]},
    )
    assert len(mail.outbox) == 3


@pytest.mark.django_db
def test_staff_confirming_an_address_do_not_alert_the_curators(client):
    make_user("curator@example.org", groups=(CURATORS_GROUP,), is_staff=True)
    from allauth.account.models import EmailAddress

    from ion_portal.adapters import AccountAdapter

    staff = make_user("staff@example.org", verified=False, is_staff=True)
    request = Client().get("/").wsgi_request
    AccountAdapter(request).confirm_email(request, EmailAddress.objects.get(user=staff))
    assert EmailAddress.objects.get(user=staff).verified
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_curator_email_waits_in_the_database_queue_until_a_worker_sends_it(settings, client):
    from django.contrib.auth.models import Group
    from django_tasks_db.models import DBTaskResult

    from ion_portal.models import CancerType
    from ion_portal.vocabularies import seed_core_vocabularies

    seed_core_vocabularies(Group, CancerType)  # a transactional test starts from an empty database
    make_user("curator@example.org", groups=(CURATORS_GROUP,), is_staff=True)
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    _sign_up_and_verify(client)
    assert len(mail.outbox) == 1  # only allauth's verification mail, sent in the request
    queued = DBTaskResult.objects.get()
    assert queued.status == TaskResultStatus.READY

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert len(mail.outbox) == 2
    assert mail.outbox[1].to == ["curator@example.org"]
