"""Signing at the venue: stations (tablets), walk-ins and recording signatures.

A station is bound to one open event by a secret token that is stored only
as its SHA-256. A signature is recorded exactly once per signatory: the
tablet's idempotency key makes a retry return the first result, and the
one-to-one constraint makes a second station lose cleanly.
"""

import hashlib
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from pledges.core.nip import ASCII_DIGITS, normalize_nip
from pledges.core.text import spellings
from pledges.db.signatures import NAME_SLOT, store_signature
from pledges.errors import Code, PledgeError
from pledges.models import Event, Region, Signatory, Signature, SigningStation
from pledges.rendering.ink import ink_sha256, stored_ink
from pledges.rendering.strokes import validate_strokes
from pledges.services import audit, devices, representation, rulebook, tasks
from pledges.services.signatories import (
    MAX_NIP_TYPED,
    clean_signatory_text,
    register_signatory,
)

# Writing last contact on every request would make 50 tablets write constantly.
CONTACT_INTERVAL = timedelta(seconds=30)
MAX_LABEL_LENGTH = SigningStation._meta.get_field("label").max_length
# A browser's User-Agent is kept as far as the signature's column holds it.
USER_AGENT_LENGTH = Signature._meta.get_field("user_agent").max_length


def hash_station_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def open_station(event: Event, label: str, opened_by=None) -> tuple[SigningStation, str]:
    """Open a signing station for an open event; return it with its secret token.

    The token is returned only here (it is stored hashed). Raises PledgeError:
    "event_closed" / "event_not_open", "label_required", "label_too_long".
    """
    rulebook.check_signing_open(event)
    label = devices.device_label(
        label, noun=_("meja"), example=_("Meja 1"), max_length=MAX_LABEL_LENGTH
    )
    token = secrets.token_urlsafe(32)
    station = SigningStation.objects.create(
        event=event, label=label, token_sha256=hash_station_token(token), opened_by=opened_by
    )
    return station, token


def revoke_station(station: SigningStation) -> SigningStation:
    """Revoke a station: its tablet is refused from its next request on. Idempotent."""
    return devices.revoke(station)


def check_station_usable(station: SigningStation) -> None:
    """Raise PledgeError "station_revoked", "event_closed" or "event_not_open"."""
    if station.revoked_at is not None:
        raise PledgeError(
            _("Meja ini sudah dicabut oleh petugas. Hubungi petugas Bawaslu untuk meja baru."),
            code=Code.STATION_REVOKED,
        )
    rulebook.check_signing_open(station.event)


def authenticate_station(token: str) -> SigningStation:
    """The usable station whose secret token this is.

    Raises PledgeError "station_unknown" for a wrong token, and the codes of
    `check_station_usable` for a revoked station or an event not open.
    """
    station = (
        SigningStation.objects.select_related("event", "event__region")
        .filter(token_sha256=hash_station_token(token or ""))
        .first()
    )
    if station is None:
        raise PledgeError(
            _("Tautan meja tidak dikenal. Minta tautan atau kode QR baru kepada petugas."),
            code=Code.STATION_UNKNOWN,
        )
    check_station_usable(station)
    return station


def note_station_contact(
    station: SigningStation,
    pending: int | None = None,
    undeliverable: int | None = None,
    storage_low: bool | None = None,
) -> None:
    """Remember that the tablet was heard from and how many signatures it still holds.

    `pending` are waiting to be sent; `undeliverable` were refused for good
    (the station revoked, the event closed, the person signed elsewhere) and
    stay on the tablet until staff act; `storage_low` when the tablet has room
    for few more. Writes at most once per
    CONTACT_INTERVAL unless a count changed; a queryset update, so no audit
    entry for a heartbeat. Called before the station is checked: a revoked
    station's tablet is still heard.
    """
    now = timezone.now()
    changes = {}
    if station.last_seen_at is None or now - station.last_seen_at >= CONTACT_INTERVAL:
        changes["last_seen_at"] = now
    for field, count in (
        ("pending_signatures", pending),
        ("undeliverable_signatures", undeliverable),
        ("storage_low", storage_low),
    ):
        if count is not None and count != getattr(station, field):
            changes[field] = count
            changes["last_seen_at"] = now
    if changes:
        SigningStation.objects.filter(pk=station.pk).update(**changes)
        for field, value in changes.items():
            setattr(station, field, value)


