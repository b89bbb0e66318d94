"""Production runs background work through the database task queue and `manage.py db_worker`."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.tasks import task
from django.tasks.base import TaskResultStatus

pytestmark = pytest.mark.django_db(transaction=True)


@task
def send_greeting(address: str) -> int:
    return mail.send_mail("Hello", "From the queue", None, [address])


def test_database_queue_holds_tasks_until_a_worker_runs_them(settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    result = send_greeting.enqueue("someone@example.org")
    assert result.status == TaskResultStatus.READY
    assert mail.outbox == []

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 1
    assert mail.outbox[0].to == ["someone@example.org"]
