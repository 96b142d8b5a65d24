"""Personal data under UU 27/2022 (Pelindungan Data Pribadi): what we hold about a person.

NIP and signatures are personal data. `export_person` gathers everything held
about one NIP, for a data subject's access request; `purge_event_personal_data`
erases an event's personal data once its retention period is over.
"""

from datetime import timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from pledges.core.nip import normalize_nip, validate_nip
from pledges.db.signatures import erase_signatures
from pledges.errors import Code, PledgeError
from pledges.models import (
    AuditEntry,
    Document,
    Event,
    PaperSignature,
    Representation,
    Signatory,
    Signature,
)
from pledges.rendering.pictures import signature_svg
from pledges.services import audit, trail


def export_person(nip: str) -> dict:
    """Everything held about the person with this NIP, as JSON-ready data.

    Raises django.core.exceptions.ValidationError for a malformed NIP.
    """
    nip = normalize_nip(nip)
    validate_nip(nip)
    signatories = (
        Signatory.objects.filter(nip=nip)
        .select_related(
            "event__unit",
            "event__region",
            "led_region",
            "signature__station",
            "signature__paper",
            "representation",
        )
        .prefetch_related("documents")
        .order_by("event__starts_at")
    )
    records = [_signatory_record(signatory) for signatory in signatories]
    ids = [str(signatory.pk) for signatory in signatories]
    signature_ids = [
        str(s.signature.pk) for s in signatories if getattr(s, "signature", None) is not None
    ]
    audit = AuditEntry.objects.filter(
        Q(object_type="Signatory", object_id__in=ids)
        | Q(object_type="Signature", object_id__in=signature_ids)
    ).order_by("at")
    # Where this person signed "mewakili" someone else, on a surat tugas.
    represented = (
        Representation.objects.filter(nip=nip)
        .select_related("signatory__event__unit")
        .order_by("signatory__event__starts_at", "pk")
    )
    return {
        "nip": nip,
        "pendaftaran": records,
        "mewakili": [
            {
                "kegiatan": item.signatory.event.title,
                "unit": item.signatory.event.unit.name,
                "waktu_kegiatan": item.signatory.event.starts_at.isoformat(),
                "pejabat_yang_diwakili": item.signatory.full_name,
                "nama": item.full_name,
                "jabatan": item.position,
                "nomor_surat_tugas": item.letter_number,
                "dicatat": item.created_at.isoformat(),
            }
            for item in represented
        ],
        "jejak_audit": [
            {
                "waktu": entry.at.isoformat(),
                "tindakan": entry.get_action_display(),
                "objek": entry.object_repr,
                "perubahan": entry.changes,
            }
            for entry in audit
        ],
    }


def _signatory_record(signatory: Signatory) -> dict:
    event = signatory.event
    record = {
        "kegiatan": event.title,
        "unit": event.unit.name,
        "waktu_kegiatan": event.starts_at.isoformat(),
        "tempat": f"{event.venue}, {event.region.name}",
        "nama": signatory.full_name,
        "jabatan": signatory.position,
        "kategori": signatory.get_category_display(),
        "instansi": signatory.agency,
        "wilayah_dipimpin": signatory.led_region.name if signatory.led_region else "",
        "cara_pendaftaran": signatory.get_registration_display(),
        "didaftarkan": signatory.created_at.isoformat(),
        "tanda_tangan": None,
        "dokumen": [
            {
                "jenis": document.get_kind_display(),
                "kode_verifikasi": document.verification_code,
                "sha256": document.sha256,
            }
            for document in signatory.documents.all()
        ],
    }
    signature = getattr(signatory, "signature", None)
    if signature is not None:
        record["tanda_tangan"] = {
            "waktu": signature.signed_at.isoformat(),
            "meja": signature.station.label if signature.station else "",
            "alamat_ip": signature.client_ip,
            "perangkat": signature.user_agent,
            "sha256_ikrar": signature.pledge_sha256,
            "goresan": signature.strokes,
            "svg": signature_svg(signature),
        }
        scan = signature.paper_scan
        if scan is not None:
            record["tanda_tangan"]["tanda_tangan_basah"] = {
                "sha256": scan.sha256,
                "jenis_berkas": scan.content_type,
                "ukuran": scan.size,
            }
    representative = signatory.representative
    if representative is not None:
        record["diwakili_oleh"] = {
            "nama": representative.full_name,
            "jabatan": representative.position,
            "nomor_surat_tugas": representative.letter_number,
        }
    return record


def events_past_retention(now=None):
    """Closed events whose retention period is over and whose personal data is still held."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.PERSONAL_DATA_RETENTION_DAYS)
    return Event.objects.filter(
        status=Event.Status.CLOSED, closed_at__lt=cutoff, personal_data_purged_at__isnull=True
    )


def purge_event_personal_data(event: Event, now=None) -> dict[str, int]:
    """Erase the personal data of a closed event past its retention period.

    Signatures (strokes, picture, IP, device) are deleted; signatories keep only
    their category and the region they lead; PDF files are deleted but their
    Document rows keep SHA-256 and verification code, so a copy someone kept
    can still be checked on the verification page. Audit entries about the
    signatories lose their details. The event keeps its final counts.
    Raises PledgeError(code=Code.RETENTION) if the event is not past retention.
    """
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        if not events_past_retention(now).filter(pk=event.pk).exists():
            raise PledgeError(
                f"Kegiatan #{event.pk} belum melewati masa retensi "
                f"{settings.PERSONAL_DATA_RETENTION_DAYS} hari sejak ditutup, "
                "atau datanya sudah dihapus.",
                Code.RETENTION,
            )
        signatories = Signatory.objects.filter(event=event)
        signature_ids = list(
            Signature.objects.filter(signatory__event=event).values_list("pk", flat=True)
        )
        documents = list(Document.objects.filter(event=event).exclude(file=""))
        scans = list(
            PaperSignature.objects.filter(signature__signatory__event=event).values_list(
                "scan", flat=True
            )
        )
        # Raw: a representative's name and NIP must not move into "delete" audit entries.
        representations = Representation.objects.filter(signatory__event=event)
        representations._raw_delete(representations.db)
        erase_signatures(signature_ids)
        # Each entry keeps the SHA-256 of what is erased (`personal_sha256`),
        # so the event's hash chain still verifies (`trail.check_chain`).
        AuditEntry.objects.filter(event_id=event.pk, object_type__in=trail.PURGED_TYPES).update(
            object_repr=trail.PURGED_REPR, changes={}
        )
        erased = signatories.update(
            full_name="(dihapus)", nip="", position="", agency="", search_text="(dihapus)"
        )
        Document.objects.filter(pk__in=[d.pk for d in documents]).update(file="")
        event.personal_data_purged_at = now or timezone.now()
        Event.objects.filter(pk=event.pk).update(
            personal_data_purged_at=event.personal_data_purged_at
        )
        names = [document.file.name for document in documents] + scans
        # Files go only once the database agrees; a failed transaction keeps them.
        transaction.on_commit(lambda: [default_storage.delete(name) for name in names])
    audit.record("delete", event, personal_data="dihapus setelah masa retensi")
    return {"signatures": len(signature_ids), "signatories": erased, "files": len(names)}
