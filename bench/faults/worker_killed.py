"""Fault: the PDF worker is SIGKILLed while it builds a collective deklarasi.

    .venv/bin/python bench/faults/worker_killed.py [--signers 300]

Uses a temporary SQLite database (or the PostgreSQL database named by
DATABASE_URL, emptied first: give it one of your own), temporary media and
development certificate, and the database task backend. It enqueues the
deklarasi of an event with --signers signers, starts `manage.py db_worker
--worker-id faulty`, kills it with SIGKILL while the task is RUNNING, shows
that the document stays pending (no file recorded) and that a plain restart
does not pick the task up, then runs `manage.py requeue_orphaned_tasks
--worker-id faulty` and a worker again (as the systemd unit does).

PASS: the document is ready, its file's SHA-256 equals Document.sha256, its
PAdES seal validates, and the task ran exactly twice (killed, then finished).
"""

import argparse
import hashlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.faults.common import Checks, log, recreate_postgres_database  # noqa: E402

# No random start-up delay, no autoreloader: the pid we kill is the worker itself.
WORKER = ("db_worker", "--no-startup-delay", "--no-reload")


def manage(*arguments: str) -> list[str]:
    return [sys.executable, str(ROOT / "manage.py"), *arguments]


def wait_for_status(task_id, wanted: str, timeout: float, process=None) -> bool:
    from django_tasks_db.models import DBTaskResult

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if DBTaskResult.objects.get(pk=task_id).status == wanted:
            return True
        if process is not None and process.poll() is not None:
            return False
        time.sleep(0.05)
    return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--signers", type=int, default=300)
    args = parser.parse_args()
    checks = Checks("worker killed mid-PDF")
    workdir = Path(tempfile.mkdtemp(prefix="netralitas-worker-killed-"))
    os.environ["TASKS_BACKEND"] = "django_tasks_db.DatabaseBackend"
    os.environ["LOG_LEVEL"] = "WARNING"
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        recreate_postgres_database(os.environ["DATABASE_URL"])
    from bench.pdf import configure

    configure(workdir)  # fixes DATABASE_URL, MEDIA_ROOT, the certificate folder for children too
    worker = None
    try:
        worker = run(args, checks)
    except Exception as error:  # the verdict line must still be printed
        checks.finish(error)
    finally:
        if worker is not None and worker.poll() is None:
            worker.kill()
    checks.finish()


def run(args, checks: Checks):
    from django_tasks_db.models import DBTaskResult

    from bench.pdf import setup
    from pledges.models import Document, Event
    from pledges.rendering import sealing
    from pledges.services import tasks

    log(f"database {os.environ['DATABASE_URL'].split('@')[-1]}; {args.signers} signers")
    ids = setup(args.signers)
    event = Event.objects.select_related("unit", "region").get(pk=ids["event"])
    document = tasks.enqueue_document(event, Document.Kind.DEKLARASI)
    task = DBTaskResult.objects.get()
    log(f"document {document.pk} pending, task {task.pk} {task.status}")

    worker = subprocess.Popen(
        manage(*WORKER, "--worker-id", "faulty"),
        cwd=ROOT,
    )
    if not checks.check(wait_for_status(task.pk, "RUNNING", 60, worker), "worker took the task"):
        return worker
    time.sleep(1.0)  # well into WeasyPrint's layout of the signature table
    killed_at = time.perf_counter()
    log(f"task RUNNING for 1.0 s; SIGKILL to worker pid {worker.pid}")
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    log(f"worker exited with {worker.returncode} {time.perf_counter() - killed_at:.2f} s later")

    task.refresh_from_db()
    document.refresh_from_db()
    checks.check(task.status == "RUNNING", f"killed worker left the task {task.status}")
    checks.check(
        document.status == Document.Status.PENDING and not document.file and not document.sha256,
        f"document is {document.status}, no file recorded (never ready with a half file)",
    )

    log("restarting a worker without requeueing (what db_worker alone does)")
    subprocess.run(manage(*WORKER, "--batch"), cwd=ROOT)
    task.refresh_from_db()
    checks.check(task.status == "RUNNING", f"a plain restart leaves it stuck ({task.status})")

    log("manage.py requeue_orphaned_tasks --worker-id faulty")
    requeue = subprocess.run(
        manage("requeue_orphaned_tasks", "--worker-id", "faulty"),
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    print(requeue.stdout.strip())
    task.refresh_from_db()
    checks.check(task.status == "READY", f"task back in the queue ({task.status})")

    started = time.perf_counter()
    log("manage.py db_worker --worker-id faulty --batch")
    subprocess.run(
        manage(*WORKER, "--worker-id", "faulty", "--batch"),
        cwd=ROOT,
        check=True,
    )
    log(f"second run took {time.perf_counter() - started:.1f} s")

    task.refresh_from_db()
    document.refresh_from_db()
    checks.check(task.status == "SUCCESSFUL", f"task {task.status}, claims {task.worker_ids}")
    checks.check(task.worker_ids == ["faulty", "faulty"], "claimed exactly twice")
    checks.check(document.status == Document.Status.READY, f"document {document.status}")
    with document.file.open("rb") as handle:
        pdf = handle.read()
    digest = hashlib.sha256(pdf).hexdigest()
    checks.check(digest == document.sha256, f"file SHA-256 {digest[:16]}… matches the record")
    seal = sealing.check_seal(pdf)
    checks.check(seal.valid, f"PAdES seal {seal} ({len(pdf):,} bytes)")
    pdfs = list((Path(os.environ["MEDIA_ROOT"])).rglob("*.pdf"))
    log(f"PDF files in storage: {[path.name for path in pdfs]}")
    checks.check(len(pdfs) == 1, "one PDF in storage")
    return worker


if __name__ == "__main__":
    main()
