"""Background tasks of the toxicity app (Django's task framework)."""

from __future__ import annotations

from django.conf import settings
from django.tasks import task
from django.urls import reverse
from django.utils.translation import gettext as _

from ion_portal.mail import mail_send


@task
def notify_on_call(consult_id: int) -> str:
    """E-mail a consult request to the specialist on call (or the network's contact address)."""
    from toxicity.models import ConsultRequest
    from toxicity.services import consult_mark_notified, on_call_member

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
        settings.SITE_URL + reverse("admin:toxicity_consultrequest_change", args=[consult.pk]),
    ]
    mail_send(
        subject=_("[ION task force] %(urgency)s consult: %(specialty)s")
        % {"urgency": consult.get_urgency_display(), "specialty": consult.get_specialty_display()},
        body="\n".join(lines),
        to=[recipient],
    )
    consult_mark_notified(consult=consult, member=member)
    return recipient
