"""Signing at the venue: stations (tablets), walk-ins and recording signatures.

A station is bound to one open event by a secret token that is stored only
as its SHA-256. A signature is recorded exactly once per signatory: the
tablet's idempotency key makes a retry return the first result, and a row
lock plus the one-to-one constraint make a second station lose cleanly.
"""

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pledges import audit
from pledges.errors import PledgeError
from pledges.models import Event, Signatory, Signature, SigningStation
from pledges.signatories import register_signatory
from pledges.strokes import render_svg, validate_strokes

# Writing last contact on every request would make 50 tablets write constantly.
CONTACT_INTERVAL = timedelta(seconds=30)
MAX_LABEL_LENGTH = SigningStation._meta.get_field("label").max_length


def hash_station_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _check_event_open(event: Event) -> None:
    if event.status == Event.Status.CLOSED:
        raise PledgeError(
            _("Kegiatan ini sudah ditutup; tanda tangan tidak diterima lagi."),
            code="event_closed",
        )
    if event.status != Event.Status.OPEN:
        raise PledgeError(_("Kegiatan ini belum dibuka untuk tanda tangan."), code="event_not_open")


@transaction.atomic
def open_station(event: Event, label: str, opened_by=None) -> tuple[SigningStation, str]:
    """Open a signing station for an open event; return it with its secret token.

    The token is returned only here (it is stored hashed). Raises PledgeError:
    "event_closed" / "event_not_open", "label_required", "label_too_long".
    """
    _check_event_open(event)
    label = (label or "").strip()
    if not label:
        raise PledgeError(_("Isi nama meja, misalnya “Meja 1”."), code="label_required")
    if len(label) > MAX_LABEL_LENGTH:
        raise PledgeError(
            _("Nama meja paling panjang %(max)d karakter.") % {"max": MAX_LABEL_LENGTH},
            code="label_too_long",
        )
    token = secrets.token_urlsafe(32)
    station = SigningStation.objects.create(
        event=event, label=label, token_sha256=hash_station_token(token), opened_by=opened_by
    )
    return station, token


def revoke_station(station: SigningStation) -> SigningStation:
    """Revoke a station: its tablet is refused from its next request on. Idempotent."""
    if station.revoked_at is None:
        station.revoked_at = timezone.now()
        station.save(update_fields=["revoked_at"])
    return station


def check_station_usable(station: SigningStation) -> None:
    """Raise PledgeError "station_revoked", "event_closed" or "event_not_open"."""
    if station.revoked_at is not None:
        raise PledgeError(
            _("Meja ini sudah dicabut oleh petugas. Hubungi petugas Bawaslu untuk meja baru."),
            code="station_revoked",
        )
    _check_event_open(station.event)


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
            code="station_unknown",
        )
    check_station_usable(station)
    return station


def note_station_contact(station: SigningStation, pending: int | None = None) -> None:
    """Remember that the tablet was heard from and how many signatures it still holds.

    Writes at most once per CONTACT_INTERVAL unless the pending count changed;
    a queryset update, so no audit entry for a heartbeat.
    """
    now = timezone.now()
    changes = {}
    if station.last_seen_at is None or now - station.last_seen_at >= CONTACT_INTERVAL:
        changes["last_seen_at"] = now
    if pending is not None and pending != station.pending_signatures:
        changes["pending_signatures"] = pending
        changes["last_seen_at"] = now
    if changes:
        SigningStation.objects.filter(pk=station.pk).update(**changes)
        for field, value in changes.items():
            setattr(station, field, value)


def unsigned_signatories(station: SigningStation, query: str = "", limit: int | None = None):
    """The station's event's signatories who have not signed, optionally searched.

    `query` matches part of the name, or part of the NIP when it is digits.
    """
    signatories = Signatory.objects.filter(
        event_id=station.event_id, signature__isnull=True
    ).order_by("full_name", "pk")
    query = " ".join((query or "").split())
    if query:
        digits = "".join(ch for ch in query if ch not in " .-")
        if digits.isdigit():
            signatories = signatories.filter(nip__contains=digits)
        else:
            signatories = signatories.filter(full_name__icontains=query)
    return signatories[:limit] if limit else signatories


WALK_IN_FIELDS = {
    "full_name": (gettext_lazy("nama lengkap"), 150, True),
    "nip": (gettext_lazy("NIP"), 40, False),
    "position": (gettext_lazy("jabatan"), 200, True),
    "agency": (gettext_lazy("instansi/OPD"), 200, False),
}


