"""The collaboration request workflow: who may do what in which state, the transitions with their history
(RequestEvent) and e-mails, providers' answers per item, and reminders of idle requests. Who receives the
e-mails is in collaborations.request_mail, the timeline the request page shows in collaborations.timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from collaborations.models import (
    CollaborationRequest,
    RequestEvent,
    RequestItem,
)
from collaborations.request_mail import (
    curator_addresses,
    mail_template,
    provider_addresses,
    site_url,
)
from ion_portal.models import is_curator, is_member

State = CollaborationRequest.State
Answer = RequestItem.Answer


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
    protocol=None,
) -> CollaborationRequest:
    """Create a submitted request for published resources and tell the curators (one request may
    name several resources of several providers: each provider later sees only its own part)."""
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
            protocol=protocol or "",
        )
        RequestItem.objects.bulk_create(
            [RequestItem(request=request, platform=p) for p in platforms]
            + [RequestItem(request=request, collection=c) for c in collections]
        )
        _record(request, actor=requester, action="submitted", to_state=State.SUBMITTED)
    url = site_url(request.get_absolute_url())
    mail_template(
        "request_new_curators",
        to=curator_addresses(),
        subject=_("New collaboration request to screen: %(title)s") % {"title": title},
        request=request,
        url=url,
    )
    mail_template(
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
    url = site_url(request.get_absolute_url())
    for item in request.items.select_related("platform__contact", "collection__contact"):
        mail_template(
            "request_to_provider",
            to=provider_addresses(item),
            subject=_("Collaboration request about %(resource)s") % {"resource": item.resource},
            request=request,
            item=item,
            comment=comment,
            url=url,
        )
    mail_template(
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
    mail_template(
        "request_returned",
        to=[request.requester.email],
        subject=_("Your collaboration request needs changes"),
        request=request,
        comment=comment,
        url=site_url(request.get_absolute_url()),
    )
    return request


def request_decline(*, request, by, comment: str) -> CollaborationRequest:
    """Curator declines a request (for example out of the network's scope)."""
    request = _transition(request=request, by=by, action="decline", comment=comment)
    mail_template(
        "request_declined",
        to=[request.requester.email],
        subject=_("Your collaboration request was declined"),
        request=request,
        comment=comment,
        url=site_url(request.get_absolute_url()),
    )
    return request


def request_resubmit(*, request, by, comment: str = "") -> CollaborationRequest:
    """Requester sends a returned request back for screening."""
    request = _transition(request=request, by=by, action="resubmit", comment=comment)
    mail_template(
        "request_new_curators",
        to=curator_addresses(),
        subject=_("Collaboration request resubmitted: %(title)s") % {"title": request.title},
        request=request,
        url=site_url(request.get_absolute_url()),
    )
    return request


def request_close(*, request, by, comment: str = "") -> CollaborationRequest:
    """Requester withdraws or curator closes an open request."""
    was_forwarded = request.state == State.FORWARDED
    request = _transition(request=request, by=by, action="close", comment=comment)
    recipients = [request.requester.email, *curator_addresses()]
    if was_forwarded:
        for item in request.items.select_related("platform__contact", "collection__contact"):
            if item.answer not in RequestItem.FINAL_ANSWERS:
                recipients += provider_addresses(item)
    mail_template(
        "request_closed",
        to=sorted(set(recipients) - {by.email}),
        subject=_("Collaboration request closed: %(title)s") % {"title": request.title},
        request=request,
        comment=comment,
        url=site_url(request.get_absolute_url()),
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
    mail_template(
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
        url=site_url(request.get_absolute_url()),
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
        url = site_url(request.get_absolute_url())
        days = (now - request.last_activity_at).days
        targets: list[tuple[list[str], str]] = []
        if request.state == State.SUBMITTED:
            targets.append((curator_addresses(), _("awaits screening by the network office")))
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
            mail_template(
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
