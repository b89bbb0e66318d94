"""Services of the collaborations app: matching (loading profiles for collaborations.matching), the
collaboration request workflow with its e-mails and reminders, and saved-search alerts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from collaborations.matching import (
    MAX_SHOWN,
    CollectionProfile,
    Match,
    PlatformProfile,
    Vocabulary,
    rank,
    score_pair,
    score_platform,
)
from collaborations.models import (
    AccessCondition,
    CollaborationRequest,
    DataType,
    Platform,
    RequestEvent,
    RequestItem,
    SampleCollection,
    SampleType,
    SavedSearch,
    Technique,
    TechniqueSampleType,
    TherapyClass,
    Timepoint,
)
from collaborations.tasks import send_email
from ion_portal import alerts
from ion_portal.models import CURATORS_GROUP, CancerType, Person, User, is_curator, is_member

State = CollaborationRequest.State
Answer = RequestItem.Answer


# --- Matching ------------------------------------------------------------------------------------------


def matching_vocabulary() -> Vocabulary:
    """Load every term name and the compatibility table (seven small queries)."""
    v = Vocabulary()
    v.techniques = dict(Technique.objects.values_list("pk", "name"))
    v.sample_types = dict(SampleType.objects.values_list("pk", "name"))
    for pk, name, parent in CancerType.objects.values_list("pk", "name", "parent_id"):
        v.cancer_types[pk] = name
        v.cancer_parent[pk] = parent
    v.timepoints = dict(Timepoint.objects.values_list("pk", "name"))
    v.data_types = dict(DataType.objects.values_list("pk", "name"))
    v.access_conditions = dict(AccessCondition.objects.values_list("pk", "name"))
    v.therapy_classes = {code: str(label) for code, label in TherapyClass.choices}
    for technique, sample_type, weight in TechniqueSampleType.objects.values_list(
        "technique_id", "sample_type_id", "weight"
    ):
        v.compatibility.setdefault(technique, {})[sample_type] = weight
    return v


def platform_profiles(platforms, vocabulary: Vocabulary) -> list[PlatformProfile]:
    """Profiles of platforms loaded with `with_relations()`."""
    credit_cache: dict[frozenset, dict] = {}
    profiles = []
    for p in platforms:
        techniques = tuple(sorted(t.pk for t in p.techniques.all()))
        accepted = {s.pk for s in p.sample_types.all()}
        inputs = tuple(
            {
                s: w
                for s, w in vocabulary.compatibility.get(t, {}).items()
                if not accepted or s in accepted
            }
            for t in techniques
        )
        focus = frozenset(c.pk for c in p.cancer_types.all())
        if focus not in credit_cache:
            credit_cache[focus] = vocabulary.cancer_credit_map(focus)
        profiles.append(
            PlatformProfile(
                pk=p.pk,
                name=p.name,
                unit_id=p.unit_id,
                obj=p,
                techniques=techniques,
                technique_inputs=inputs,
                cancer_focus=focus,
                cancer_credit=credit_cache[focus],
                timepoints=frozenset(t.pk for t in p.timepoints.all()),
                therapy_classes=frozenset(p.therapy_classes),
                data_types=frozenset(d.pk for d in p.data_types.all()),
                not_met=frozenset(a.pk for a in p.access_conditions_not_met.all()),
            )
        )
    return profiles


def collection_profiles(collections) -> list[CollectionProfile]:
    """Profiles of collections loaded with `with_relations()`."""
    return [
        CollectionProfile(
            pk=c.pk,
            name=c.name,
            unit_id=c.unit_id,
            obj=c,
            sample_types=frozenset(s.pk for s in c.sample_types.all()),
            cancer_types=frozenset(t.pk for t in c.cancer_types.all()),
            timepoints=frozenset(t.pk for t in c.timepoints.all()),
            therapy_classes=frozenset(c.therapy_classes),
            data_types=frozenset(d.pk for d in c.data_types.all()),
            access_conditions=frozenset(a.pk for a in c.access_conditions.all()),
        )
        for c in collections
    ]


def match_all(
    *, platforms: list[PlatformProfile], collections: list[CollectionProfile], vocabulary
) -> list[tuple]:
    """Score every platform x collection pair: rows (platform, collection, score, part values,
    excluded), excluded pairs included and marked; `rank` keeps and explains the shown ones."""
    found = []
    for platform in platforms:
        found.extend(score_platform(platform, collections, vocabulary))
    return found


def match_pair(*, platform: Platform, collection: SampleCollection) -> Match:
    """Score one platform and one collection (excluded pairs come back marked, with reasons)."""
    vocabulary = matching_vocabulary()
    platform = Platform.objects.with_relations().get(pk=platform.pk)
    collection = SampleCollection.objects.with_relations().get(pk=collection.pk)
    return score_pair(
        platform_profiles([platform], vocabulary)[0],
        collection_profiles([collection])[0],
        vocabulary,
    )


def matches_for_platform(*, platform: Platform, limit: int = MAX_SHOWN) -> list[Match]:
    """Published collections this platform could analyse, best first, with reasons."""
    vocabulary = matching_vocabulary()
    profile = platform_profiles([platform], vocabulary)[0]
    collections = collection_profiles(SampleCollection.objects.published().with_relations())
    return rank(score_platform(profile, collections, vocabulary), vocabulary)[:limit]


def matches_for_collection(*, collection: SampleCollection, limit: int = MAX_SHOWN) -> list[Match]:
    """Published platforms that could work with this collection's samples, best first."""
    vocabulary = matching_vocabulary()
    profile = collection_profiles([collection])[0]
    platforms = platform_profiles(Platform.objects.published().with_relations(), vocabulary)
    rows = [score_platform(p, [profile], vocabulary)[0] for p in platforms]
    return rank(rows, vocabulary)[:limit]


