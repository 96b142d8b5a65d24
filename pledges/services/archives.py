"""The ZIP of an event's individual pakta integritas, assembled from stored PDFs.

Contract:

- ``request_archive(event, user)`` returns the archive being assembled for
  the event if there is one, or creates a pending ``DocumentArchive`` that
  will hold every ready pakta integritas as of now; raises PledgeError
  "no_ready_documents" when none is ready. Queuing it is
  ``pledges.services.tasks.enqueue_archive``.
- ``build_archive(archive)`` copies the stored PDFs into one ZIP under
  ``zips/``, counting them in ``done`` as it goes so the page can show
  progress, and marks it ``ready`` with its SHA-256, or ``failed`` with an
  Indonesian error. It renders nothing: a signer whose PDF is not ready is
  simply not in it. Never raises.
- A ZIP is not evidence: no seal, no verification code. Each PDF inside
  stays verifiable on its own.
"""

import hashlib
import logging
import tempfile
import zipfile

from django.core.files import File
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from pledges.errors import Code, PledgeError
from pledges.models import Document, DocumentArchive, Event
from pledges.services import audit
from pledges.services.documents import STALE_PENDING, latest_individual_documents

logger = logging.getLogger(__name__)

# The page polls every 2 s; one progress write per this many PDFs is plenty.
PROGRESS_EVERY = 50


def latest_archive(event: Event) -> DocumentArchive | None:
    return event.archives.order_by("-created_at", "-pk").first()


def is_in_progress(archive: DocumentArchive | None) -> bool:
    """Pending and recent enough that a worker may still be assembling it."""
    return (
        archive is not None
        and archive.status == Document.Status.PENDING
        and archive.created_at >= timezone.now() - STALE_PENDING
    )


def request_archive(event: Event, user=None) -> tuple[DocumentArchive, bool]:
    """The archive to wait for, and whether it still has to be queued."""
    current = latest_archive(event)
    if is_in_progress(current):
        return current, False
    ready = latest_individual_documents(event, Document.Status.READY)
    if not ready:
        raise PledgeError(
            _(
                "Belum ada pakta integritas perorangan yang siap. Tunggu sampai PDF-nya "
                "selesai dibuat, lalu coba lagi."
            ),
            code=Code.NO_READY_DOCUMENTS,
        )
    archive = DocumentArchive.objects.create(event=event, total=len(ready), requested_by=user)
    return archive, True


def build_archive(archive: DocumentArchive) -> DocumentArchive:
    """Assemble a pending `archive` from the stored PDFs; returns it ready or failed."""
    if archive.status != Document.Status.PENDING:
        return archive
    event = archive.event
    ready = list(latest_individual_documents(event, Document.Status.READY).values())
    DocumentArchive.objects.filter(pk=archive.pk).update(total=len(ready), done=0)
    archive.total = len(ready)
    digest = hashlib.sha256()
    try:
        with tempfile.TemporaryFile() as spool:
            with zipfile.ZipFile(spool, "w", zipfile.ZIP_STORED) as bundle:
                for number, document in enumerate(ready, 1):
                    # PDFs are compressed already: stored as they are, streamed.
                    with (
                        document.file.open("rb") as source,
                        bundle.open(document.file.name.rsplit("/", 1)[-1], "w") as target,
                    ):
                        while chunk := source.read(1024 * 1024):
                            target.write(chunk)
                    if number % PROGRESS_EVERY == 0:
                        DocumentArchive.objects.filter(pk=archive.pk).update(done=number)
            spool.seek(0)
            while chunk := spool.read(1024 * 1024):
                digest.update(chunk)
            spool.seek(0)
            name = f"pakta-integritas-{slugify(event.title)[:60]}-{archive.pk}.zip"
            archive.file.save(name, File(spool), save=False)
    except Exception as error:
        logger.exception("Assembling archive %s failed", archive.pk)
        archive.status = Document.Status.FAILED
        archive.error = _(
            "ZIP tidak dapat dibuat: %(error)s. Coba lagi; bila terulang, hubungi pengelola server."
        ) % {"error": error}
        archive.finished_at = timezone.now()
        archive.save()
        return archive
    archive.status = Document.Status.READY
    archive.done = len(ready)
    archive.sha256 = digest.hexdigest()
    archive.finished_at = timezone.now()
    archive.save()
    audit.record("create", archive, event=event, count=archive.done, sha256=archive.sha256)
    return archive
