"""Personal data under UU 27/2022 (Pelindungan Data Pribadi): what we hold about a person.

NIP and signatures are personal data. `export_person` gathers everything held
about one NIP, for a data subject's access request.
"""

from django.db.models import Q

from pledges.models import AuditEntry, Signatory
from pledges.nip import normalize_nip, validate_nip


def export_person(nip: str) -> dict:
    """Everything held about the person with this NIP, as JSON-ready data.

    Raises django.core.exceptions.ValidationError for a malformed NIP.
    """
    nip = normalize_nip(nip)
    validate_nip(nip)
    signatories = (
        Signatory.objects.filter(nip=nip)
        .select_related("event__unit", "event__region", "led_region", "signature__station")
        .prefetch_related("documents")
        .order_by("event__starts_at")
    )
    records = [_signatory_record(signatory) for signatory in signatories]
    ids = [str(signatory.pk) for signatory in signatories]
    audit = AuditEntry.objects.filter(
        Q(object_type="signatory", object_id__in=ids)
        | Q(object_type="signature", object_repr__in=[s.full_name for s in signatories])
    ).order_by("at")
    return {
        "nip": nip,
        "pendaftaran": records,
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
            "svg": signature.svg,
        }
    return record
