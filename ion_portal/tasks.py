"""Background work through Django's task framework, for services that must not import their app's tasks
module (tasks call services, never the reverse): a service names the task by its dotted path and it is
queued when the current transaction commits, so the worker (another process on a real queue) finds the
rows the service wrote."""

from __future__ import annotations

from django.db import transaction
from django.utils.module_loading import import_string


def enqueue_on_commit(task_path: str, *args, **kwargs) -> None:
    """Queue the `@task` at `task_path` (e.g. "toxicity.tasks.notify_on_call") with JSON arguments once
    the current transaction commits (at once outside a transaction). The task is looked up on commit,
    not when the calling module loads: that is what keeps services free of the import cycle."""

    def enqueue() -> None:
        import_string(task_path).enqueue(*args, **kwargs)

    transaction.on_commit(enqueue)
