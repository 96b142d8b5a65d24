"""Fault: the disk fills up while a PDF is being written.

    .venv/bin/python bench/faults/disk_full.py [--signers 60]

Needs root: it mounts a 200 KB tmpfs at /tmp/netralitas-full as the media
storage (unmounted again whatever happens; nothing else on the machine is
touched), fills it to within a few kilobytes, and asks for the collective
deklarasi of an event with --signers signers (about 100 KB), so the write
really fails with ENOSPC part-way. Then it frees the space and asks again.
The database is a temporary SQLite file outside the small disk.

PASS: the first document is `failed` with a clear Indonesian error that the
staff documents page shows, no file (whole or partial) is left on the disk
and nothing is recorded as ready; the retry with room is `ready`, its
file's SHA-256 equals Document.sha256 and its PAdES seal validates.
"""

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.faults.common import Checks, log  # noqa: E402

MOUNT_POINT = Path("/tmp/netralitas-full")
DISK_SIZE = "200k"
LEFT_FREE = 8 * 1024  # bytes: far less than any deklarasi


def mount_small_disk() -> None:
    MOUNT_POINT.mkdir(exist_ok=True)
    if os.path.ismount(MOUNT_POINT):
        raise SystemExit(f"{MOUNT_POINT} is already mounted: another run? Unmount it first.")
    subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={DISK_SIZE},mode=0700", "tmpfs", str(MOUNT_POINT)],
        check=True,
    )


def unmount_small_disk() -> None:
    if os.path.ismount(MOUNT_POINT):
        subprocess.run(["umount", str(MOUNT_POINT)], check=True)
    MOUNT_POINT.rmdir()


def free_bytes() -> int:
    stats = os.statvfs(MOUNT_POINT)
    return stats.f_bavail * stats.f_frsize


def fill_disk(filler: Path) -> None:
    """Write until only LEFT_FREE bytes remain (tmpfs counts whole 4 KB pages)."""
    with filler.open("wb") as handle:
        while free_bytes() > LEFT_FREE:
            handle.write(b"\0" * 4096)
            handle.flush()


def files_on_disk() -> list[str]:
    paths = (path for path in MOUNT_POINT.rglob("*") if path.is_file())
    return sorted(str(path.relative_to(MOUNT_POINT)) for path in paths)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--signers", type=int, default=60)
    args = parser.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("Mounting the small disk needs root; the tests simulate it.")
    checks = Checks("disk full while writing a PDF")
    workdir = Path(tempfile.mkdtemp(prefix="netralitas-disk-full-"))
    os.environ.pop("DATABASE_URL", None)  # a throwaway SQLite file, never a shared database
    os.environ["LOG_LEVEL"] = "CRITICAL"  # the expected storage traceback would bury the report
    mount_small_disk()
    error = None
    try:
        from bench.pdf import configure

        configure(workdir)
        from django.conf import settings

        settings.MEDIA_ROOT = str(MOUNT_POINT)
        run(args, checks)
    except Exception as failure:
        error = failure
    finally:
        unmount_small_disk()
        log(f"{MOUNT_POINT} unmounted")
    checks.finish(error)


def run(args, checks: Checks) -> None:
    from django.core.files.storage import default_storage
    from django.test import Client
    from django.urls import reverse

    from bench.pdf import setup
    from pledges.models import AuditEntry, Document, Event, User
    from pledges.rendering import sealing
    from pledges.services import documents

    ids = setup(args.signers)
    event = Event.objects.select_related("unit", "region").get(pk=ids["event"])
    log(f"storage: {default_storage.location} ({DISK_SIZE} tmpfs)")
    filler = MOUNT_POINT / "filler.bin"
    fill_disk(filler)
    log(f"disk filled: {free_bytes():,} bytes free; building the deklarasi of {args.signers}")

    failed = documents.make_document(event, Document.Kind.DEKLARASI)
    failed.refresh_from_db()
    print(f"  status {failed.status!r}, error: {failed.error}")
    checks.check(failed.status == Document.Status.FAILED, "the document is failed")
    disk_full_said = "ruang penyimpanan server penuh" in failed.error
    checks.check(disk_full_said, "its error says, in Indonesian, that the disk is full")
    checks.check(not failed.file and not failed.sha256, "no file or hash recorded on it")
    checks.check(files_on_disk() == ["filler.bin"], f"nothing half-written left: {files_on_disk()}")
    checks.check(
        not AuditEntry.objects.filter(action="pdf", object_id=str(failed.pk)).exists(),
        "no 'pdf' audit entry",
    )
    staff = User.objects.create_user("staf-uji", is_staff=True, unit=event.unit)
    client = Client()
    client.force_login(staff)
    page = client.get(reverse("staff:event_documents", args=[event.pk])).content.decode()
    checks.check(failed.error in page, "the staff documents page shows that error")

    filler.unlink()
    log(f"space freed: {free_bytes():,} bytes free; asking again")
    retried = documents.make_document(event, Document.Kind.DEKLARASI)
    retried.refresh_from_db()
    with retried.file.open("rb") as handle:
        pdf = handle.read()
    digest = hashlib.sha256(pdf).hexdigest()
    checks.check(retried.status == Document.Status.READY, f"the retry is {retried.status}")
    checks.check(digest == retried.sha256, f"file SHA-256 {digest[:16]}… matches the record")
    checks.check(sealing.check_seal(pdf).valid, f"PAdES seal valid ({len(pdf):,} bytes)")
    checks.check(files_on_disk() == [retried.file.name], f"the disk holds {files_on_disk()}")


if __name__ == "__main__":
    main()
