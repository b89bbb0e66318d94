"""Services of the collaborations app: linking collections to trials, and saved-search alerts (the request
workflow is in collaborations.workflow, the matching glue in collaborations.match_queries)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from collaborations.filters import CollectionFilter, PlatformFilter
from collaborations.models import Platform, SampleCollection, SavedSearch, parse_nct_ids
from collaborations.request_mail import mail_template as _mail
from collaborations.workflow import TransitionError
from ion_portal import alerts
from ion_portal.models import is_member
from ion_portal.sites import site_url
from trials.models import Trial


def collection_link_trials(*, collection: SampleCollection, nct_ids: list[str] | str) -> None:
    """Link a collection to trials by NCT ID: trials in the registry (published or not) as a relation,
    the others kept as text (linking again once the registry has them moves them over)."""
    wanted = (
        parse_nct_ids(nct_ids) if isinstance(nct_ids, str) else parse_nct_ids(" ".join(nct_ids))
    )
    known = list(Trial.objects.filter(nct_id__in=wanted))
    collection.linked_trials.set(known)
    found = {trial.nct_id for trial in known}
    collection.other_nct_ids = ", ".join(n for n in wanted if n not in found)
    collection.save(update_fields=["other_nct_ids"])


# --- Saved-search alerts -------------------------------------------------------------------------------

UNSUBSCRIBE_SALT = "collaborations.alerts.unsubscribe"
# The schedule, saved queries, tokens and headers are the core's one alert mechanism (ion_portal.alerts).
PERIODS = alerts.PERIODS
PERIOD_SLACK = alerts.PERIOD_SLACK


def _filterset(*, kind: str, query: dict):

    data = alerts.query_data(query)
    if kind == SavedSearch.Kind.PLATFORMS:
        return PlatformFilter(data, queryset=Platform.objects.published())
    return CollectionFilter(data, queryset=SampleCollection.objects.published())


def search_queryset(*, kind: str, query: dict):
    """Published resources matching a saved filter, through the same FilterSet as the page."""
    filterset = _filterset(kind=kind, query=query)
    # An invalid value would otherwise be dropped silently and widen the search: match nothing.
    return filterset.qs if filterset.is_valid() else filterset.queryset.none()


def saved_search_create(
    *, user, kind: str, query: dict, frequency: str, name: str = ""
) -> SavedSearch:
    """Save a member's filter as an alert."""
    if not is_member(user):
        raise TransitionError(_("Only approved members can save alerts."))
    query = alerts.clean_query(query)
    if kind not in SavedSearch.Kind.values:
        raise TransitionError(_("Unknown directory."))
    filterset = _filterset(kind=kind, query=query)
    if not filterset.is_valid():
        raise TransitionError(
            _("This filter cannot be saved: %(errors)s")
            % {"errors": "; ".join(f"{k}: {' '.join(v)}" for k, v in filterset.errors.items())}
        )
    return SavedSearch.objects.create(
        user=user,
        kind=kind,
        query=query,
        frequency=frequency,
        name=name or describe_query(kind=kind, query=query),
    )


def describe_query(*, kind: str, query: dict) -> str:
    """A short readable name for a saved filter."""
    label = _("Platforms") if kind == SavedSearch.Kind.PLATFORMS else _("Sample collections")
    bits = []
    for key, values in sorted(query.items()):
        values = values if isinstance(values, list) else [values]
        bits.append(f"{key}: {', '.join(values)}")
    return f"{label} ({'; '.join(bits)})" if bits else str(label)


def unsubscribe_token(search: SavedSearch) -> str:
    return alerts.make_token(search.pk, salt=UNSUBSCRIBE_SALT)


def alert_unsubscribe(*, token: str) -> SavedSearch | None:
    """Deactivate the saved search a signed token names; None for a bad or forged token."""
    pk = alerts.read_token(token, salt=UNSUBSCRIBE_SALT)
    if pk is None:
        return None
    search = SavedSearch.objects.filter(pk=pk).first()
    if search is not None and search.is_active:
        search.is_active = False
        search.save(update_fields=["is_active"])
    return search


def alerts_send(*, frequency: str, now=None) -> int:
    """Send due digests of newly published matches for saved searches of `frequency`."""

    now = now or timezone.now()
    sent = 0
    searches = SavedSearch.objects.filter(
        is_active=True, frequency=frequency, user__is_active=True
    ).select_related("user")
    for search in searches:
        since = search.last_sent_at or search.created_at
        if not alerts.is_due(since=since, frequency=frequency, now=now):
            continue
        new = list(
            search_queryset(kind=search.kind, query=search.query)
            .filter(published_at__gt=since, published_at__lte=now)
            .select_related("unit")
            .order_by("published_at", "name")
        )
        search.last_sent_at = now
        search.save(update_fields=["last_sent_at"])
        if not new or not is_member(search.user):
            continue
        unsubscribe = site_url(
            reverse("collaborations:alert_unsubscribe", args=[unsubscribe_token(search)])
        )
        _mail(
            "alert_digest",
            to=[search.user.email],
            subject=_("New in the collaborations directory: %(name)s") % {"name": search.name},
            headers=alerts.unsubscribe_headers(unsubscribe, one_click=False),
            search=search,
            items=[(obj, site_url(obj.get_absolute_url())) for obj in new],
            unsubscribe_url=unsubscribe,
        )
        sent += 1
    return sent
