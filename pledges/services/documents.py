"""Generated PDFs: pakta integritas, collective deklarasi, daftar hadir.

Contract:

- ``*_facts(...)`` gather everything a document shows as plain JSON-able data;
  its SHA-256 is the document's ``source_fingerprint``.
- ``render_pakta_integritas`` / ``render_collective_deklarasi`` /
  ``render_daftar_hadir``: facts and a ``Verification`` in,
  ``(filename, mimetype, bytes)`` out, nothing stored. The only thing they
  read is the strokes of the signatures they draw (``rendering.pdfink``).
- ``prepare_document`` returns the up-to-date document of that kind if one
  exists (ready or being made), or creates a pending ``Document`` row, so its
  verification code exists before anything is drawn. A PDF is therefore made
  again only when what it shows has changed; older ones stay verifiable.
- ``build_document`` renders, seals (PAdES) and stores a pending document and
  marks it ``ready`` with its SHA-256 and the result of validating its seal
  (``seal_valid``, ``seal_signer``), or ``failed`` with an Indonesian error:
  never ``ready`` with a missing or half-written file, and a write cut short
  (disk full) leaves no file behind. Building the same document twice (a
  task requeued after its worker died) keeps the first file.
- Queuing is in ``pledges.services.tasks`` (``enqueue_document``), which
  imports this module and never the other way round.
"""

import errno
import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import timedelta

import segno
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from pledges.core.dates import clock_time, long_date
from pledges.core.time_zones import Zone
from pledges.errors import Code, PledgeError
from pledges.models import Document, Event, Signatory
from pledges.rendering import pdfink, sealing
from pledges.rendering.facts import (
    UNDRAWN,
    collective_deklarasi_facts,
    daftar_hadir_facts,
    pakta_integritas_facts,
)
from pledges.rendering.fonts import fonts_context
from pledges.rendering.pictures import photo_data_uri, with_scans
from pledges.services import audit, person_records, reports, trail

logger = logging.getLogger(__name__)

PDF = "application/pdf"
# A pending document older than this was lost by a crashed worker: make it again.
STALE_PENDING = timedelta(minutes=30)


@dataclass(frozen=True)
class Verification:
    code: str
    url: str
    # Whether the seal will carry a TSA's timestamp; if not, the PDF says so.
    timestamped: bool = False

    @classmethod
    def of(cls, document: Document) -> "Verification":
        return cls(
            document.verification_code,
            settings.SITE_URL + document.verification_path(),
            timestamped=sealing.timestamps_configured(),
        )

    @property
    def qr_svg(self) -> str:
        # segno's inline SVG is a single path: small and sharp at any zoom. A
        # viewBox instead of a pixel size lets the stylesheet size it; the
        # default 4-module quiet zone keeps it readable beside the text.
        return segno.make(self.url, error="m").svg_inline(omitsize=True)


# Where each kind prints a signature, in millimetres (width, height): the
# ink is drawn for this box and no finer (pledges.rendering.ink).
SIGNATURE_BOX = {
    Document.Kind.PAKTA_INTEGRITAS: (45, 16),
    Document.Kind.DEKLARASI: (30, 11),
    Document.Kind.DAFTAR_HADIR: (30, 11),
    # A person's record and the laporan print no signature.
    Document.Kind.REKAM_JEJAK: (30, 11),
    Document.Kind.LAPORAN: (30, 11),
}
TEMPLATES = {
    Document.Kind.PAKTA_INTEGRITAS: "pledges/pdf/pakta_integritas.html",
    Document.Kind.DEKLARASI: "pledges/pdf/deklarasi.html",
    Document.Kind.DAFTAR_HADIR: "pledges/pdf/daftar_hadir.html",
    Document.Kind.REKAM_JEJAK: "pledges/pdf/rekam_jejak.html",
    Document.Kind.LAPORAN: "pledges/pdf/laporan.html",
}


def document_html(kind: str, facts: dict, verification: Verification) -> str:
    """The HTML WeasyPrint lays out for a document of `kind` (signatures as empty boxes)."""
    width, height = SIGNATURE_BOX[kind]
    context = {
        **facts,
        "verification": verification,
        "ink": {"width": width, "height": height},
        "fonts": fonts_context(),
    }
    return render_to_string(TEMPLATES[kind], context)


