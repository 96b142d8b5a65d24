"""What each generated document shows, as plain data.

Every value a PDF prints comes from here, so the SHA-256 of these facts
tells whether a stored PDF still shows the current data.
"""

import logging
import mimetypes

from django.utils.translation import gettext as _

from pledges.core.dates import clock_time, long_date
from pledges.core.nip import format_nip
from pledges.errors import Code, PledgeError
from pledges.models import Event, Signatory, Signature
from pledges.models.templates import COLLECTIVE, INDIVIDUAL, pledge_form
from pledges.rendering.pictures import data_uri

logger = logging.getLogger(__name__)

# The facts never read a signature's strokes or drawings: they are large.
UNDRAWN = tuple(f"signature__{name}" for name in Signature.DRAWINGS)
# Who signed for an official, and a signature's paper scan, come with each row.
WITH_HAND = ("signature", "signature__paper", "representation")
PLACE_PREFIXES = ("Kota Administrasi ", "Kabupaten Administrasi ", "Kabupaten ", "Kota ")


def place_name(region) -> str:
    """The name written before the date of a letter: "Kota Pasuruan" signs as "Pasuruan"."""
    for prefix in PLACE_PREFIXES:
        if region.name.startswith(prefix):
            return region.name.removeprefix(prefix)
    return region.name


def event_facts(event: Event, form: str = COLLECTIVE) -> dict:
    """The event and its frozen pledge in `form`: one person's wording or everyone's."""
    if not event.frozen_pledge:
        raise PledgeError(
            _("Dokumen baru dapat dibuat setelah kegiatan dibuka dan teks ikrarnya dibekukan."),
            code=Code.NOT_OPEN,
        )
    unit, region = event.unit, event.region
    return {
        "kop": kop_facts(unit),
        "event": {
            "title": event.title,
            "kind": event.get_kind_display(),
            "election": event.election,
            "venue": event.venue,
            "region": region.name,
            "place": place_name(region),
            "date": long_date(event.starts_at, region),
            "time": clock_time(event.starts_at, region),
            "chair_name": event.chair_name,
            "reader_name": event.reader_name,
        },
        "pledge": {
            **pledge_form(event.frozen_pledge, form),
            "sha256": event.frozen_pledge_sha256,
        },
    }


def signer_facts(signatory: Signatory, region, number: int | None = None) -> dict:
    signature = getattr(signatory, "signature", None) if _has_signature(signatory) else None
    return {
        "number": number,
        "full_name": signatory.full_name,
        "nip": format_nip(signatory.nip),
        "position": signatory.position,
        "agency": signatory.agency,
        "category": signatory.get_category_display(),
        "signed": signature is not None,
        "signed_date": long_date(signature.signed_at, region) if signature else "",
        "signed_time": clock_time(signature.signed_at, region) if signature else "",
        # Which signature to draw: the PDF draws it from its stored strokes
        # (pledges.rendering.pdfink), read only then. A signature never
        # changes, so its id is all the fingerprint needs.
        "signature": signature.pk if signature else None,
        # A wet-ink signature uploaded from paper: drawn from its scan, named as such.
        "paper": _paper_facts(signature),
        "representative": _representative_facts(signatory.representative),
    }


def _paper_facts(signature) -> dict | None:
    scan = signature.paper_scan if signature is not None else None
    if scan is None:
        return None
    return {"name": scan.scan.name, "sha256": scan.sha256}


def _representative_facts(representation) -> dict | None:
    """Who signs "mewakili" (a.n.) the official, on which surat tugas."""
    if representation is None:
        return None
    return {
        "full_name": representation.full_name,
        "nip": format_nip(representation.nip),
        "position": representation.position,
        "letter_number": representation.letter_number,
    }


def pakta_integritas_facts(signatory: Signatory) -> dict:
    if not _has_signature(signatory):
        raise PledgeError(
            _("%(name)s belum menandatangani, jadi pakta integritasnya belum dapat dibuat.")
            % {"name": signatory.full_name},
            code=Code.NOT_SIGNED,
        )
    event = signatory.event
    return {**event_facts(event, INDIVIDUAL), "signer": signer_facts(signatory, event.region)}


def collective_deklarasi_facts(event: Event) -> dict:
    facts = event_facts(event)
    # Protocol order, not signing order: the Wali Kota heads the list however late they signed.
    signed = (
        event.signatories.filter(signature__isnull=False)
        .select_related(*WITH_HAND)
        .defer(*UNDRAWN)
        .in_protocol_order()
    )
    signers = [signer_facts(s, event.region, number) for number, s in enumerate(signed, 1)]
    if not signers:
        raise PledgeError(
            _("Belum ada yang menandatangani; deklarasi bersama belum dapat dibuat."),
            code=Code.NO_SIGNATURES,
        )
    return {**facts, "signers": signers}


def daftar_hadir_facts(event: Event) -> dict:
    facts = event_facts(event)
    signatories = event.signatories.select_related(*WITH_HAND).defer(*UNDRAWN).in_protocol_order()
    # One group per category, in the order its first member comes in protocol
    # order: the categories' own order, unless staff set the event's order.
    by_category: dict[str, list[Signatory]] = {}
    for signatory in signatories:
        by_category.setdefault(signatory.category, []).append(signatory)
    groups, total, present = [], 0, 0
    for value, members in by_category.items():
        rows = [signer_facts(s, event.region, n) for n, s in enumerate(members, 1)]
        groups.append({"category": str(Signatory.Category(value).label), "rows": rows})
        total += len(rows)
        present += sum(row["signed"] for row in rows)
    if not total:
        raise PledgeError(_("Belum ada peserta yang terdaftar."), code=Code.NO_SIGNATORIES)
    return {**facts, "groups": groups, "total": total, "present": present}


def kop_facts(unit) -> dict:
    """The letterhead of `unit`: every document of an event carries the unit that runs it."""
    return {"unit": unit.name, "address": unit.address, "logo": _logo_data_uri(unit)}


def _has_signature(signatory: Signatory) -> bool:
    try:
        return signatory.signature is not None
    except Signatory.signature.RelatedObjectDoesNotExist:
        return False


def _logo_data_uri(unit) -> str:
    if not unit.logo:
        return ""
    try:
        with unit.logo.open("rb") as handle:
            data = handle.read()
    except OSError:
        # A lost logo file must not stop the evidence from being produced.
        logger.warning("Logo of unit %s cannot be read", unit.pk)
        return ""
    mimetype = mimetypes.guess_type(unit.logo.name)[0] or "image/png"
    return data_uri(mimetype, data)
