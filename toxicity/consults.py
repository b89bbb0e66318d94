"""The task-force consult request: who is on call, saving a member's request, and the e-mail to the
specialist on call (sent by the background task toxicity.tasks.notify_on_call, which calls this module;
this module never imports the tasks)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ion_portal.mail import mail_send
from ion_portal.sites import site_url
from ion_portal.tasks import enqueue_on_commit
from toxicity.models import ConsultRequest, OnCallShift, TaskForceMember

NOTIFY_TASK = "toxicity.tasks.notify_on_call"


def on_call_member(specialty: str, at=None) -> TaskForceMember | None:
    """The task-force member on call for `specialty` now, else the on-call oncologist, else None."""
    shifts = (
        OnCallShift.objects.current(at)
        .filter(member__is_active=True)
        .select_related("member__person")
    )
    for wanted in (specialty, "oncology"):
        shift = shifts.filter(member__specialty=wanted).first()
        if shift:
            return shift.member
    return None


def consult_request_create(*, user, data: dict) -> ConsultRequest:
    """Save a member's consult request and queue the e-mail to the specialist on call (the task
    `toxicity.tasks.notify_on_call`, which calls consult_notify_on_call)."""
    consult = ConsultRequest.objects.create(requested_by=user, **data)
    enqueue_on_commit(NOTIFY_TASK, consult.pk)
    return consult


def consult_notify_on_call(*, consult_id: int) -> str:
    """E-mail a consult request to the specialist on call (or the network's contact address), record
    who was told; returns the address."""
    consult = ConsultRequest.objects.select_related("requested_by", "toxicity").get(pk=consult_id)
    member = on_call_member(consult.specialty)
    recipient = member.person.email if member and member.person.email else settings.CONTACT_EMAIL
    lines = [
        _("A member asks the irAE task force for advice."),
        "",
        f"{_('Specialty')}: {consult.get_specialty_display()}",
        f"{_('Urgency')}: {consult.get_urgency_display()}",
        f"{_('Suspected toxicity')}: {consult.toxicity or '—'}"
        + (f" ({_('grade')} {consult.grade})" if consult.grade else ""),
        f"{_('Call back')}: {consult.callback_phone} ({consult.requested_by.email})",
        "",
        consult.question,
        "",
        site_url(reverse("admin:toxicity_consultrequest_change", args=[consult.pk])),
    ]
    mail_send(
        subject=_("[ION task force] %(urgency)s consult: %(specialty)s")
        % {"urgency": consult.get_urgency_display(), "specialty": consult.get_specialty_display()},
        body="\n".join(lines),
        to=[recipient],
    )
    consult_mark_notified(consult=consult, member=member)
    return recipient


def consult_mark_notified(*, consult: ConsultRequest, member: TaskForceMember | None) -> None:
    """Record who was notified (or that no one was on call)."""
    consult.notified_member = member
    consult.notified_at = timezone.now()
    consult.status = (
        ConsultRequest.Status.NOTIFIED if member else ConsultRequest.Status.NO_ONE_ON_CALL
    )
    consult.save(update_fields=["notified_member", "notified_at", "status"])
