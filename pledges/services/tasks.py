"""Background tasks (Django's tasks API through django-tasks), and queuing them.

Each task only looks its objects up and calls a domain function, so the
admin, views and commands can run the same work directly. Nothing in a web
request builds a document: views and the signing code call the ``enqueue_*``
functions here, which also decide what need not be queued again.

With the immediate backend (development, tests) a queued task runs at once.
"""

from datetime import timedelta

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django_tasks import task
from django_tasks.backends.immediate import ImmediateBackend

from pledges.models import Document, DocumentArchive, Event, ImportRun, Signatory
from pledges.services import archives, documents, imports, person_records

# After a signature, one "build the missing pakta integritas" run per event
# per window, however many tablets sign in it. The run is deferred past the
# window, so it sees every signature whose own queuing was skipped in it.
SIGNATURE_BATCH_WINDOW = timedelta(seconds=10)
SIGNATURE_BATCH_SLACK = timedelta(seconds=1)


@task()
def build_document_task(document_id: int) -> str:
    """Render, seal and store one pending document; returns its status."""
    document = Document.objects.select_related(
        "event__unit", "event__region", "signatory", "unit__region"
    ).get(pk=document_id)
    return documents.build_document(document).status


@task()
def build_individual_documents_task(event_id: int, only_missing: bool = False) -> int:
    """Make an event's missing (or also outdated) pakta integritas; returns how many are ready."""
    event = Event.objects.select_related("unit", "region").get(pk=event_id)
    return documents.build_individual_documents(event, only_missing=only_missing)


@task()
def build_zip_task(archive_id: int) -> str:
    """Assemble one pending ZIP of ready individual PDFs; returns its status."""
    archive = DocumentArchive.objects.select_related("event").get(pk=archive_id)
    return archives.build_archive(archive).status


@task()
def import_signatories_task(run_id: int) -> str:
    """Save the checked rows of one import run; returns its status."""
    return imports.run_import(ImportRun.objects.get(pk=run_id)).status


def enqueue_import(event: Event, token: str, filename: str, rows, only_valid: bool, user=None):
    """Queue the import of a preview's checked rows (or return its run under way or done)."""
    run, needs_running = imports.start_import(event, token, filename, rows, only_valid, user)
    if needs_running:
        import_signatories_task.enqueue(run.pk)
        run.refresh_from_db()
    return run


def runs_at_once() -> bool:
    """Whether a queued task has already run when its enqueue returns (immediate backend)."""
    return isinstance(build_document_task.get_backend(), ImmediateBackend)


def enqueue_document(
    event: Event, kind: str, signatory: Signatory | None = None
) -> Document | None:
    """Leave the building of a document to a background task; the one way to ask for one.

    A collective kind, or a pakta integritas of one `signatory`: returns its
    document (ready if nothing changed since it was made, else pending and
    queued). A pakta integritas without a signatory: queues every signer's
    missing or outdated one and returns None. Raises PledgeError if the data
    cannot make that document (see `documents.prepare_document`).
    """
    if kind == Document.Kind.PAKTA_INTEGRITAS and signatory is None:
        build_individual_documents_task.enqueue(event.pk)
        return None
    document, needs_building = documents.prepare_document(event, kind, signatory)
    if needs_building:
        build_document_task.enqueue(document.pk)
        document.refresh_from_db()  # built already if the backend runs tasks at once
    return document


def enqueue_record(user, nip: str) -> Document:
    """Queue the rekam jejak PDF of `nip` in the name of `user`'s unit (or return the one made)."""
    document, needs_building = documents.prepare_record_document(
        person_records.issuing_unit(user), person_records.clean_nip(nip)
    )
    if needs_building:
        build_document_task.enqueue(document.pk)
        document.refresh_from_db()
    return document


def enqueue_archive(event: Event, user=None) -> DocumentArchive:
    """Queue a ZIP of the event's ready individual PDFs (or return the one under way)."""
    archive, needs_building = archives.request_archive(event, user)
    if needs_building:
        build_zip_task.enqueue(archive.pk)
        archive.refresh_from_db()
    return archive


def queue_documents_after_signature(event_id: int) -> None:
    """Called inside `record_signature`: its signer's pakta integritas is made after commit.

    Costs one cache add per signature in the common case; at most one task
    per event per window is queued. With a backend that runs tasks at once
    there is nothing to batch and every signature runs it.
    """
    transaction.on_commit(lambda: _queue_missing_individual_documents(event_id))


def _queue_missing_individual_documents(event_id: int) -> None:
    if not build_individual_documents_task.get_backend().supports_defer:
        build_individual_documents_task.enqueue(event_id, only_missing=True)
        return
    window = SIGNATURE_BATCH_WINDOW.total_seconds()
    # The key lapses before the run starts: a signature skipped here was
    # committed before the queued run reads the list, and the first one
    # after the key lapses queues the next run.
    if cache.add(f"pakta-integritas-queued-{event_id}", True, timeout=window):
        run_after = timezone.now() + SIGNATURE_BATCH_WINDOW + SIGNATURE_BATCH_SLACK
        build_individual_documents_task.using(run_after=run_after).enqueue(
            event_id, only_missing=True
        )


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