def units_in_contact() -> set[frozenset[int]]:
    """Pairs of units already linked by a collaboration request (any state but declined)."""
    pairs: set[frozenset[int]] = set()
    requests = (
        CollaborationRequest.objects.exclude(state=State.DECLINED)
        .select_related("requester__person")
        .prefetch_related("items__platform", "items__collection")
    )
    for request in requests:
        units = {item.resource.unit_id for item in request.items.all()}
        person = getattr(request.requester, "person", None)
        if person is not None and person.unit_id:
            units.add(person.unit_id)
        for a in units:
            for b in units:
                if a != b:
                    pairs.add(frozenset((a, b)))
    return pairs


def suggested_pairs(*, limit: int = 25) -> list[Match]:
    """The best lab-clinic pairs whose units are not yet in contact, for curators."""
    vocabulary = matching_vocabulary()
    platforms = platform_profiles(Platform.objects.published().with_relations(), vocabulary)
    collections = collection_profiles(SampleCollection.objects.published().with_relations())
    contact = units_in_contact()
    ranked = rank(
        match_all(platforms=platforms, collections=collections, vocabulary=vocabulary), vocabulary
    )
    return [
        m
        for m in ranked
        if m.platform.unit_id != m.collection.unit_id
        and frozenset((m.platform.unit_id, m.collection.unit_id)) not in contact
    ][:limit]


# --- Request workflow ----------------------------------------------------------------------------------


class TransitionError(Exception):
    """An action the request's state or the user's role does not allow; the message says why."""


@dataclass(frozen=True)
class Action:
    from_states: tuple[str, ...]
    to_state: str
    roles: tuple[str, ...]  # "curator", "requester"
    needs_comment: bool = False


ACTIONS: dict[str, Action] = {
    "forward": Action((State.SUBMITTED,), State.FORWARDED, ("curator",)),
    "return": Action((State.SUBMITTED,), State.RETURNED, ("curator",), needs_comment=True),
    "decline": Action((State.SUBMITTED,), State.DECLINED, ("curator",), needs_comment=True),
    "resubmit": Action((State.RETURNED,), State.SUBMITTED, ("requester",)),
    "close": Action(CollaborationRequest.OPEN_STATES, State.CLOSED, ("curator", "requester")),
}


def _roles(request: CollaborationRequest, user) -> set[str]:
    roles = set()
    if is_curator(user):
        roles.add("curator")
    if user.is_authenticated and request.requester_id == user.pk:
        roles.add("requester")
    return roles


