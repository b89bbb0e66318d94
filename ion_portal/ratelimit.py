"""The real client's address, and one fixed-window rate limit, for every limit in the portal.

`client_ip()` is the only place that reads the client address: allauth (through
`ion_portal.adapters.AccountAdapter`), the contact, referral and consult forms and the API throttle all
call it, so one setting, `TRUSTED_PROXY_COUNT` (or `TRUSTED_CLIENT_IP_HEADER`), decides for all of them.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def _valid_ip(value: str | None) -> str | None:
    value = (value or "").strip()
    if value.startswith("[") and "]" in value:  # [2001:db8::1]:443
        value = value[1 : value.index("]")]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """The address of the client, as far as the trusted proxies vouch for it.

    - `TRUSTED_CLIENT_IP_HEADER` set (e.g. `X-Real-IP`): that header, set by the proxy.
    - `TRUSTED_PROXY_COUNT = N > 0`: the N-th address from the right of `X-Forwarded-For` (each trusted
      proxy appends the address it saw; anything further left may be forged by the client). A shorter
      header than N proxies would write means the request skipped a proxy: its leftmost entry is used.
    - otherwise (default 0): the socket address, `REMOTE_ADDR`; the header is ignored, since any client
      could forge it to escape a limit.
    """
    remote = _valid_ip(request.META.get("REMOTE_ADDR")) or "unknown"
    header = settings.TRUSTED_CLIENT_IP_HEADER
    if header:
        return _valid_ip(request.headers.get(header)) or remote
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = request.headers.get("X-Forwarded-For", "")
    if count > 0 and forwarded:
        hops = [hop for hop in (part.strip() for part in forwarded.split(",")) if hop]
        if hops:
            return _valid_ip(hops[-min(count, len(hops))]) or remote
    return remote


def allow(
    request: HttpRequest, scope: str, limit: int, period: int = 3600, ident: str = ""
) -> bool:
    """Count one use of `scope` by this client; False once `limit` uses fell within `period` seconds.

    Keyed on `ident` if given (e.g. a user id) and otherwise on `client_ip()`. The counter lives in the
    default cache (Redis in production, shared by all workers; per process while Redis is down).
    """
    key = f"rate:{scope}:{ident or client_ip(request)}"
    if cache.add(key, 1, timeout=period):
        return limit >= 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=period)
        count = 1
    return count <= limit
