"""Trial alerts: subscribe by e-mail to a search (double opt-in), confirm, one-click unsubscribe, and the
daily or weekly digest of new trials and status changes that match. Built on the core's one alert
mechanism (ion_portal.alerts), which collaborations' member alerts use too.

What a digest holds, for a subscription last sent (or confirmed) at `since`:
- new trials: published after `since` and matching the search, status filter included;
- status changes: TrialChange rows of the overall status recorded after `since`, for trials matching
  the search with its status filter left out (a subscriber to open trials wants to hear that one closed).
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.core.cache import cache
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ion_portal import alerts
from ion_portal.sites import site_url

from .filters import TrialFilter, with_default_status
from .models import Trial, TrialAlert, TrialChange

CONFIRM_SALT = "trials.alerts.confirm"
UNSUBSCRIBE_SALT = "trials.alerts.unsubscribe"
CONFIRM_MAX_AGE = timedelta(days=7)


# Each subscription sends a confirmation e-mail to an address nobody has verified yet: limit how many a
# connection may ask for, and how many one address receives, so the form cannot be used to flood anyone.
SUBSCRIBE_PER_ADDRESS_PER_HOUR = 5
CONFIRMATIONS_PER_EMAIL_PER_DAY = 3


def _allow(key: str, limit: int, seconds: int) -> bool:
    count = cache.get(key, 0)
    if count >= limit:
        return False
    cache.set(key, count + 1, timeout=seconds)
    return True


def subscribe_allowed(*, address: str, email: str) -> bool:
    """Whether this connection and this e-mail address may ask for one more confirmation e-mail."""
    email_key = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    return _allow(f"trial-alert-ip:{address}", SUBSCRIBE_PER_ADDRESS_PER_HOUR, 3600) and _allow(
        f"trial-alert-email:{email_key}", CONFIRMATIONS_PER_EMAIL_PER_DAY, 86400
    )


class AlertError(ValueError):
    """The subscription cannot be made; the message says why."""


def _filterset(query: dict) -> TrialFilter:
    return TrialFilter(alerts.query_data(query), queryset=Trial.objects.published())


def alert_subscribe(*, email: str, query: dict, frequency: str, language: str) -> TrialAlert:
    """Record a subscription (not active until confirmed) and send the confirmation e-mail."""
    if frequency not in alerts.Frequency.values:
        raise AlertError(_("Choose how often you want the alert."))
    # The page's default (open trials) is part of what the visitor saw: save it explicitly.
    query = alerts.clean_query(dict(with_default_status(alerts.query_data(query)).lists()))
    filterset = _filterset(query)
    if not filterset.is_valid():
        raise AlertError(
            _("This search cannot be saved: %(errors)s")
            % {"errors": "; ".join(" ".join(v) for v in filterset.errors.values())}
        )
    alert = TrialAlert.objects.create(
        email=email.strip(), query=query, frequency=frequency, language=language[:10]
    )
    confirm = site_url(
        reverse("trials:alert_confirm", args=[alerts.make_token(alert.pk, salt=CONFIRM_SALT)])
    )
    with translation.override(alert.language):
        body = render_to_string(
            "trials/email/alert_confirm.txt",
            {"alert": alert, "description": describe(query), "confirm_url": confirm},
        )
        subject = _("Confirm your trial alert")
    alerts.send(subject=subject, body=body, to=alert.email)
    return alert


def alert_for_confirm_token(token: str) -> TrialAlert | None:
    pk = alerts.read_token(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    return TrialAlert.objects.filter(pk=pk).first() if pk is not None else None


def alert_confirm(*, token: str) -> TrialAlert | None:
    """Activate the subscription a confirmation token names (valid for a week); None if bad."""
    alert = alert_for_confirm_token(token)
    if alert is not None and alert.confirmed_at is None:
        alert.confirmed_at = timezone.now()
        alert.save(update_fields=["confirmed_at"])
    return alert


def unsubscribe_url(alert: TrialAlert) -> str:
    token = alerts.make_token(alert.pk, salt=UNSUBSCRIBE_SALT)
    return site_url(reverse("trials:alert_unsubscribe", args=[token]))


def alert_for_token(token: str) -> TrialAlert | None:
    pk = alerts.read_token(token, salt=UNSUBSCRIBE_SALT)
    return TrialAlert.objects.filter(pk=pk).first() if pk is not None else None


def alert_unsubscribe(*, token: str) -> TrialAlert | None:
    """Stop the subscription an unsubscribe token names; None for a bad or forged token."""
    alert = alert_for_token(token)
    if alert is not None and alert.is_active:
        alert.is_active = False
        alert.save(update_fields=["is_active"])
    return alert


def describe(query: dict) -> str:
    """The search in words, for the e-mails: "melanoma; status: open; age: 45"."""
    bits = []
    for key, values in query.items():
        values = values if isinstance(values, list) else [values]
        bits.append(", ".join(values) if key == "q" else f"{key}: {', '.join(values)}")
    return "; ".join(bits) or _("all trials")


def digest_for(alert: TrialAlert, *, since, now) -> tuple[list[Trial], list[TrialChange]]:
    """The new trials and status changes matching the alert's search in (since, now]."""
    filterset = _filterset(alert.query)
    if not filterset.is_valid():
        return [], []
    new = list(
        filterset.qs.filter(published_at__gt=since, published_at__lte=now).order_by(
            "published_at", "nct_id"
        )
    )
    matching = filterset.queryset_without("status").values("pk")
    changes = list(
        TrialChange.objects.filter(
            Q(field=TrialChange.Field.STATUS),
            trial__in=matching,
            recorded_at__gt=since,
            recorded_at__lte=now,
        )
        .exclude(trial__in=[t.pk for t in new])
        .select_related("trial")
        .order_by("recorded_at", "pk")
    )
    return new, changes


def trial_alerts_send(*, frequency: str, now=None) -> int:
    """Send the due digests of `frequency`; an alert with nothing new is checked but not mailed."""
    now = now or timezone.now()
    sent = 0
    for alert in TrialAlert.objects.active().filter(frequency=frequency):
        since = alert.last_sent_at or alert.confirmed_at
        if not alerts.is_due(since=since, frequency=frequency, now=now):
            continue
        new, changes = digest_for(alert, since=since, now=now)
        alert.last_sent_at = now
        alert.save(update_fields=["last_sent_at"])
        if not new and not changes:
            continue
        unsubscribe = unsubscribe_url(alert)
        with translation.override(alert.language):
            body = render_to_string(
                "trials/email/alert_digest.txt",
                {
                    "alert": alert,
                    "description": describe(alert.query),
                    "new": [(t, site_url(t.get_absolute_url())) for t in new],
                    "changes": [(c, site_url(c.trial.get_absolute_url())) for c in changes],
                    "search_url": site_url(reverse("trials:list"))
                    + "?"
                    + alerts.query_data(alert.query).urlencode(),
                    "unsubscribe_url": unsubscribe,
                },
            )
            subject = _("Trial alert: %(search)s") % {"search": describe(alert.query)[:80]}
        alerts.send_digest(subject=subject, body=body, to=alert.email, unsubscribe_url=unsubscribe)
        sent += 1
    return sent
