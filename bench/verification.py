"""Benchmark of the public verification page: an individual PDF and a 600-signer deklarasi.

    .venv/bin/python bench/verification.py [--signers 600] [--repeat 50] [--baseline a54676b]

For the working tree, and with --baseline for the `pledges`, `netralitas` and
`templates` of that git revision (extracted with git archive), a fresh
subprocess builds its own temporary SQLite database (or uses DATABASE_URL,
which it then fills), media directory and development certificate, fills an
event with signers as bench/pdf.py does, makes one pakta integritas and the
collective deklarasi (real renders and seals), then times `--repeat` GETs of
each document's verification page through Django's test client (DEBUG off):
the server's time for the page, without a network.

Goal (issue #14): the same for both documents, and under 20 ms.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def baseline_tree(revision: str, into: Path) -> Path:
    """The revision's code as a tree a subprocess can run (pledges, settings, templates)."""
    import io
    import tarfile

    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", revision, "pledges", "netralitas", "templates"],
        capture_output=True,
        check=True,
    ).stdout
    target = into / f"code-{revision}"
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    # The PDFs' stylesheets and fonts are read from static/, unchanged: link it.
    (target / "static").symlink_to(ROOT / "static")
    return target


def child(code_root: str, workdir: str, signers: int, repeat: int) -> None:
    work = Path(workdir)
    sys.path.insert(0, code_root)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{work / 'bench.sqlite3'}")
    os.environ["MEDIA_ROOT"] = str(work / "media")
    os.environ["PADES_DEV_CERT_DIR"] = str(work / "dev-certs")
    os.environ["DEBUG"] = "false"
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ["DJANGO_SETTINGS_MODULE"] = "netralitas.settings"
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    import pledges
    from bench.pdf import setup
    from pledges.models import Document, Event, Signatory
    from pledges.services import documents

    assert pledges.__file__.startswith(code_root), pledges.__file__
    ids = setup(signers)
    event = Event.objects.select_related("unit", "region").get(pk=ids["event"])
    signatory = Signatory.objects.select_related("signature").get(pk=ids["signatory"])
    made = {
        "individual": documents.make_document(event, Document.Kind.PAKTA_INTEGRITAS, signatory),
        f"deklarasi {signers}": documents.make_document(event, Document.Kind.DEKLARASI),
    }
    client = Client()
    results = {}
    for name, document in made.items():
        assert document.status == Document.Status.READY, document.error
        url = document.verification_path()
        for _ in range(3):  # warm: templates, certificate, connection
            assert client.get(url).status_code == 200
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
            assert response.status_code == 200
        with CaptureQueriesContext(connection) as queries:
            html = client.get(url).content.decode()
        results[name] = {
            "pdf_kb": document.file.size / 1024,
            "median_ms": statistics.median(times) * 1000,
            "p95_ms": sorted(times)[int(0.95 * (len(times) - 1))] * 1000,
            "queries": len(queries),
            "sealed": "Utuh dan sah" in html,
        }
    print(json.dumps(results))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--signers", type=int, default=600)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--baseline", help="git revision to measure beside the working tree")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child, args.signers, args.repeat)
        return
    work = Path(tempfile.mkdtemp(prefix="netralitas-verify-bench-"))
    versions = {"ours": ROOT}
    if args.baseline:
        versions[args.baseline] = baseline_tree(args.baseline, work)
    print(
        f"{'code':>8} {'document':>15} {'PDF KB':>8} {'median ms':>10} {'p95 ms':>8} "
        f"{'queries':>8} {'seal shown valid':>17}"
    )
    for version, code_root in versions.items():
        workdir = work / f"run-{version}"
        workdir.mkdir()
        done = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                str(code_root),
                str(workdir),
                f"--signers={args.signers}",
                f"--repeat={args.repeat}",
            ],
            capture_output=True,
            text=True,
            cwd=code_root,
        )
        if done.returncode:
            sys.exit(f"{version}: {done.stderr[-3000:]}")
        for name, figures in json.loads(done.stdout.strip().splitlines()[-1]).items():
            print(
                f"{version:>8} {name:>15} {figures['pdf_kb']:8.0f} {figures['median_ms']:10.1f} "
                f"{figures['p95_ms']:8.1f} {figures['queries']:8d} {figures['sealed']!s:>17}",
                flush=True,
            )


if __name__ == "__main__":
    main()
