"""Accounts: the sign-up form (name and affiliation for the curators who approve), allauth's adapter,
and the approval services with their e-mail.

A new account waits for a curator's approval once its address is verified: then the curators are told
(through the task queue); when a curator approves it, the user is told.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ion_portal.mail import mail_enqueue_template
from ion_portal.models import CURATORS_GROUP, MEMBERS_GROUP, User


class SignupForm(forms.Form):
    """Extra sign-up fields (allauth's ACCOUNT_SIGNUP_FORM_CLASS): who is asking to join."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    affiliation = forms.CharField(
        label=_("Affiliation"),
        max_length=200,
        help_text=_(
            "Your department and institution, for example Medical Oncology, University Hospital. "
            "Curators use it to approve your account."
        ),
    )

    def signup(self, request, user):
        user.first_name = self.cleaned_data["first_name"]
        user.last_name = self.cleaned_data["last_name"]
        user.affiliation = self.cleaned_data["affiliation"]
        user.save(update_fields=["first_name", "last_name", "affiliation"])


def account_awaits_approval(*, user: User) -> bool:
    """Active, not staff and not yet in the Members group."""
    return User.objects.awaiting_approval().filter(pk=user.pk).exists()


def curator_addresses() -> list[str]:
    """The e-mail addresses of the active curators."""
    return sorted(
        User.objects.filter(groups__name=CURATORS_GROUP, is_active=True)
        .values_list("email", flat=True)
        .distinct()
    )


def _enqueue(template: str, *, to: list[str], subject: str, **context) -> None:
    mail_enqueue_template(f"ion_portal/email/{template}.txt", to=to, subject=subject, **context)


def account_approval_request(*, user: User) -> None:
    """Tell the curators that `user` awaits approval, with the name and affiliation to decide on."""
    url = settings.SITE_URL + reverse("admin:ion_portal_user_changelist") + "?membership=awaiting"
    _enqueue(
        "account_awaiting_approval",
        to=curator_addresses(),
        subject=gettext("Account awaiting approval: %(email)s") % {"email": user.email},
        account=user,
        url=url,
    )


def member_approve(*, user: User) -> bool:
    """Add `user` to the Members group and tell them; False (and no e-mail) if already a member."""
    group = Group.objects.get(name=MEMBERS_GROUP)
    if user.groups.filter(pk=group.pk).exists():
        return False
    user.groups.add(group)
    _enqueue(
        "account_approved",
        to=[user.email],
        subject=gettext("Your account has been approved"),
        account=user,
        url=settings.SITE_URL + reverse("account_overview"),
    )
    return True
