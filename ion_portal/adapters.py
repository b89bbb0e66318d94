"""allauth hooks: its rate limits key on the same client address as every other limit."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter

from ion_portal.ratelimit import client_ip


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request) -> str:
        # allauth's own reading raises ImproperlyConfigured (a 500) on a short X-Forwarded-For.
        return client_ip(request)
