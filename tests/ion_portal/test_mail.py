"""The one e-mail service (ion_portal/mail.py): sent from the portal's address, now or through the queue."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.tasks.base import TaskResultStatus

from ion_portal.mail import mail_enqueue, mail_send


def test_mail_send_relays_from_the_portal_address_with_reply_to(mailoutbox, settings):
    settings.DEFAULT_FROM_EMAIL = "ION Portal <noreply@ion.example>"
    sent = mail_send(
        subject="Hello",
        body="Body",
        to=["a@example.org", "", "a@example.org"],
        reply_to=["asker@example.org"],
        headers={"X-ION": "1"},
    )
    assert sent == 1
    (message,) = mailoutbox
    assert message.from_email == "ION Portal <noreply@ion.example>"
    assert message.to == ["a@example.org"]
    assert message.reply_to == ["asker@example.org"]
    assert message.extra_headers["X-ION"] == "1"


def test_nobody_to_send_to_sends_nothing(mailoutbox):
    assert mail_send(subject="S", body="B", to=["", None]) == 0
    assert mail_enqueue(subject="S", body="B", to=[]) is False
    assert mailoutbox == []


@pytest.mark.django_db(transaction=True)
def test_mail_enqueue_waits_for_the_worker_with_the_database_queue(mailoutbox, settings):
    # A real queue: the task row is written, nothing is sent until `db_worker` runs it.
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    assert mail_enqueue(subject="Queued", body="Later", to=["b@example.org"]) is True
    assert mailoutbox == []
    from django_tasks_db.models import DBTaskResult

    (row,) = DBTaskResult.objects.all()
    assert row.status == TaskResultStatus.READY

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    assert [m.subject for m in mailoutbox] == ["Queued"]
    row.refresh_from_db()
    assert row.status == TaskResultStatus.SUCCESSFUL


def test_no_app_sends_mail_except_through_the_service():
    """Only ion_portal/mail.py calls Django's mail API (send_mail, EmailMessage, ...)."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    apps = ["collaborations", "education", "ion_portal", "toxicity", "trials"]
    offenders = []
    for app in apps:
        for path in (root / app).rglob("*.py"):
            if "migrations" in path.parts or path == root / "ion_portal" / "mail.py":
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.ImportFrom) and node.module == "django.core.mail":
                    offenders.append(str(path.relative_to(root)))
    assert offenders == []