def hand_over_station(previous_id: int, station: SigningStation) -> None:
    """A tablet bound to `previous_id` is now bound to `station`.

    When both are of the same event the tablet brings its queued signatures
    along and reports them to `station` from now on: the old station no
    longer shows them, so staff never count them twice.
    """
    if previous_id != station.pk:
        SigningStation.objects.filter(pk=previous_id, event_id=station.event_id).update(
            pending_signatures=0, undeliverable_signatures=0
        )


def unsigned_signatories(station: SigningStation, query: str = "", limit: int | None = None):
    """The station's event's signatories who have not signed, optionally searched.

    `query` matches part of the name, or part of the NIP when it is digits (of
    any script, grouped as people type them). A name matches whether it was
    typed composed or decomposed: names are stored in NFC, and the NFD
    spelling finds those stored before that.
    """
    signatories = Signatory.objects.filter(
        event_id=station.event_id, signature__isnull=True
    ).in_protocol_order()
    names = spellings(query or "")
    if names[0]:
        digits = normalize_nip(names[0])
        if digits and ASCII_DIGITS.issuperset(digits):
            signatories = signatories.filter(nip__contains=digits)
        else:
            matches = Q()
            for name in names:
                matches |= Q(full_name__icontains=name)
            signatories = signatories.filter(matches)
    return signatories[:limit] if limit else signatories


# What a walk-in types; required, named and as long as the model's fields say.
WALK_IN_FIELDS = ("full_name", "nip", "position", "agency")


def walk_in_max_lengths() -> dict[str, int]:
    """How many characters each walk-in field takes: the model's, and a NIP as typed."""
    return {
        name: MAX_NIP_TYPED if name == "nip" else Signatory._meta.get_field(name).max_length
        for name in WALK_IN_FIELDS
    }


# A Kemendagri code as the tablet's list gives it, e.g. 35.75.01.1001.
REGION_CODE = re.compile(r"[0-9]{2}(?:\.[0-9]{2,4}){1,3}")


def register_walk_in(station: SigningStation, data: dict) -> Signatory:
    """Register a person who is not on the list, from the station's tablet.

    `data` holds full_name, nip, position, agency and category as typed, and
    for a camat, lurah or kepala desa `led_region`: the code of the kecamatan
    or desa/kelurahan of the event's kab/kota they lead, chosen from the list
    the tablet shows, so that they count in the event's coverage.
    Raises PledgeError: "walk_in_not_allowed", "event_closed", "text_invalid",
    "field_required", "field_too_long", "category_invalid", "nip_required",
    "region_unknown", the "nip_*" and "region_*" codes of `register_signatory`.
    """
    check_station_usable(station)
    if not station.event.allow_walk_ins:
        raise PledgeError(
            _("Kegiatan ini tidak menerima pendaftaran di tempat. Hubungi petugas."),
            code=Code.WALK_IN_NOT_ALLOWED,
        )
    fields = {
        name: data.get(name) if isinstance(data.get(name), str) else "" for name in WALK_IN_FIELDS
    }
    fields["nip"] = fields["nip"].strip()
    if len(fields["nip"]) > MAX_NIP_TYPED:
        raise PledgeError(
            _("NIP paling panjang %(max)d karakter.") % {"max": MAX_NIP_TYPED},
            code=Code.FIELD_TOO_LONG,
        )
    clean_signatory_text(fields)
    for name in WALK_IN_FIELDS:
        field = Signatory._meta.get_field(name)
        if not field.blank and not fields[name]:
            raise PledgeError(
                _("Isi %(field)s.") % {"field": field.verbose_name}, code=Code.FIELD_REQUIRED
            )
    category = data.get("category")
    if category not in Signatory.Category.values:
        raise PledgeError(_("Pilih kategori."), code=Code.CATEGORY_INVALID)
    if category != Signatory.Category.NON_ASN and not fields["nip"]:
        raise PledgeError(
            _("Isi NIP (18 digit). Jika bukan ASN, pilih kategori Non-ASN."), code=Code.NIP_REQUIRED
        )
    return register_signatory(
        station.event,
        category=category,
        registration=Signatory.Registration.WALK_IN,
        led_region=_walk_in_led_region(category, data.get("led_region")),
        **fields,
    )


