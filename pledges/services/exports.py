"""An event's signatories as a CSV or XLSX file."""

from pledges.core.labels import label_of
from pledges.models import Event, Signatory
from pledges.models.clock import local_time_of
from pledges.rendering.facts import UNDRAWN
from pledges.rendering.spreadsheets import write_table
from pledges.services.filenames import event_file_name

HEADER = [
    "Nama lengkap",
    "NIP",
    "Jabatan",
    "Kategori",
    "Instansi/OPD",
    "Wilayah yang dipimpin",
    "Cara pendaftaran",
    "Waktu tanda tangan",
    "Meja tanda tangan",
    "Cara tanda tangan",
    "Diwakili oleh",
]


def _how_signed(signature) -> str:
    if signature is None:
        return ""
    return "tanda tangan basah (pindaian)" if signature.paper_scan else "tablet"


def export_signatories(event: Event, fmt: str) -> tuple[str, str, bytes]:
    """(filename, mimetype, bytes) of every signatory of `event` with their signing time,
    in the region's time zone, and station, in protocol order. One query whatever the size."""
    signatories = (
        Signatory.objects.filter(event=event)
        .select_related("led_region", "signature__station", "signature__paper", "representation")
        .defer(*UNDRAWN)
        .in_protocol_order()
    )
    rows = []
    for signatory in signatories:
        signature = getattr(signatory, "signature", None)
        representative = signatory.representative
        rows.append(
            [
                signatory.full_name,
                signatory.nip,
                signatory.position,
                label_of(Signatory.Category, signatory.category),
                signatory.agency,
                signatory.led_region.name if signatory.led_region else "",
                label_of(Signatory.Registration, signatory.registration),
                local_time_of(event, signature.signed_at, "stamp") if signature else "",
                signature.station.label if signature and signature.station else "",
                _how_signed(signature),
                f"{representative.full_name} ({representative.position}), surat tugas "
                f"{representative.letter_number}"
                if representative
                else "",
            ]
        )
    basename = event_file_name(event, "penanda-tangan", fmt).rsplit(".", 1)[0]
    return write_table(basename, fmt, HEADER, rows)
