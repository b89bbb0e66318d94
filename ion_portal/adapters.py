"""allauth hooks: its rate limits key on the same client address as every other limit, the links in its
e-mails use the public address (SITE_URL), not the host the request happened to reach, and a verified
address of an account awaiting approval tells the curators (ion_portal.accounts)."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter

from ion_portal.accounts import account_approval_request, account_awaits_approval
from ion_portal.ratelimit import client_ip
from ion_portal.sites import site_url


class AccountAdapter(DefaultAccountAdapter):
    def confirm_email(self, request, email_address) -> bool:
        confirmed = super().confirm_email(request, email_address)
        user = email_address.user
        if confirmed and account_awaits_approval(user=user):
            account_approval_request(user=user)
        return confirmed

    def get_client_ip(self, request) -> str:
        # allauth's own reading raises ImproperlyConfigured (a 500) on a short X-Forwarded-For.
        return client_ip(request)

    def get_reset_password_from_key_url(self, key: str) -> str:
        return site_url(super().get_reset_password_from_key_url(key))

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        return site_url(super().get_email_confirmation_url(request, emailconfirmation))
