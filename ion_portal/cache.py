"""The Redis cache, made to survive Redis going away: slower, never broken.

django-redis is the client. Its `IGNORE_EXCEPTIONS` alone is not enough for this portal: an ignored
`add()` answers None, so allauth's rate-limit lock spins for a second on every sign-in, and every counter
(allauth, the contact/referral/consult forms, the API throttles) silently stops counting. This backend
therefore answers from a per-process memory cache while Redis is unreachable:

- the first failure logs one warning and switches to the local cache for `RETRY_SECONDS` (default 5), so
  a Redis that hangs costs at most one socket timeout per worker per interval, not one per call;
- after that interval the next call tries Redis again; when it answers, it is used again (and one info
  line is logged), without a restart;
- rate limits keep counting in the fallback, per worker process, until Redis is back.

Configure it through `REDIS_URL` (see settings); the OPTIONS are django-redis's, plus `RETRY_SECONDS`.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache.backends.locmem import LocMemCache
from django_redis.cache import RedisCache
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("ion_portal.cache")

UNAVAILABLE = (ConnectionInterrupted, RedisConnectionError, RedisTimeoutError, OSError)

# The cache methods that reach the server; each is tried on Redis and answered locally on failure.
_METHODS = (
    "get",
    "set",
    "add",
    "delete",
    "get_many",
    "set_many",
    "delete_many",
    "incr",
    "decr",
    "has_key",
    "touch",
)


class FailoverRedisCache(RedisCache):
    """django-redis's cache with a local memory fallback while Redis is unreachable."""

    def __init__(self, server, params):
        params = dict(params)
        options = dict(params.get("OPTIONS") or {})
        self.retry_seconds = float(options.pop("RETRY_SECONDS", 5))
        options["IGNORE_EXCEPTIONS"] = (
            False  # failures come here, not to django-redis's ignore path
        )
        params["OPTIONS"] = options
        super().__init__(server, params)
        self.fallback = LocMemCache(f"failover-{server}", {"TIMEOUT": params.get("TIMEOUT", 300)})
        self._down_until = 0.0
        self._down = False
        self._lock = threading.Lock()

    @property
    def available(self) -> bool:
        """False while the fallback is in use (Redis failed less than RETRY_SECONDS ago)."""
        return not self._down

    def ping(self) -> bool:
        """Ask Redis itself, bypassing the fallback (for /healthz)."""
        try:
            ok = bool(self.client.get_client(write=False).ping())
        except UNAVAILABLE:
            self._failed()
            return False
        self._recovered()
        return ok

    def _failed(self) -> None:
        with self._lock:
            self._down_until = time.monotonic() + self.retry_seconds
            if not self._down:
                self._down = True
                logger.warning(
                    "Redis cache unreachable: using a per-process memory cache, retrying every %.0f s",
                    self.retry_seconds,
                )

    def _recovered(self) -> None:
        if self._down:
            with self._lock:
                if self._down:
                    self._down = False
                    logger.info("Redis cache reachable again: using it")

    def clear(self):
        """Empty both: what the fallback kept while Redis was down must not outlive a clear()."""
        self.fallback.clear()
        return self._call("clear")

    def _call(self, name, *args, **kwargs):
        if self._down and time.monotonic() < self._down_until:
            return getattr(self.fallback, name)(*args, **kwargs)
        try:
            result = getattr(super(), name)(*args, **kwargs)
        except UNAVAILABLE:
            self._failed()
            return getattr(self.fallback, name)(*args, **kwargs)
        self._recovered()
        return result


def _delegate(name):
    def method(self, *args, **kwargs):
        return self._call(name, *args, **kwargs)

    method.__name__ = name
    method.__doc__ = f"RedisCache.{name}, answered by the local cache while Redis is down."
    return method


for _name in _METHODS:
    setattr(FailoverRedisCache, _name, _delegate(_name))
