"""Background tasks (Django's tasks API through django-tasks).

Each task only looks its objects up and calls a domain function, so the
admin, views and commands can run the same work directly.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from pledges.models import Document, Event
from pledges.services import documents


@task()
def build_document_task(document_id: int) -> str:
    """Render, seal and store one pending document; returns its status."""
    document = Document.objects.select_related("event__unit", "event__region", "signatory").get(
        pk=document_id
    )
    return documents.build_document(document).status


@task()
def build_individual_documents_task(event_id: int) -> int:
    """Make every missing or outdated pakta integritas of an event; returns how many are ready."""
    event = Event.objects.select_related("unit", "region").get(pk=event_id)
    return documents.build_individual_documents(event)


def requeue_orphaned_tasks(
    worker_id: str | None = None, older_than: timedelta | None = None
) -> list[str]:
    """Put RUNNING tasks whose worker died back in the queue; returns their ids.

    `worker_id` selects the tasks last claimed by that worker: a worker that
    restarts under the same id cannot still be running them. `older_than`
    selects tasks started longer ago than that, whoever claimed them: a
    safety net for a worker that never came back. Given both, a task must
    meet both. A task put back while its first run is in fact still alive
    runs twice, which the tasks allow (building a document that is already
    ready leaves it as it is). Raises ValueError when neither is given.
    """
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    if worker_id is None and older_than is None:
        raise ValueError("worker_id or older_than is required")
    requeued = []
    with transaction.atomic():
        # Locked rows belong to a worker that is alive right now (claiming
        # or finishing them): skipped, never touched under its feet.
        running = DBTaskResult.objects.select_for_update(skip_locked=True).filter(
            status=TaskResultStatus.RUNNING
        )
        if older_than is not None:
            running = running.filter(started_at__lt=timezone.now() - older_than)
        for task_result in running:
            # worker_ids lists every claim in order; the last is the current one.
            claimed_by = task_result.worker_ids[-1] if task_result.worker_ids else None
            if worker_id is not None and claimed_by != worker_id:
                continue
            task_result.status = TaskResultStatus.READY
            task_result.started_at = None
            task_result.save(update_fields=["status", "started_at"])
            requeued.append(str(task_result.pk))
    return requeued
