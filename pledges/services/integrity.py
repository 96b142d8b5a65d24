"""Checks that the evidence still proves what it says: run after a restore, or any time.

Each check yields human-readable problems (Indonesian); an empty result means
every frozen pledge, signature and its stored drawing, stored PDF and audit hash chain is intact.
"""

import hashlib
import itertools
from collections.abc import Iterator

from django.core.files.storage import default_storage

from pledges.models import AuditEntry, Document, Event, Signature
from pledges.models.templates import pledge_text, sha256_hex
from pledges.rendering.ink import ink_sha256
from pledges.services.trail import check_audit_chains, check_document_anchors

# Signatures (and their audit entries) read at a time.
CHUNK = 1000


def check_frozen_pledges() -> Iterator[str]:
    """Every opened event's frozen text still hashes to its recorded SHA-256."""
    events = Event.objects.exclude(frozen_pledge_sha256="").only(
        "pk", "frozen_pledge", "frozen_pledge_text", "frozen_pledge_sha256"
    )
    for event in events.iterator(chunk_size=2000):
        if sha256_hex(event.frozen_pledge_text) != event.frozen_pledge_sha256:
            yield f"Kegiatan #{event.pk}: teks ikrar tidak cocok dengan SHA-256-nya."
        elif pledge_text(event.frozen_pledge) != event.frozen_pledge_text:
            yield f"Kegiatan #{event.pk}: butir ikrar tidak cocok dengan teks yang dibekukan."


def check_signatures() -> Iterator[str]:
    """Every signature refers to the pledge text its event froze."""
    signatures = Signature.objects.values_list(
        "pk", "pledge_sha256", "signatory__event__frozen_pledge_sha256"
    )
    for pk, signed_sha, event_sha in signatures.iterator(chunk_size=5000):
        if signed_sha != event_sha:
            yield f"Tanda tangan #{pk}: SHA-256 ikrar berbeda dari yang dibekukan kegiatan."


def check_signature_drawings() -> Iterator[str]:
    """Every drawing stored with a signature is the one its "sign" audit entry recorded.

    The drawing is what documents print (`pledges.rendering.ink.stored_ink`);
    its SHA-256 is in the entry, which the hash chain holds: a drawing
    rewritten in the database shows here, and a rewritten entry in the chain.
    """
    stored = Signature.objects.filter(ink__isnull=False).order_by("pk").values_list("pk", "ink")
    rows = stored.iterator(chunk_size=CHUNK)
    for chunk in iter(lambda: list(itertools.islice(rows, CHUNK)), []):
        entries = AuditEntry.objects.filter(
            action="sign", object_type="Signature", object_id__in=[str(pk) for pk, _ink in chunk]
        )
        recorded = {
            int(object_id): (changes or {}).get("ink_sha256")
            for object_id, changes in entries.values_list("object_id", "changes")
        }
        for pk, ink in chunk:
            if pk not in recorded or recorded[pk] is None:
                yield f"Tanda tangan #{pk}: gambar cetaknya tidak tercatat di jejak audit."
            elif recorded[pk] != ink_sha256(ink):
                yield (
                    f"Tanda tangan #{pk}: gambar cetaknya tidak cocok dengan yang tercatat "
                    "saat ditandatangani."
                )


def file_sha256(name: str) -> str:
    digest = hashlib.sha256()
    with default_storage.open(name, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def check_documents() -> Iterator[str]:
    """Every ready PDF still on storage hashes to the SHA-256 recorded when it was made."""
    documents = Document.objects.filter(status=Document.Status.READY).exclude(file="")
    for document in documents.only("pk", "file", "sha256").iterator(chunk_size=2000):
        if not default_storage.exists(document.file.name):
            yield f"Dokumen #{document.pk}: berkas {document.file.name} tidak ada."
        elif file_sha256(document.file.name) != document.sha256:
            yield f"Dokumen #{document.pk}: isi berkas tidak cocok dengan SHA-256-nya."


def verify_everything() -> tuple[dict[str, int], list[str]]:
    """Run every check; return (how many of each were checked, the problems found)."""
    problems = [
        *check_frozen_pledges(),
        *check_signatures(),
        *check_signature_drawings(),
        *check_documents(),
        *check_audit_chains(),
        *check_document_anchors(),
    ]
    counts = {
        "kegiatan": Event.objects.exclude(frozen_pledge_sha256="").count(),
        "tanda tangan": Signature.objects.count(),
        "gambar tanda tangan": Signature.objects.filter(ink__isnull=False).count(),
        "dokumen": Document.objects.filter(status=Document.Status.READY).count(),
        "entri audit": AuditEntry.objects.count(),
    }
    return counts, problems
