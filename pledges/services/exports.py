"""An event's signatories as a CSV or XLSX file."""

from django.utils.text import slugify

from pledges.core.labels import label_of
from pledges.models import Event, Signatory
from pledges.rendering.spreadsheets import write_table

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
]


def export_signatories(event: Event, fmt: str) -> tuple[str, str, bytes]:
    """(filename, mimetype, bytes) of every signatory of `event` with their signing time,
    in the region's time zone, and station, in protocol order. One query whatever the size."""
    zone, abbreviation = event.region.time_zone, event.region.time_zone_abbreviation
    signatories = (
        Signatory.objects.filter(event=event)
        .select_related("led_region", "signature__station")
        .defer("signature__strokes", "signature__svg")
        .in_protocol_order()
    )
    rows = []
    for signatory in signatories:
        signature = getattr(signatory, "signature", None)
        rows.append(
            [
                signatory.full_name,
                signatory.nip,
                signatory.position,
                label_of(Signatory.Category, signatory.category),
                signatory.agency,
                signatory.led_region.name if signatory.led_region else "",
                label_of(Signatory.Registration, signatory.registration),
                f"{signature.signed_at.astimezone(zone):%Y-%m-%d %H:%M:%S} {abbreviation}"
                if signature
                else "",
                signature.station.label if signature and signature.station else "",
            ]
        )
    basename = f"penanda-tangan-{slugify(event.title)[:60]}-{event.pk}"
    return write_table(basename, fmt, HEADER, rows)
