"""The timeline of a collaboration request: every step (RequestEvent) with the actor's role and a message,
as the request page shows it."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from collaborations.models import CollaborationRequest

ROLE_LABELS = {
    "requester": gettext_lazy("Requester"),
    "curator": gettext_lazy("Network office"),
    "provider": gettext_lazy("Provider"),
    "portal": gettext_lazy("Portal"),
}
STEP_MESSAGES = {
    "submitted": gettext_lazy("Request sent to the network office for screening."),
    "forward": gettext_lazy("Screened and forwarded to the providers."),
    "return": gettext_lazy("Returned to the requester for changes."),
    "decline": gettext_lazy("Declined by the network office."),
    "resubmit": gettext_lazy("Updated and sent back for screening."),
    "close": gettext_lazy("Request closed."),
    "answer_accepted": gettext_lazy("%(resource)s: accepted."),
    "answer_declined": gettext_lazy("%(resource)s: declined."),
    "answer_needs_info": gettext_lazy("%(resource)s: more information needed."),
    "closed_answered": gettext_lazy("Every provider has answered; the request is closed."),
    "reminded": gettext_lazy("Reminder sent about the waiting step."),
}


def _event_role(event, request) -> str:
    if event.action.startswith("answer_"):
        return "provider"
    if event.actor_id is None or event.action in ("closed_answered", "reminded"):
        return "portal"
    if event.actor_id == request.requester_id and event.action in (
        "submitted",
        "resubmit",
        "close",
    ):
        return "requester"
    return "curator"


def request_timeline(*, request: CollaborationRequest, items=None) -> list[dict]:
    """Every step of a request, oldest first: date, the actor's role, a message and the comment.
    `items`: the requested resources the viewer may see (a provider sees the request-level steps and
    the steps about their own resources only); None for all."""
    visible = None if items is None else {item.pk for item in items}
    steps = []
    for event in request.events.select_related("item__platform", "item__collection"):
        if visible is not None and event.item_id is not None and event.item_id not in visible:
            continue
        role = _event_role(event, request)
        template = STEP_MESSAGES.get(event.action)
        resource = event.item.resource.name if event.item_id else ""
        message = (str(template) % {"resource": resource}) if template else event.action
        steps.append(
            {
                "at": event.created_at,
                "role": role,
                "role_label": ROLE_LABELS[role],
                "message": message,
                "comment": event.comment,
                "state": event.to_state,
            }
        )
    return steps
