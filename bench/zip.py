"""Benchmark of the ZIP of 600 individual PDFs, once every signature has its PDF.

    .venv/bin/python bench/zip.py [--signers 600] [--baseline a54676b] [--render-all]

In a fresh subprocess per code version (the working tree, and with --baseline
the `pledges`, `netralitas` and `templates` of that revision, as
bench/verification.py extracts them), with its own temporary SQLite database
(or DATABASE_URL), media directory and development certificate: fills an event
with signers as bench/pdf.py does and gives every signature a ready, sealed
pakta integritas. By default one is rendered and sealed for real and its file
stored again under each other signer's document (same size and kind of
bytes, a few seconds instead of minutes); --render-all builds every one.

Then, as a logged-in staff member through Django's test client, it times
"from the request to the download link":

- ours, worker: POST "Susun ZIP" (the task goes to the database queue), one
  `manage.py db_worker --batch` run in this process (what a running worker
  does, without its polling delay), then the documents page's status part
  until it shows the download link;
- ours, immediate: the same with the immediate backend of development, where
  the POST itself runs the task;
- baseline: the old GET of the ZIP URL, which assembled the ZIP in the
  request, until its last byte.

Each also prints the ZIP's size and entry count. Goal (issue #14): < 10 s.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import zipfile
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.verification import baseline_tree  # noqa: E402


def child(code_root: str, workdir: str, signers: int, render_all: bool, backend: str) -> None:
    work = Path(workdir)
    sys.path.insert(0, code_root)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{work / 'bench.sqlite3'}")
    os.environ["MEDIA_ROOT"] = str(work / "media")
    os.environ["PADES_DEV_CERT_DIR"] = str(work / "dev-certs")
    os.environ["DEBUG"] = "false"
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ["TASKS_BACKEND"] = backend
    os.environ["DJANGO_SETTINGS_MODULE"] = "netralitas.settings"
    import django

    django.setup()
    from django.core.files.base import ContentFile
    from django.core.management import call_command
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    import pledges
    from bench.pdf import setup
    from pledges.models import BawasluUnit, Document, Event, User
    from pledges.services import documents

    assert pledges.__file__.startswith(code_root), pledges.__file__
    ids = setup(signers)
    event = Event.objects.select_related("unit", "region").get(pk=ids["event"])
    started = time.perf_counter()
    if render_all:
        ready = documents.build_individual_documents(event)
    else:
        ready = _copies_of_one_real_pdf(event, documents, Document, ContentFile)
    prepared = time.perf_counter() - started
    assert ready == signers, ready
    staff = User.objects.create_user(
        "bench", password="x", is_staff=True, unit=BawasluUnit.objects.get()
    )
    client = Client()
    client.force_login(staff)
    figures = {"prepared_s": prepared}
    try:
        build_url = reverse("staff:build_zip", args=[event.pk])
    except NoReverseMatch:
        build_url = None
    started = time.perf_counter()
    if build_url is None:  # the old code: the ZIP is the response of one GET
        response = client.get(reverse("staff:download_zip", args=[event.pk]))
        data = b"".join(response.streaming_content)
        figures["total_s"] = time.perf_counter() - started
    else:
        response = client.post(build_url)
        figures["request_s"] = time.perf_counter() - started
        if "django_tasks_db" in backend:
            call_command(
                "db_worker",
                batch=True,
                startup_delay=False,
                reload=False,
                worker_id="bench",
                verbosity=0,
            )
        status_url = reverse("staff:documents_status", args=[event.pk])
        while "Unduh ZIP" not in (html := client.get(status_url).content.decode()):
            assert time.perf_counter() - started < 600, html[-2000:]
            time.sleep(0.05)
        figures["total_s"] = time.perf_counter() - started
        link = re.search(r'href="([^"]*/zip/\d+/unduh/)"', html).group(1)
        data = b"".join(client.get(link).streaming_content)
    with zipfile.ZipFile(BytesIO(data)) as bundle:
        figures["entries"] = len(bundle.namelist())
    figures["zip_mb"] = len(data) / 1024 / 1024
    print(json.dumps(figures))


def _copies_of_one_real_pdf(event, documents, Document, ContentFile) -> int:
    signed = list(event.signatories.filter(signature__isnull=False).select_related("signature"))
    first = documents.make_document(event, Document.Kind.PAKTA_INTEGRITAS, signed[0])
    assert first.status == Document.Status.READY, first.error
    with first.file.open("rb") as handle:
        pdf = handle.read()
    storage = first.file.storage
    copies = []
    for signatory in signed[1:]:
        document = Document(
            event=event,
            signatory=signatory,
            kind=Document.Kind.PAKTA_INTEGRITAS,
            status=Document.Status.READY,
            sha256=first.sha256,
            pades_signed=True,
        )
        document.file = storage.save(
            f"documents/bench/pakta-integritas-{signatory.pk}-{document.verification_code}.pdf",
            ContentFile(pdf),
        )
        copies.append(document)
    Document.objects.bulk_create(copies)
    return len(copies) + 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--signers", type=int, default=600)
    parser.add_argument("--baseline", help="git revision to measure beside the working tree")
    parser.add_argument("--render-all", action="store_true", help="render every PDF for real")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child[:2], args.signers, args.render_all, args.child[2])
        return
    work = Path(tempfile.mkdtemp(prefix="netralitas-zip-bench-"))
    runs = [
        ("ours, worker", ROOT, "django_tasks_db.DatabaseBackend"),
        ("ours, immediate", ROOT, "django_tasks.backends.immediate.ImmediateBackend"),
    ]
    if args.baseline:
        runs.append(
            (
                args.baseline,
                baseline_tree(args.baseline, work),
                "django_tasks.backends.immediate.ImmediateBackend",
            )
        )
    print(
        f"{'code':>16} {'PDFs ready in s':>16} {'POST s':>7} {'request→link s':>15} "
        f"{'entries':>8} {'ZIP MB':>7}"
    )
    for number, (name, code_root, backend) in enumerate(runs):
        workdir = work / f"run-{number}"
        workdir.mkdir()
        command = [sys.executable, __file__, "--child", str(code_root), str(workdir), backend]
        command += [f"--signers={args.signers}"] + (["--render-all"] if args.render_all else [])
        done = subprocess.run(command, capture_output=True, text=True, cwd=code_root)
        if done.returncode:
            sys.exit(f"{name}: {done.stderr[-3000:]}")
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        request = f"{figures['request_s']:.3f}" if "request_s" in figures else "-"
        print(
            f"{name:>16} {figures['prepared_s']:16.1f} {request:>7} {figures['total_s']:15.2f} "
            f"{figures['entries']:8d} {figures['zip_mb']:7.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