def _render(kind: str, facts: dict, verification: Verification, filename: str):
    html = document_html(kind, with_scans(facts), verification)
    pdf = pdfink.write_pdf(html, str(settings.BASE_DIR), SIGNATURE_BOX[kind])
    return f"{filename}-{verification.code}.pdf", PDF, pdf


def render_pakta_integritas(facts: dict, verification: Verification):
    """The individual pakta integritas of one signer, as (filename, mimetype, bytes)."""
    stem = "pakta-integritas-" + slugify(facts["signer"]["full_name"])[:60]
    return _render(Document.Kind.PAKTA_INTEGRITAS, facts, verification, stem)


def render_collective_deklarasi(facts: dict, verification: Verification):
    """The collective deklarasi of an event with every signer, as (filename, mimetype, bytes)."""
    stem = "deklarasi-" + slugify(facts["event"]["title"])[:60]
    return _render(Document.Kind.DEKLARASI, facts, verification, stem)


def render_daftar_hadir(facts: dict, verification: Verification):
    """The attendance list of an event by category, as (filename, mimetype, bytes)."""
    stem = "daftar-hadir-" + slugify(facts["event"]["title"])[:60]
    return _render(Document.Kind.DAFTAR_HADIR, facts, verification, stem)


def render_rekam_jejak(facts: dict, verification: Verification):
    """A person's record of pledges, as (filename, mimetype, bytes); dated when drawn."""
    zone = Zone(*facts["zone"])
    now = timezone.now()
    issued = f"{long_date(now, zone)}, {clock_time(now, zone)}"
    # The file's name (kept in storage paths and audit entries) carries no NIP.
    stem = "rekam-jejak-ikrar"
    return _render(Document.Kind.REKAM_JEJAK, {**facts, "issued": issued}, verification, stem)


def render_laporan(facts: dict, verification: Verification):
    """The laporan kegiatan of an event, as (filename, mimetype, bytes), with its photos."""
    photos = []
    for photo in facts["photos"]:
        with default_storage.open(photo["name"], "rb") as handle:
            photos.append({**photo, "uri": photo_data_uri(handle)})
    stem = "laporan-kegiatan-" + slugify(facts["event"]["title"])[:60]
    return _render(Document.Kind.LAPORAN, {**facts, "photos": photos}, verification, stem)


RENDERERS = {
    Document.Kind.PAKTA_INTEGRITAS: render_pakta_integritas,
    Document.Kind.DEKLARASI: render_collective_deklarasi,
    Document.Kind.DAFTAR_HADIR: render_daftar_hadir,
    Document.Kind.REKAM_JEJAK: render_rekam_jejak,
    Document.Kind.LAPORAN: render_laporan,
}

# Bumped whenever the PDF templates change what a document looks like.
LAYOUT_VERSION = "5"


def document_facts(event: Event, kind: str, signatory: Signatory | None = None) -> dict:
    """What a document of `kind` shows now; raises PledgeError if it cannot be made."""
    if kind == Document.Kind.PAKTA_INTEGRITAS:
        if signatory is None:
            raise PledgeError(
                _("Pakta integritas perorangan perlu penanda tangan."), Code.NO_SIGNER
            )
        return pakta_integritas_facts(signatory)
    if kind == Document.Kind.DEKLARASI:
        return collective_deklarasi_facts(event)
    if kind == Document.Kind.DAFTAR_HADIR:
        return daftar_hadir_facts(event)
    if kind == Document.Kind.LAPORAN:
        return reports.laporan_facts(event)
    if kind == Document.Kind.REKAM_JEJAK:
        raise PledgeError(_("Rekam jejak dibuat dari NIP, bukan dari kegiatan."), Code.UNKNOWN_KIND)
    raise PledgeError(_("Jenis dokumen tidak dikenal."), code=Code.UNKNOWN_KIND)


