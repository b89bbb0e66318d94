"""Keep the registry live: refresh every imported trial whose record changed on ClinicalTrials.gov.

`ctgov_sync()` asks the API v2 `/studies` endpoint for our own NCT IDs (`filter.ids`, in chunks) that
were updated upstream since the last successful run
(`filter.advanced=AREA[LastUpdatePostDate]RANGE[<date>,MAX]`), follows `nextPageToken` until the last
page, waits as long as a 429's Retry-After says (and retries 5xx and timeouts), and imports what comes
back through the normal import (`trials.services.import_records`), so curated fields stay untouched.
Every change of status, dates, enrolment, sites and arms is written to the trial's history
(trials/history.py); each run leaves a SyncRun with its counts and report.

ClinicalTrials.gov refreshes its data once a weekday, so a daily run is enough (research/trials.md §1.4).
The run's lower bound is the start date of the previous successful run, minus one day: the API's
last-update dates are days, and a record posted late on that day must not fall between two runs.
"""

from __future__ import annotations

import json
import logging
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone

from .models import Trial
from .models_history import SyncRun
from .services import import_records, parse_payload

logger = logging.getLogger(__name__)

CHUNK = 100  # NCT IDs per request: keeps the URL short, and pageSize covers a whole chunk
PAGE_SIZE = 100
MAX_PAGES = 1000  # a guard against an API that keeps sending a next-page token
NOT_SYNCED = (Trial.Source.MANUAL, Trial.Source.SYNTHETIC)


class SyncError(Exception):
    """The API did not answer usefully; the message says why."""


def _get_json(url: str, *, sleep) -> dict:
    attempts = settings.CTGOV_RETRIES + 1
    problem = ""
    for attempt in range(1, attempts + 1):
        wait = settings.CTGOV_RETRY_BACKOFF * (2 ** (attempt - 1))
        request = urllib.request.Request(  # noqa: S310 (the base URL is a validated http(s) setting)
            url, headers={"Accept": "application/json", "User-Agent": "ION-Portal/1.0"}
        )
        try:
            with urllib.request.urlopen(request, timeout=settings.CTGOV_TIMEOUT) as response:  # noqa: S310
                return json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            if exc.code == 429:
                problem = "rate limited (HTTP 429)"
                retry_after = (exc.headers.get("Retry-After") or "").strip()
                if retry_after.isdigit():
                    wait = float(retry_after)
            elif exc.code >= 500:
                problem = f"server error (HTTP {exc.code})"
            else:
                raise SyncError(f"ClinicalTrials.gov answered HTTP {exc.code} for {url}.") from exc
        except TimeoutError:
            problem = f"timed out after {settings.CTGOV_TIMEOUT} s"
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, (TimeoutError, socket.timeout)):
                problem = f"timed out after {settings.CTGOV_TIMEOUT} s"
            else:
                raise SyncError(f"Cannot reach ClinicalTrials.gov: {exc.reason}.") from exc
        except (ValueError, UnicodeDecodeError) as exc:
            raise SyncError(f"ClinicalTrials.gov sent something that is not JSON: {exc}.") from exc
        if attempt < attempts:
            sleep(min(wait, settings.CTGOV_MAX_RETRY_WAIT))
    raise SyncError(f"Gave up after {attempts} attempts: {problem}.")


def studies_url(nct_ids: list[str], since: date | None, page_token: str = "") -> str:
    """The /studies URL for one page of our NCT IDs changed since a date."""
    params = {"format": "json", "filter.ids": ",".join(nct_ids), "pageSize": str(PAGE_SIZE)}
    if since:
        params["filter.advanced"] = f"AREA[LastUpdatePostDate]RANGE[{since.isoformat()},MAX]"
    if page_token:
        params["pageToken"] = page_token
    return f"{settings.CTGOV_API_URL.rstrip('/')}/studies?{urllib.parse.urlencode(params)}"


def default_since() -> date | None:
    """One day before the start of the last successful run; None (check everything) at first."""
    last = SyncRun.objects.filter(outcome=SyncRun.Outcome.DONE).order_by("-started_at").first()
    if last is None:
        return None
    return timezone.localtime(last.started_at).date() - timedelta(days=1)


def ctgov_sync(
    *, since: date | None = None, full: bool = False, triggered_by: str = "", sleep=time.sleep
) -> SyncRun:
    """Refresh the imported trials changed upstream since `since` (default: see default_since();
    `full` checks every trial); returns the finished SyncRun."""
    since = None if full else (since or default_since())
    run = SyncRun.objects.create(since=since, triggered_by=triggered_by[:200])
    ours = list(
        Trial.objects.exclude(source__in=NOT_SYNCED)
        .order_by("nct_id")
        .values_list("nct_id", flat=True)
    )
    run.checked = len(ours)
    lines: list[str] = []
    try:
        for start in range(0, len(ours), CHUNK):
            chunk = ours[start : start + CHUNK]
            wanted = set(chunk)
            token = ""
            for page_number in range(1, MAX_PAGES + 1):
                payload = _get_json(studies_url(chunk, since, token), sleep=sleep)
                run.requests += 1
                records = [
                    r
                    for r in parse_payload(
                        json.dumps({"studies": payload.get("studies") or []}),
                        label=f"page {start // CHUNK + 1}.{page_number}",
                        source=Trial.Source.API,
                    )
                    if r.study is None or _nct_id(r.study) in wanted
                ]
                run.changed_upstream += len(records)
                report = import_records(records, history=True, run=run)
                run.changes += report.changes
                run.updated += report.count("updated")
                run.unchanged += report.count("unchanged")
                run.failed += report.count("failed")
                lines.extend(str(r) for r in report.results if r.outcome != "unchanged")
                token = payload.get("nextPageToken") or ""
                if not token:
                    break
        run.outcome = SyncRun.Outcome.FAILED if run.failed else SyncRun.Outcome.DONE
    except SyncError as exc:
        run.outcome = SyncRun.Outcome.FAILED
        lines.append(f"STOPPED  {exc}")
        logger.warning("CT.gov sync stopped: %s", exc)
    run.finished_at = timezone.now()
    run.report = "\n".join([run.summary(), *lines])
    run.save()
    return run


def _nct_id(study: dict) -> str:
    return ((study.get("protocolSection") or {}).get("identificationModule") or {}).get("nctId", "")