def _walk_in_led_region(category: str, code) -> Region | None:
    """The region a walk-in chose; whether it fits is `check_led_region`'s to say."""
    level = Signatory.REGION_LEVEL_FOR_CATEGORY.get(category)
    if code in (None, ""):
        if level is None:
            return None
        kind = _("kecamatan") if level == Region.Level.DISTRICT else _("desa/kelurahan")
        raise PledgeError(
            _("Pilih %(kind)s yang Anda pimpin.") % {"kind": kind}, code=Code.FIELD_REQUIRED
        )
    region = None
    if isinstance(code, str) and REGION_CODE.fullmatch(code):
        region = Region.objects.filter(pk=code).first()
    if region is None:
        raise PledgeError(
            _("Wilayah yang dipilih tidak dikenal. Pilih dari daftar di layar."),
            code=Code.REGION_UNKNOWN,
        )
    return region


@dataclass(frozen=True)
class SignatureSubmission:
    idempotency_key: uuid.UUID
    signatory_id: int
    strokes: list
    canvas_width: float
    canvas_height: float
    pledge_sha256: str
    client_ip: str | None = None
    user_agent: str = ""
    # The station the tablet says the signature was drawn under, when it was
    # queued under one that was revoked and is sent now under another.
    taken_at_station: int | None = None
    # Who signs "mewakili" the signatory, as typed at the tablet (if the event allows it).
    representative: dict | None = None


def record_signature(station: SigningStation, submission: SignatureSubmission) -> Signature:
    """Store one signature taken at `station`, exactly once; return it.

    A second call with the same idempotency key returns the signature the
    first stored. Raises PledgeError: the codes of `validate_strokes`,
    "pledge_changed" (the text on screen is not the event's frozen text),
    "signatory_unknown" (not a signatory of this event), "already_signed"
    (another submission for this person won), "idempotency_conflict", and
    those of `check_station_usable`.
    """
    check_station_usable(station)
    event = station.event
    strokes = validate_strokes(
        submission.strokes, submission.canvas_width, submission.canvas_height
    )
    if submission.pledge_sha256 != event.frozen_pledge_sha256:
        raise PledgeError(
            _("Teks ikrar di layar tidak sama dengan teks ikrar kegiatan. Muat ulang halaman."),
            code=Code.PLEDGE_CHANGED,
        )
    values = {
        "signatory_id": submission.signatory_id,
        "station_id": station.pk,
        "signed_at": timezone.now(),
        "strokes": strokes,
        # Drawn from the strokes where it is shown (pictures.signature_svg), not here.
        "svg": "",
        # Drawn here, once, for every list that prints it (about 3 ms).
        "ink": stored_ink(strokes),
        "pledge_sha256": event.frozen_pledge_sha256,
        "client_ip": submission.client_ip,
        "user_agent": (submission.user_agent or "")[:USER_AGENT_LENGTH],
        "idempotency_key": submission.idempotency_key,
    }
    signature = Signature(**values)
    signature.station = station
    # The signer's name is read by the statement that stores the signature.
    signature.signatory = Signatory(pk=submission.signatory_id, full_name=NAME_SLOT, event=event)
    # What the audit entry records besides the signature's own id and label.
    changes = {
        "station": station.label,
        "signatory": submission.signatory_id,
        "signed_at": values["signed_at"],
        "client_ip": submission.client_ip,
        "idempotency_key": submission.idempotency_key,
        "canvas": [submission.canvas_width, submission.canvas_height],
        "pledge_sha256": event.frozen_pledge_sha256,
        # Binds the stored drawing to the hash chain: a drawing rewritten later shows.
        "ink_sha256": ink_sha256(values["ink"]),
    }
    if submission.taken_at_station not in (None, station.pk):
        changes["taken_at_station"] = submission.taken_at_station
    if submission.representative is not None:
        changes["representative"] = submission.representative.get("full_name")
    entry = audit.entry_values("sign", signature, event, changes, at=values["signed_at"])
    if submission.representative is not None:
        return _record_represented(station, submission, values, entry)
    try:
        stored = store_signature(values, event.pk, entry)
    except IntegrityError:
        # A foreign key no longer holds: the person was removed from the list
        # between the check and the commit.
        raise signatory_unknown() from None
    if stored.name is None:
        raise signatory_unknown()
    if stored.pk is None:
        # This person already has a signature or the key was used before:
        # which of those it was is read back here.
        return _earlier_result(station, submission)
    signature.pk = stored.pk
    signature.signatory = Signatory(pk=submission.signatory_id, full_name=stored.name, event=event)
    tasks.queue_documents_after_signature(event.pk)
    return signature