def register_walk_in(station: SigningStation, data: dict) -> Signatory:
    """Register a person who is not on the list, from the station's tablet.

    `data` holds full_name, nip, position, agency and category as typed.
    Raises PledgeError: "walk_in_not_allowed", "event_closed", "field_required",
    "field_too_long", "category_invalid", "nip_required", the "nip_*" codes of
    `register_signatory`.
    """
    check_station_usable(station)
    if not station.event.allow_walk_ins:
        raise PledgeError(
            _("Kegiatan ini tidak menerima pendaftaran di tempat. Hubungi petugas."),
            code="walk_in_not_allowed",
        )
    fields = {}
    for name, (label, max_length, required) in WALK_IN_FIELDS.items():
        value = data.get(name, "")
        value = " ".join(value.split()) if isinstance(value, str) else ""
        if required and not value:
            raise PledgeError(_("Isi %(field)s.") % {"field": label}, code="field_required")
        if len(value) > max_length:
            raise PledgeError(
                _("%(field)s paling panjang %(max)d karakter.")
                % {"field": str(label).capitalize(), "max": max_length},
                code="field_too_long",
            )
        fields[name] = value
    category = data.get("category")
    if category not in Signatory.Category.values:
        raise PledgeError(_("Pilih kategori."), code="category_invalid")
    if category != Signatory.Category.NON_ASN and not fields["nip"]:
        raise PledgeError(
            _("Isi NIP (18 digit). Jika bukan ASN, pilih kategori Non-ASN."), code="nip_required"
        )
    return register_signatory(
        station.event,
        category=category,
        registration=Signatory.Registration.WALK_IN,
        **fields,
    )


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
            code="pledge_changed",
        )
    svg = render_svg(strokes)
    try:
        with transaction.atomic():
            signatory = _lock_signatory(event, submission.signatory_id)
            if signatory.already_signed:
                return _earlier_result(station, submission)
            signature = Signature(
                signatory=signatory,
                station=station,
                signed_at=timezone.now(),
                strokes=strokes,
                svg=svg,
                pledge_sha256=event.frozen_pledge_sha256,
                client_ip=submission.client_ip,
                user_agent=(submission.user_agent or "")[:300],
                idempotency_key=submission.idempotency_key,
            )
            # bulk_create skips the generic "create" audit signal: the "sign"
            # entry below records the same facts, so a signature costs one
            # audit row instead of two while 50 tablets sign at once.
            Signature.objects.bulk_create([signature])
            audit.record(
                "sign",
                signature,
                event=event,
                station=station.label,
                signatory=signatory.pk,
                signed_at=signature.signed_at,
                client_ip=signature.client_ip,
                idempotency_key=signature.idempotency_key,
                canvas=[submission.canvas_width, submission.canvas_height],
                pledge_sha256=event.frozen_pledge_sha256,
            )
    except IntegrityError:
        # Lost a race: the same key stored by a concurrent retry, the key
        # already used for someone else, or (without row locks, on SQLite)
        # another station's signature for this person committed first.
        return _earlier_result(station, submission)
    return signature


def _earlier_result(station, submission) -> Signature:
    """The signature this submission's key already stored, else the reason it is refused."""
    signature = (
        Signature.objects.select_related("signatory")
        .filter(idempotency_key=submission.idempotency_key)
        .first()
    )
    if signature is None:
        raise _already_signed()
    if signature.station_id != station.pk or signature.signatory_id != submission.signatory_id:
        raise PledgeError(
            _("Kunci pengiriman ini sudah dipakai untuk tanda tangan lain."),
            code="idempotency_conflict",
        )
    return signature


# The hottest query of the venue, written out: the ORM took longer to build
# it than PostgreSQL to answer it. The row lock makes two stations signing
# one person queue behind each other; the loser then sees the winner's row.
LOCK_SIGNATORY_SQL = (
    "SELECT s.id, s.full_name, EXISTS (SELECT 1 FROM pledges_signature g"
    " WHERE g.signatory_id = s.id) FROM pledges_signatory s"
    " WHERE s.id = %s AND s.event_id = %s"
)


def _lock_signatory(event: Event, signatory_id) -> Signatory:
    sql = LOCK_SIGNATORY_SQL
    if connection.features.has_select_for_update_of:
        sql += " FOR UPDATE OF s"
    with connection.cursor() as cursor:
        cursor.execute(sql, [signatory_id, event.pk])
        row = cursor.fetchone()
    if row is None:
        raise PledgeError(
            _("Penanda tangan tidak ditemukan pada kegiatan ini."), code="signatory_unknown"
        )
    signatory = Signatory(pk=row[0], full_name=row[1], event=event)
    signatory.already_signed = bool(row[2])
    return signatory


def _already_signed() -> PledgeError:
    return PledgeError(
        _("Nama ini sudah menandatangani ikrar (mungkin di meja lain). Tidak perlu mengulang."),
        code="already_signed",
    )
