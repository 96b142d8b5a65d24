"""Background tasks whose worker died: put back in the queue, then finished by a new worker."""

import hashlib
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from pledges.models import Document
from pledges.services import tasks
from tests.conftest import make_signatory, make_signature

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def queued_deklarasi(open_event):
    """A collective deklarasi left to the database queue, and its queued task."""
    for name in ("Rudiyanto", "Siti Nur'aini"):
        make_signature(make_signatory(open_event, full_name=name, nip=""))
    with override_settings(TASKS=DATABASE_TASKS):
        document = tasks.enqueue_document(open_event, Document.Kind.DEKLARASI)
        yield document, DBTaskResult.objects.get()


def claim(task_result, worker_id, started_ago=timedelta(0)):
    """What db_worker does on taking a task; a SIGKILL right after leaves it so."""
    task_result.claim(worker_id)
    DBTaskResult.objects.filter(pk=task_result.pk).update(started_at=timezone.now() - started_ago)


@pytest.fixture
def run_worker(monkeypatch):
    """`manage.py db_worker --batch` in this process and this test's transaction."""
    # The worker closes old connections between tasks, as a request does;
    # here that would close the test's own transaction (as Django's test
    # client avoids for requests).
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    return _run_worker


def _run_worker(worker_id="fresh"):
    call_command(
        "db_worker", batch=True, startup_delay=False, reload=False, worker_id=worker_id, verbosity=0
    )


def test_task_of_a_killed_worker_is_requeued_and_the_document_completes(
    queued_deklarasi, run_worker
):
    document, task_result = queued_deklarasi
    claim(task_result, "faulty")
    run_worker()  # finds nothing to do: the task is stuck as RUNNING
    document.refresh_from_db()
    assert document.status == Document.Status.PENDING and not document.file

    call_command("requeue_orphaned_tasks", worker_id="faulty", verbosity=0)
    run_worker()

    task_result.refresh_from_db()
    document.refresh_from_db()
    assert task_result.status == "SUCCESSFUL"
    assert task_result.worker_ids == ["faulty", "fresh"]
    assert document.status == Document.Status.READY
    with document.file.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == document.sha256


def test_tasks_of_other_workers_are_left_running(queued_deklarasi):
    _document, task_result = queued_deklarasi
    claim(task_result, "alive-elsewhere", started_ago=timedelta(hours=3))

    call_command("requeue_orphaned_tasks", worker_id="faulty", verbosity=0)

    task_result.refresh_from_db()
    assert task_result.status == "RUNNING"


def test_tasks_running_too_long_are_requeued_whoever_claimed_them(queued_deklarasi):
    _document, task_result = queued_deklarasi
    claim(task_result, "gone", started_ago=timedelta(minutes=61))

    call_command("requeue_orphaned_tasks", older_than=120, verbosity=0)
    task_result.refresh_from_db()
    assert task_result.status == "RUNNING"

    call_command("requeue_orphaned_tasks", older_than=60, verbosity=0)
    task_result.refresh_from_db()
    assert task_result.status == "READY" and task_result.started_at is None


def test_finished_tasks_are_never_requeued(queued_deklarasi):
    _document, task_result = queued_deklarasi
    claim(task_result, "faulty")
    task_result.set_successful("ready")

    call_command("requeue_orphaned_tasks", worker_id="faulty", verbosity=0)

    task_result.refresh_from_db()
    assert task_result.status == "SUCCESSFUL"


def test_requeue_needs_a_worker_or_an_age(db):
    with pytest.raises(CommandError, match="--worker-id atau --older-than"):
        call_command("requeue_orphaned_tasks")
