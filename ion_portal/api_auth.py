"""API access: partners' keys (`Authorization: Api-Key <key>`) and the per-client rate limits.

Set as DRF defaults in settings, so every app's endpoints get them without asking. A request that
sends a key which is wrong or revoked is refused (401): it never quietly falls back to anonymous,
otherwise a partner with a broken key would only notice when the lower limit bites.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.throttling import SimpleRateThrottle

from ion_portal.models import ApiKey
from ion_portal.ratelimit import client_ip

KEYWORD = "Api-Key"
# Writing last_used_at on every request would turn each read into a write; a minute's precision is
# plenty for "when was this key last used" in admin.
LAST_USED_PRECISION = timedelta(minutes=1)


class ApiKeyAuthentication(BaseAuthentication):
    """`Authorization: Api-Key <key>`: an active key authenticates, anything else sent is a 401."""

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None
        scheme, _sep, raw = header.strip().partition(" ")
        if scheme.lower() != KEYWORD.lower():
            raise exceptions.AuthenticationFailed(
                _("Unsupported authorization scheme: send 'Authorization: Api-Key <your key>'.")
            )
        raw = raw.strip()
        if not raw or " " in raw or len(raw) > 200:
            raise exceptions.AuthenticationFailed(_("Malformed API key."))
        key = self._lookup(raw)
        if key is None:
            revoked = ApiKey.objects.filter(hashed_key=ApiKey.hash(raw), revoked_at__isnull=False)
            if revoked.exists():
                raise exceptions.AuthenticationFailed(_("This API key has been revoked."))
            raise exceptions.AuthenticationFailed(_("Unknown API key."))
        self._touch(key)
        return (key.partner or AnonymousUser(), key)

    @staticmethod
    def _lookup(raw: str) -> ApiKey | None:
        """ApiKey.lookup, fetching the partner account in the same query."""
        key = (
            ApiKey.objects.active()
            .select_related("partner")
            .filter(prefix=raw.split(".", 1)[0])
            .first()
        )
        if key is None or not secrets.compare_digest(key.hashed_key, ApiKey.hash(raw)):
            return None
        return key

    @staticmethod
    def _touch(key: ApiKey) -> None:
        now = timezone.now()
        if key.last_used_at is None or now - key.last_used_at >= LAST_USED_PRECISION:
            ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
            key.last_used_at = now

    def authenticate_header(self, request):
        # Makes DRF answer 401 (with WWW-Authenticate) rather than 403.
        return KEYWORD


class ClientRateThrottle(SimpleRateThrottle):
    """Partners (valid key) at API_PARTNER_RATE per key; everyone else at API_ANON_RATE per client."""

    cache_format = "api-throttle:%(scope)s:%(ident)s"

    def __init__(self):
        # Rates are read per request (not at import) so they follow settings in tests and reloads.
        pass

    def allow_request(self, request, view):
        is_partner = isinstance(request.auth, ApiKey)
        self.scope = "partner" if is_partner else "anon"
        self.rate = settings.API_PARTNER_RATE if is_partner else settings.API_ANON_RATE
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        # Partners per key; everyone else per client address (the one reading: ratelimit.client_ip).
        is_partner = isinstance(request.auth, ApiKey)
        ident = f"key{request.auth.pk}" if is_partner else client_ip(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    """Describes the key header in the OpenAPI schema."""

    target_class = "ion_portal.api_auth.ApiKeyAuthentication"
    name = "ApiKeyAuth"
    priority = 1

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "Optional. Send `Api-Key <your key>` for the partner rate limit; without it you read "
                "at the anonymous rate. A wrong or revoked key is answered with 401."
            ),
        }