def _record_represented(station, submission, values, entry) -> Signature:
    """A signature drawn by a representative who gave their details at the tablet: the
    representation and the signature are stored together, or neither is."""
    event = station.event
    if not event.allow_representatives:
        raise PledgeError(
            _(
                "Kegiatan ini tidak menerima pencatatan wakil di tablet. "
                "Minta petugas Bawaslu mencatat Anda sebagai wakil."
            ),
            code=Code.REPRESENTATION_NOT_ALLOWED,
        )
    if Signature.objects.filter(idempotency_key=submission.idempotency_key).exists():
        return _earlier_result(station, submission)
    signatory = Signatory.objects.filter(pk=submission.signatory_id, event_id=event.pk).first()
    if signatory is None:
        raise signatory_unknown()
    already = signatory_signed_elsewhere()
    if Signature.objects.filter(signatory_id=signatory.pk).exists():
        raise already
    with transaction.atomic():
        representation.represent(signatory, submission.representative, station=station)
        stored = store_signature(values, event.pk, entry)
        if stored.pk is None:
            raise already  # and the representation goes with it
    signature = Signature(**values)
    signature.pk = stored.pk
    signature.signatory = signatory
    tasks.queue_documents_after_signature(event.pk)
    return signature


def _earlier_result(station, submission) -> Signature:
    """The signature this submission's key already stored, else the reason it is refused.

    The same key and person from another station of the event is the same
    submission, moved with its tablet to a new station: it gets the first result.
    """
    signature = (
        Signature.objects.select_related("signatory")
        .filter(idempotency_key=submission.idempotency_key)
        .first()
    )
    if signature is None:
        raise signatory_signed_elsewhere()
    # The key alone may come from another station of the same event: a
    # signature taken on a tablet whose station was revoked, sent again once
    # staff bound the tablet to a new one. The person names the event.
    if signature.signatory_id != submission.signatory_id:
        raise PledgeError(
            _("Kunci pengiriman ini sudah dipakai untuk tanda tangan lain."),
            code=Code.IDEMPOTENCY_CONFLICT,
        )
    return signature


def signatory_signed_elsewhere() -> PledgeError:
    """What a tablet is told when another submission for its person won."""
    return PledgeError(
        _("Nama ini sudah menandatangani ikrar (mungkin di meja lain). Tidak perlu mengulang."),
        code=Code.ALREADY_SIGNED,
    )


def signatory_unknown() -> PledgeError:
    return PledgeError(
        _("Penanda tangan tidak ditemukan pada kegiatan ini."), code=Code.SIGNATORY_UNKNOWN
    )
