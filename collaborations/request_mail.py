"""The e-mails of the collaboration request workflow: who receives them and how they are sent (through the
core's mail service, so the request that caused them never waits for the SMTP server)."""

from __future__ import annotations

from collaborations.models import RequestItem
from ion_portal.accounts import curator_addresses
from ion_portal.mail import mail_enqueue_template
from ion_portal.sites import site_url

__all__ = ["curator_addresses", "mail_template", "provider_addresses", "site_url"]


def mail_template(template: str, *, to: list[str], subject: str, headers=None, **context) -> None:
    """Queue `collaborations/email/<template>.txt` to `to` (nothing when there is nobody to tell)."""
    mail_enqueue_template(
        f"collaborations/email/{template}.txt", to=to, subject=subject, headers=headers, **context
    )


def provider_addresses(item: RequestItem) -> list[str]:
    """Where a provider's e-mail goes: the resource's contact, else the curators (nothing lost)."""
    return [item.provider_email] if item.provider_email else curator_addresses()
