"""The ClinicalTrials.gov API v2 client: one study by NCT ID, with timeouts and polite retries."""

from __future__ import annotations

import logging
import socket
import time
import urllib.error
import urllib.request

from django.conf import settings

logger = logging.getLogger(__name__)


class FetchError(Exception):
    """The API did not give us the record; the message says why."""


def fetch_study(nct_id: str, *, sleep=time.sleep) -> bytes:
    """GET /studies/{nct_id} from CTGOV_API_URL with a timeout, retrying 429 (honouring Retry-After),
    5xx and timeouts; FetchError when it still fails."""
    base = settings.CTGOV_API_URL.rstrip("/")
    url = f"{base}/studies/{nct_id}?format=json"
    attempts = settings.CTGOV_RETRIES + 1
    last_problem = ""
    for attempt in range(1, attempts + 1):
        wait = settings.CTGOV_RETRY_BACKOFF * (2 ** (attempt - 1))
        request = urllib.request.Request(  # noqa: S310 (the base URL is a validated http(s) setting)
            url, headers={"Accept": "application/json", "User-Agent": "ION-Portal/1.0"}
        )
        try:
            with urllib.request.urlopen(request, timeout=settings.CTGOV_TIMEOUT) as response:  # noqa: S310
                return response.read()
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                raise FetchError("Not found on ClinicalTrials.gov (HTTP 404).") from exc
            if exc.code == 429:
                last_problem = "rate limited (HTTP 429)"
                retry_after = exc.headers.get("Retry-After", "")
                if retry_after.strip().isdigit():
                    wait = float(retry_after.strip())
            elif exc.code >= 500:
                last_problem = f"server error (HTTP {exc.code})"
            else:
                raise FetchError(f"ClinicalTrials.gov answered HTTP {exc.code}.") from exc
        except TimeoutError as exc:
            last_problem = f"timed out after {settings.CTGOV_TIMEOUT} s"
            logger.info("CT.gov %s: %s", nct_id, exc)
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError | socket.timeout):
                last_problem = f"timed out after {settings.CTGOV_TIMEOUT} s"
            else:
                raise FetchError(f"Cannot reach ClinicalTrials.gov: {exc.reason}.") from exc
        if attempt < attempts:
            sleep(min(wait, settings.CTGOV_MAX_RETRY_WAIT))
    raise FetchError(f"Gave up after {attempts} attempts: {last_problem}.")
