"""Background tasks of the trials app (Django's task framework; immediate backend in development)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.tasks import task
from django.template.loader import render_to_string

from ion_portal.mail import mail_send

from .models import Trial, TrialSite
from .services import import_nct_ids


@task
def send_referral(*, site_id: int, referrer_id: int, patient_age: int | None, message: str) -> str:
    """E-mail a referral to the site's referral contact, with the referrer in Reply-To."""
    site = TrialSite.objects.select_related("trial", "unit", "referral_contact").get(pk=site_id)
    referrer = get_user_model().objects.get(pk=referrer_id)
    body = render_to_string(
        "trials/email/referral.txt",
        {
            "site": site,
            "trial": site.trial,
            "referrer": referrer,
            "patient_age": patient_age,
            "message": message,
        },
    )
    mail_send(
        subject=f"[ION] Referral for {site.trial.nct_id}: {site.trial.brief_title[:80]}",
        body=body,
        to=[site.referral_address],
        reply_to=[referrer.email],
    )
    return site.referral_address


@task
def refresh_trials(*, nct_ids: list[str]) -> str:
    """Re-fetch trials from the ClinicalTrials.gov API v2 (admin action); returns the report summary."""
    known = list(Trial.objects.filter(nct_id__in=nct_ids).values_list("nct_id", flat=True))
    report = import_nct_ids(nct_ids=known)  # writes the change history too
    return report.summary() + "\n" + "\n".join(str(r) for r in report.results)


@task
def sync_ctgov(*, triggered_by: str = "") -> str:
    """Refresh trials changed upstream (admin button; the daily scheduler runs the command)."""
    # Start-up cost: the ClinicalTrials.gov client and parser load only when a sync runs.
    from .sync import ctgov_sync

    return ctgov_sync(triggered_by=triggered_by).report