def request_refusal(*, request: CollaborationRequest, user, action: str, comment: str = "") -> str:
    """Why `user` may not take `action` on `request` now ("" when allowed)."""
    rule = ACTIONS.get(action)
    if rule is None:
        return _("Unknown action.")
    if not _roles(request, user) & set(rule.roles):
        return {
            "forward": _("Only a curator may forward this request."),
            "return": _("Only a curator may return this request."),
            "decline": _("Only a curator may decline this request."),
            "resubmit": _("Only the requester may resubmit this request."),
            "close": _("Only the requester or a curator may close this request."),
        }[action]
    if request.state not in rule.from_states:
        return _("A request that is “%(state)s” cannot be %(action)s.") % {
            "state": request.get_state_display(),
            "action": {
                "forward": _("forwarded"),
                "return": _("returned"),
                "decline": _("declined"),
                "resubmit": _("resubmitted"),
                "close": _("closed"),
            }[action],
        }
    if rule.needs_comment and not comment.strip():
        return _("Please say why in a comment.")
    return ""


def allowed_actions(*, request: CollaborationRequest, user) -> list[str]:
    """The request-level actions `user` may take now (comments aside)."""
    return [
        name
        for name, rule in ACTIONS.items()
        if not request_refusal(request=request, user=user, action=name, comment="-")
    ]


def _record(request, *, actor, action, from_state="", to_state="", comment="", item=None):
    now = timezone.now()
    RequestEvent.objects.create(
        request=request,
        item=item,
        actor=actor,
        action=action,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        created_at=now,
    )
    request.last_activity_at = now
    request.reminded_at = None
    request.save(update_fields=["state", "last_activity_at", "reminded_at"])


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def curator_emails() -> list[str]:
    return sorted(
        User.objects.filter(groups__name=CURATORS_GROUP, is_active=True)
        .values_list("email", flat=True)
        .distinct()
    )


def _mail(template: str, *, to: list[str], subject: str, headers=None, **context) -> None:
    to = [address for address in to if address]
    if not to:
        return
    body = render_to_string(f"collaborations/email/{template}.txt", context)
    send_email.enqueue(subject=f"[ION Portal] {subject}", body=body, to=to, headers=headers or {})


def provider_addresses(item: RequestItem) -> list[str]:
    """Where a provider's e-mail goes: the resource's contact, else the curators (nothing lost)."""
    return [item.provider_email] if item.provider_email else curator_emails()


def request_create(
    *,
    requester,
    platforms=(),
    collections=(),
    title: str,
    project_summary: str,
    intended_use: str,
    ethics_status: str,
    acknowledge_network: bool,
    discuss_coauthorship: bool,
    report_back: bool,
) -> CollaborationRequest:
    """Create a submitted request for published resources and tell the curators."""
    if not is_member(requester):
        raise TransitionError(_("Only approved members can send collaboration requests."))
    platforms = [p for p in platforms if p.is_published]
    collections = [c for c in collections if c.is_published]
    if not platforms and not collections:
        raise TransitionError(_("Choose at least one platform or sample collection."))
    if not (acknowledge_network and discuss_coauthorship and report_back):
        raise TransitionError(_("Every commitment must be accepted."))
    with transaction.atomic():
        request = CollaborationRequest.objects.create(
            requester=requester,
            title=title,
            project_summary=project_summary,
            intended_use=intended_use,
            ethics_status=ethics_status,
            acknowledge_network=acknowledge_network,
            discuss_coauthorship=discuss_coauthorship,
            report_back=report_back,
        )
        RequestItem.objects.bulk_create(
            [RequestItem(request=request, platform=p) for p in platforms]
            + [RequestItem(request=request, collection=c) for c in collections]
        )
        _record(request, actor=requester, action="submitted", to_state=State.SUBMITTED)
    url = _absolute(request.get_absolute_url())
    _mail(
        "request_new_curators",
        to=curator_emails(),
        subject=_("New collaboration request to screen: %(title)s") % {"title": title},
        request=request,
        url=url,
    )
    _mail(
        "request_received",
        to=[requester.email],
        subject=_("We received your collaboration request"),
        request=request,
        url=url,
    )
    return request


def _transition(*, request, by, action: str, comment: str = "") -> CollaborationRequest:
    with transaction.atomic():
        # Lock the row so two curators cannot screen the same request twice.
        request = CollaborationRequest.objects.select_for_update().get(pk=request.pk)
        refusal = request_refusal(request=request, user=by, action=action, comment=comment)
        if refusal:
            raise TransitionError(refusal)
        from_state = request.state
        request.state = ACTIONS[action].to_state
        _record(
            request,
            actor=by,
            action=action,
            from_state=from_state,
            to_state=request.state,
            comment=comment,
        )
    return request