def fingerprint(facts: dict) -> str:
    shown = [LAYOUT_VERSION, facts]
    if sealing.timestamps_configured():
        # Without a TSA the PDF says its time is the server's: a TSA set up
        # later makes documents anew (those made before stay verifiable).
        shown.append("tsa")
    payload = json.dumps(shown, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def prepare_document(
    event: Event, kind: str, signatory: Signatory | None = None
) -> tuple[Document, bool]:
    """The document of `kind` showing the current data, and whether it still has to be built.

    Reuses a ready or recently started document with the same fingerprint;
    otherwise creates a pending one. Raises PledgeError if the data cannot
    make that document (draft event, nobody signed, signer has not signed).
    """
    identity = {"event": event, "kind": kind, "signatory": signatory}
    return _reuse_or_create(identity, document_facts(event, kind, signatory))


def _reuse_or_create(identity: dict, facts: dict) -> tuple[Document, bool]:
    """The ready or recently started document of `identity` showing `facts`, else a new one."""
    current = fingerprint(facts)
    existing = (
        Document.objects.filter(**identity, source_fingerprint=current)
        .exclude(status=Document.Status.FAILED)
        .order_by("-created_at")
        .first()
    )
    if existing is not None and (
        existing.status == Document.Status.READY or is_in_progress(existing)
    ):
        return existing, False
    return Document.objects.create(**identity, source_fingerprint=current), True


def prepare_record_document(unit, nip: str) -> tuple[Document, bool]:
    """The rekam jejak of `nip` issued by `unit` as its pledges are now, and whether to build it.

    Like `prepare_document`: a ready or recently started record showing the
    same pledges is reused, so asking twice makes one PDF.
    """
    identity = {"kind": Document.Kind.REKAM_JEJAK, "unit": unit, "subject_nip": nip}
    return _reuse_or_create(identity, person_records.record_facts(unit, nip))


def _facts_of(document: Document) -> dict:
    if document.kind == Document.Kind.REKAM_JEJAK:
        return person_records.record_facts(document.unit, document.subject_nip)
    return document_facts(document.event, document.kind, document.signatory)


def _seal_reason(document: Document) -> tuple[str, str]:
    """The seal's reason and location: the issuing unit, the kind, where."""
    unit = document.unit if document.event is None else document.event.unit
    if document.event is not None:
        place = document.event.region.name
    else:
        place = unit.region.name if unit.region else "Jakarta"
    reason = _("Segel %(unit)s atas %(kind)s") % {
        "unit": unit.name,
        "kind": document.get_kind_display().lower(),
    }
    return reason, place


def is_in_progress(document: Document) -> bool:
    """Pending and recent enough that a worker may still be building it."""
    return (
        document.status == Document.Status.PENDING
        and document.created_at >= timezone.now() - STALE_PENDING
    )


def latest_individual_documents(event: Event, status: str | None = None) -> dict:
    """Each signer's newest pakta integritas (of `status`, if given), by signatory id."""
    queryset = event.documents.filter(kind=Document.Kind.PAKTA_INTEGRITAS)
    if status:
        queryset = queryset.filter(status=status)
    latest = {}
    for document in queryset.order_by("created_at", "pk"):
        latest[document.signatory_id] = document
    return latest


def build_document(document: Document) -> Document:
    """Render, seal and store a pending `document`; returns it ready or failed (never raises).

    The facts are read again, so the PDF shows the data as it is now, and
    the fingerprint records exactly that.
    """
    if document.status != Document.Status.PENDING:
        return document
    try:
        facts = _facts_of(document)
        event = document.event
        # The trail's head as the PDF is drawn: printed on it and kept with it,
        # but not in the fingerprint (every download adds an entry). A
        # person's record spans events: it has no event trail to print.
        head = trail.event_head(event) if event is not None else None
        shown = {**facts, "audit": head.printed(event.region) if head else None}
        filename, _mimetype, pdf = RENDERERS[document.kind](shown, Verification.of(document))
        reason, location = _seal_reason(document)
        sealed = sealing.seal_pdf(pdf, reason=reason, location=location)
        # Validated once, here: the public page shows this record and never
        # reads the file again, whatever its size.
        seal = sealing.check_seal(sealed)
    except PledgeError as error:
        return _fail(document, error.message)
    except Exception as error:
        logger.exception("Rendering document %s failed", document.pk)
        return _fail(document, _("PDF tidak dapat dibuat: %(error)s") % {"error": error})
    document.source_fingerprint = fingerprint(facts)
    if head is not None:
        document.audit_length, document.audit_head = head.length, head.hash
        document.audit_head_at = head.at
    return _store(document, filename, sealed, seal)


def _store(document: Document, filename: str, pdf: bytes, seal: sealing.SealCheck) -> Document:
    storage = document.file.storage
    field = document.file.field
    # The name is fixed before writing, so that a write cut short (disk full,
    # I/O error) can be found and removed: nothing half-written stays behind.
    name = storage.get_available_name(
        field.generate_filename(document, filename), max_length=field.max_length
    )
    try:
        stored_name = storage.save(name, ContentFile(pdf), max_length=field.max_length)
    except Exception as error:
        logger.exception("Storing document %s failed", document.pk)
        _discard(storage, name)
        document.file = None
        return _fail(document, _storage_error_message(error))
    with transaction.atomic():
        current = Document.objects.select_for_update().get(pk=document.pk)
        if current.status != Document.Status.PENDING:
            # Another worker finished this document first (a task put back
            # in the queue while its first run was still alive): keep theirs.
            _discard(storage, stored_name)
            return current
        # "Made at" is when the PDF was drawn, which a queued task may do later
        # than the row was created; the public page lists signers up to it.
        document.file = stored_name
        document.created_at = timezone.now()
        document.sha256 = hashlib.sha256(pdf).hexdigest()
        document.pades_signed = True
        document.seal_valid = seal.valid
        document.seal_signer = seal.signer
        document.seal_signed_at = seal.signed_at
        document.seal_timestamp_at = seal.timestamped_at
        document.seal_timestamp_authority = seal.timestamp_authority
        document.seal_level = seal.level
        document.status = Document.Status.READY
        document.error = ""
        try:
            document.save()
        except Exception:
            _discard(storage, stored_name)
            raise
        audit.record("pdf", document, kind=document.kind, sha256=document.sha256)
    return document


def _discard(storage, name: str) -> None:
    try:
        if storage.exists(name):
            storage.delete(name)
    except Exception:
        logger.exception("Could not remove the unrecorded file %s", name)


def _storage_error_message(error: Exception) -> str:
    if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
        reason = _("ruang penyimpanan server penuh")
    elif isinstance(error, OSError) and error.errno == errno.EIO:
        reason = _("media penyimpanan server mengalami galat baca/tulis")
    elif isinstance(error, PermissionError):
        reason = _("server tidak berhak menulis ke folder penyimpanan")
    else:
        reason = _("galat penyimpanan (%(error)s)") % {"error": error}
    return _(
        "Berkas PDF tidak dapat disimpan: %(reason)s. Tidak ada berkas yang tercatat; "
        "hubungi pengelola server, lalu buat ulang dokumen ini."
    ) % {"reason": reason}


def _fail(document: Document, message: str) -> Document:
    document.status = Document.Status.FAILED
    document.error = message
    document.save()
    return document


def make_document(event: Event, kind: str, signatory: Signatory | None = None) -> Document:
    """Prepare and, if needed, build a document right now (for small documents)."""
    document, needs_building = prepare_document(event, kind, signatory)
    return build_document(document) if needs_building else document


def build_individual_documents(event: Event, only_missing: bool = False) -> int:
    """Make every signer's pakta integritas that is missing or out of date.

    First creates all the pending rows (so the staff page can show progress
    from the start), then builds them one by one. Returns how many of those
    signers now have a ready one; failures are recorded on their documents
    and do not stop the others.

    With `only_missing` (the run queued after signatures), only signers with
    no pakta integritas at all, or only a stale pending one, are considered:
    one query finds them, so a run costs nothing for those already done. A
    failed one is left to the staff's "make all" button, so a lasting fault
    (no certificate) is not retried after every signature.
    """
    signed = (
        event.signatories.filter(signature__isnull=False)
        .select_related("signature")
        .defer(*UNDRAWN)
    )
    if only_missing:
        handled = Document.objects.filter(event=event, kind=Document.Kind.PAKTA_INTEGRITAS).exclude(
            status=Document.Status.PENDING, created_at__lt=timezone.now() - STALE_PENDING
        )
        signed = signed.exclude(pk__in=handled.values("signatory_id"))
    documents = []
    for signatory in signed:
        signatory.event = event
        documents.append(prepare_document(event, Document.Kind.PAKTA_INTEGRITAS, signatory)[0])
    for document in documents:
        document.event = event
        build_document(document)
    return sum(document.status == Document.Status.READY for document in documents)
