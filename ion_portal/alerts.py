"""Saved-search alerts, one mechanism for every app (collaborations' member alerts, trials' e-mail
subscriptions).

What is shared: how often a digest goes out and when one is due (a cron that fires a little early must
not skip a whole period), the saved query (cleaned of paging, turned back into FilterSet data), signed
tokens for one-click unsubscribe and for confirming a subscription (double opt-in), and the digest
e-mail itself with the List-Unsubscribe headers of RFC 2369 and RFC 8058. Each app keeps its own model
of a subscription and decides what is "new" for it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core import signing
from django.db import models
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from ion_portal.mail import SUBJECT_PREFIX, mail_send


class Frequency(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")


PERIODS = {Frequency.DAILY: timedelta(days=1), Frequency.WEEKLY: timedelta(days=7)}
# A cron that fires a few minutes early must not skip a whole period.
PERIOD_SLACK = timedelta(hours=1)
# Keys of a page's query string that are not part of a search.
NOT_A_FILTER = ("page", "csrfmiddlewaretoken", "fragment", "email", "frequency")


def is_due(*, since: datetime, frequency: str, now: datetime) -> bool:
    """Whether a digest of `frequency` last sent (or subscribed) at `since` is due at `now`."""
    return now - since >= PERIODS[frequency] - PERIOD_SLACK


def clean_query(query: dict) -> dict[str, list[str]]:
    """A saved filter: every value a list, paging and form plumbing dropped, empty values dropped."""
    cleaned = {}
    for key, values in query.items():
        if key in NOT_A_FILTER:
            continue
        values = values if isinstance(values, list) else [values]
        values = [str(v) for v in values if str(v) != ""]
        if values:
            cleaned[key] = values
    return cleaned


def query_data(query: dict) -> QueryDict:
    """A saved filter as the QueryDict a FilterSet expects."""
    data = QueryDict(mutable=True)
    for key, values in query.items():
        data.setlist(key, values if isinstance(values, list) else [values])
    return data


def make_token(pk: int, *, salt: str) -> str:
    return signing.dumps(pk, salt=salt)


def read_token(token: str, *, salt: str, max_age: timedelta | None = None) -> int | None:
    """The id a signed token names; None for a forged, malformed or (with max_age) expired one."""
    try:
        return signing.loads(token, salt=salt, max_age=max_age)
    except signing.BadSignature:  # SignatureExpired is a BadSignature
        return None


def unsubscribe_headers(url: str, *, one_click: bool = True) -> dict[str, str]:
    """RFC 2369 List-Unsubscribe, plus RFC 8058 one-click (mail clients POST to the URL, so the view
    must accept a POST without a CSRF token) when `one_click`."""
    headers = {"List-Unsubscribe": f"<{url}>"}
    if one_click:
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return headers


def send(*, subject: str, body: str, to: str, headers: dict[str, str] | None = None) -> None:
    """Send one alert e-mail (confirmation or digest; the sending command is the background job)."""
    mail_send(subject=SUBJECT_PREFIX + subject, body=body, to=[to], headers=headers)


def send_digest(*, subject: str, body: str, to: str, unsubscribe_url: str) -> None:
    """Send one digest with its one-click unsubscribe headers."""
    send(subject=subject, body=body, to=to, headers=unsubscribe_headers(unsubscribe_url))