def request_forward(*, request, by, comment: str = "") -> CollaborationRequest:
    """Curator forwards a screened request: each provider gets a relayed e-mail."""
    request = _transition(request=request, by=by, action="forward", comment=comment)
    url = _absolute(request.get_absolute_url())
    for item in request.items.select_related("platform__contact", "collection__contact"):
        _mail(
            "request_to_provider",
            to=provider_addresses(item),
            subject=_("Collaboration request about %(resource)s") % {"resource": item.resource},
            request=request,
            item=item,
            comment=comment,
            url=url,
        )
    _mail(
        "request_forwarded",
        to=[request.requester.email],
        subject=_("Your collaboration request was forwarded"),
        request=request,
        comment=comment,
        url=url,
    )
    return request


def request_return(*, request, by, comment: str) -> CollaborationRequest:
    """Curator returns a request to its requester for changes."""
    request = _transition(request=request, by=by, action="return", comment=comment)
    _mail(
        "request_returned",
        to=[request.requester.email],
        subject=_("Your collaboration request needs changes"),
        request=request,
        comment=comment,
        url=_absolute(request.get_absolute_url()),
    )
    return request


def request_decline(*, request, by, comment: str) -> CollaborationRequest:
    """Curator declines a request (for example out of the network's scope)."""
    request = _transition(request=request, by=by, action="decline", comment=comment)
    _mail(
        "request_declined",
        to=[request.requester.email],
        subject=_("Your collaboration request was declined"),
        request=request,
        comment=comment,
        url=_absolute(request.get_absolute_url()),
    )
    return request


def request_resubmit(*, request, by, comment: str = "") -> CollaborationRequest:
    """Requester sends a returned request back for screening."""
    request = _transition(request=request, by=by, action="resubmit", comment=comment)
    _mail(
        "request_new_curators",
        to=curator_emails(),
        subject=_("Collaboration request resubmitted: %(title)s") % {"title": request.title},
        request=request,
        url=_absolute(request.get_absolute_url()),
    )
    return request


def request_close(*, request, by, comment: str = "") -> CollaborationRequest:
    """Requester withdraws or curator closes an open request."""
    was_forwarded = request.state == State.FORWARDED
    request = _transition(request=request, by=by, action="close", comment=comment)
    recipients = [request.requester.email, *curator_emails()]
    if was_forwarded:
        for item in request.items.select_related("platform__contact", "collection__contact"):
            if item.answer not in RequestItem.FINAL_ANSWERS:
                recipients += provider_addresses(item)
    _mail(
        "request_closed",
        to=sorted(set(recipients) - {by.email}),
        subject=_("Collaboration request closed: %(title)s") % {"title": request.title},
        request=request,
        comment=comment,
        url=_absolute(request.get_absolute_url()),
    )
    return request


def is_provider(*, item: RequestItem, user) -> bool:
    """True when `user` answers for the item's resource (its contact, or a person of its unit)."""
    if not user.is_authenticated:
        return False
    return RequestItem.objects.for_provider(user).filter(pk=item.pk).exists()


ANSWERS_FROM = {
    Answer.ACCEPTED: (Answer.PENDING, Answer.NEEDS_INFO),
    Answer.DECLINED: (Answer.PENDING, Answer.NEEDS_INFO),
    Answer.NEEDS_INFO: (Answer.PENDING,),
}


def item_refusal(*, item: RequestItem, user, answer: str, comment: str = "") -> str:
    """Why `user` may not give `answer` on `item` now ("" when allowed)."""
    if answer not in ANSWERS_FROM:
        return _("Unknown answer.")
    if not is_provider(item=item, user=user):
        return _("Only the provider of %(resource)s may answer.") % {"resource": item.resource}
    if item.request.state != State.FORWARDED:
        return _("Only a forwarded request can be answered; this one is “%(state)s”.") % {
            "state": item.request.get_state_display()
        }
    if item.answer not in ANSWERS_FROM[answer]:
        return _("This resource was already answered “%(answer)s”.") % {
            "answer": item.get_answer_display()
        }
    if answer in (Answer.DECLINED, Answer.NEEDS_INFO) and not comment.strip():
        return _("Please add a comment for the requester.")
    return ""


