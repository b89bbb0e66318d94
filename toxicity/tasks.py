"""Background tasks of the toxicity app (Django's task framework). Tasks call services; services queue
them by name (ion_portal.tasks.enqueue_on_commit) and never import this module."""

from __future__ import annotations

from django.tasks import task

from toxicity.consults import consult_notify_on_call


@task
def notify_on_call(consult_id: int) -> str:
    """E-mail a consult request to the specialist on call (or the network's contact address)."""
    return consult_notify_on_call(consult_id=consult_id)