def item_answer(*, item: RequestItem, by, answer: str, comment: str = "") -> RequestItem:
    """Provider answers; the answer and (now) the provider's address are relayed to the requester.
    When every resource has a final answer the request closes."""
    with transaction.atomic():
        request = CollaborationRequest.objects.select_for_update().get(pk=item.request_id)
        item = RequestItem.objects.select_related("platform__contact", "collection__contact").get(
            pk=item.pk
        )
        item.request = request
        refusal = item_refusal(item=item, user=by, answer=answer, comment=comment)
        if refusal:
            raise TransitionError(refusal)
        from_answer = item.answer
        item.answer = answer
        item.answered_at = timezone.now()
        item.answered_by = by
        item.save(update_fields=["answer", "answered_at", "answered_by"])
        _record(
            request,
            actor=by,
            item=item,
            action=f"answer_{answer}",
            from_state=from_answer,
            to_state=answer,
            comment=comment,
        )
        all_final = all(i.answer in RequestItem.FINAL_ANSWERS for i in request.items.all())
        if all_final:
            request.state = State.CLOSED
            _record(
                request,
                actor=by,
                action="closed_answered",
                from_state=State.FORWARDED,
                to_state=State.CLOSED,
                comment=_("Every provider has answered."),
            )
    _mail(
        "request_answered",
        to=[request.requester.email],
        subject=_("%(resource)s answered your request: %(answer)s")
        % {"resource": item.resource, "answer": item.get_answer_display()},
        request=request,
        item=item,
        comment=comment,
        # The relay ends here: the provider answered, so the requester may now write directly.
        provider_email=item.provider_email,
        provider_name=item.resource.contact.display_name if item.resource.contact else "",
        url=_absolute(request.get_absolute_url()),
    )
    return item


def request_send_reminders(*, idle_days: int, now=None) -> int:
    """Remind whoever holds each request idle for more than `idle_days`; returns e-mails sent."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=idle_days)
    sent = 0
    requests = (
        CollaborationRequest.objects.idle_since(cutoff)
        .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lt=cutoff))
        .select_related("requester")
        .prefetch_related("items__platform__contact", "items__collection__contact")
    )
    for request in requests:
        url = _absolute(request.get_absolute_url())
        days = (now - request.last_activity_at).days
        targets: list[tuple[list[str], str]] = []
        if request.state == State.SUBMITTED:
            targets.append((curator_emails(), _("awaits screening by the network office")))
        elif request.state == State.RETURNED:
            targets.append(([request.requester.email], _("awaits your changes")))
        else:
            for item in request.items.all():
                if item.answer == Answer.PENDING:
                    targets.append(
                        (
                            provider_addresses(item),
                            _("awaits an answer about %(resource)s") % {"resource": item.resource},
                        )
                    )
                elif item.answer == Answer.NEEDS_INFO:
                    targets.append(
                        (
                            [request.requester.email],
                            _("%(resource)s needs more information from you")
                            % {"resource": item.resource},
                        )
                    )
        for to, what in targets:
            _mail(
                "request_reminder",
                to=to,
                subject=_("Reminder: collaboration request “%(title)s”") % {"title": request.title},
                request=request,
                what=what,
                days=days,
                url=url,
            )
            sent += 1
        request.reminded_at = now
        request.save(update_fields=["reminded_at"])
        RequestEvent.objects.create(
            request=request,
            action="reminded",
            comment="; ".join(str(what) for _to, what in targets),
            created_at=now,
        )
    return sent


# --- Saved-search alerts -------------------------------------------------------------------------------

UNSUBSCRIBE_SALT = "collaborations.alerts.unsubscribe"
# The schedule, saved queries, tokens and headers are the core's one alert mechanism (ion_portal.alerts).
PERIODS = alerts.PERIODS
PERIOD_SLACK = alerts.PERIOD_SLACK


def _filterset(*, kind: str, query: dict):
    from collaborations.filters import CollectionFilter, PlatformFilter

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
    from django.urls import reverse

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
        unsubscribe = _absolute(
            reverse("collaborations:alert_unsubscribe", args=[unsubscribe_token(search)])
        )
        _mail(
            "alert_digest",
            to=[search.user.email],
            subject=_("New in the collaborations directory: %(name)s") % {"name": search.name},
            headers=alerts.unsubscribe_headers(unsubscribe, one_click=False),
            search=search,
            items=[(obj, _absolute(obj.get_absolute_url())) for obj in new],
            unsubscribe_url=unsubscribe,
        )
        sent += 1
    return sent


def person_for(user) -> Person | None:
    return Person.objects.filter(user=user).select_related("unit").first()
