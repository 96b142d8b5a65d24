"""The rulebook: what may change about events, their people, units, templates and
accounts, in which state, and by whom.

Every door asks here before it writes: the staff pages and the kiosk through
the domain functions (`pledges.services.events`, `pledges.services.signatories`, …), the Django
admin in its forms (to show the refusal beside the field) and again through
the same domain functions when it saves, management commands and tasks
through the domain functions. The checks only read; each raises
`PledgeError` with a `Code` and an Indonesian message.
"""

import re
from collections.abc import Iterable
from datetime import timedelta

from django.utils.translation import gettext as _

from pledges.errors import Code, PledgeError
from pledges.models import BawasluUnit, Event, Signature
from pledges.services.visibility import units_visible_to

# --- Events --------------------------------------------------------------------

# What staff describe about an event.
EVENT_DETAILS = (
    "unit",
    "title",
    "kind",
    "election",
    "starts_at",
    "venue",
    "region",
    "template",
    "chair_name",
    "reader_name",
    "allow_walk_ins",
    "allow_representatives",
)
# Set by opening and closing (and the retention purge), never by hand: this
# is what a signature and a sealed PDF refer to.
EVENT_EVIDENCE = (
    "status",
    *Event.SET_ONCE_FIELDS,
    "personal_data_purged_at",
    "created_by",
    "created_at",
)
# Details that stop changing once signing opens: the pledge is frozen, so the
# template no longer matters; the region decides who may lead which kecamatan
# and the time zone signatures are shown in; the unit decides who sees them.
LOCKED_WHEN_OPEN = ("unit", "region", "template")


def editable_event_fields(event: Event) -> tuple[str, ...]:
    """The event's fields a person may still change, given its state."""
    if event.pk is None or event.status == Event.Status.DRAFT:
        return EVENT_DETAILS
    if event.status == Event.Status.OPEN:
        return tuple(name for name in EVENT_DETAILS if name not in LOCKED_WHEN_OPEN)
    return ()


def changed_fields(stored, proposed, names: Iterable[str]) -> set[str]:
    """Which of `names` differ between a stored row and a proposed version of it."""
    changed = set()
    for name in names:
        field = type(stored)._meta.get_field(name)
        if getattr(stored, field.attname) != getattr(proposed, field.attname):
            changed.add(name)
    return changed


def check_event_change(stored: Event, changed: Iterable[str]) -> None:
    """Refuse a change of `changed` fields of the stored event.

    Raises PledgeError: "evidence_immutable" for the frozen pledge, its hash,
    the final counts and the other fields opening and closing set; "closed"
    for anything about a closed event; "template_frozen" / "field_locked"
    for the template, region or unit of an open event.
    """
    changed = set(changed)
    if not changed:
        return
    if changed & set(EVENT_EVIDENCE):
        raise PledgeError(
            _(
                "Teks ikrar yang dibekukan, hash-nya, status, dan jumlah akhir adalah bukti; "
                "tidak dapat diubah oleh siapa pun."
            ),
            code=Code.EVIDENCE_IMMUTABLE,
        )
    if stored.status == Event.Status.CLOSED:
        raise PledgeError(
            _("Kegiatan sudah ditutup; datanya tidak dapat diubah lagi."), code=Code.CLOSED
        )
    if stored.status == Event.Status.OPEN and "template" in changed:
        raise PledgeError(
            _("Teks ikrar sudah dibekukan saat kegiatan dibuka; templat tidak dapat diganti."),
            code=Code.TEMPLATE_FROZEN,
        )
    locked = changed - set(editable_event_fields(stored))
    if locked:
        names = ", ".join(str(Event._meta.get_field(name).verbose_name) for name in sorted(locked))
        raise PledgeError(
            _("Kegiatan sudah dibuka; %(fields)s tidak dapat diubah lagi.") % {"fields": names},
            code=Code.FIELD_LOCKED,
        )


def check_event_jurisdiction(event: Event) -> None:
    """An event is held within the region of the unit that runs it, whose letterhead
    every document of it carries: a kabupaten/kota unit in its kab/kota, a provinsi
    unit in its province, Bawaslu RI anywhere.

    Raises PledgeError "outside_jurisdiction".
    """
    if not event.unit_id or not event.region_id:
        return
    unit = event.unit
    if unit.level == BawasluUnit.Level.RI or not unit.region_id:
        return
    code = event.region_id
    if code == unit.region_id or code.startswith(unit.region_id + "."):
        return
    raise PledgeError(
        _(
            "%(region)s berada di luar wilayah kerja %(unit)s (%(own)s). Kegiatan hanya dapat "
            "diadakan di wilayah unit penyelenggaranya, karena kop suratnya tercetak di setiap "
            "dokumen; minta Bawaslu yang membawahi %(region)s untuk membuatnya."
        )
        % {"region": event.region.name, "unit": unit.name, "own": unit.region.name},
        code=Code.OUTSIDE_JURISDICTION,
    )


def check_event_deletable(event: Event) -> None:
    """Only an event nobody has signed and no document was made of may be deleted.

    Raises PledgeError "event_has_signatures" or "event_has_documents".
    """
    if Signature.objects.filter(signatory__event=event).exists():
        raise PledgeError(
            _("Kegiatan yang sudah memiliki tanda tangan tidak dapat dihapus."),
            code=Code.EVENT_HAS_SIGNATURES,
        )
    if event.documents.exists():
        raise PledgeError(
            _("Kegiatan yang sudah memiliki dokumen tidak dapat dihapus."),
            code=Code.EVENT_HAS_DOCUMENTS,
        )


# --- Signatories ---------------------------------------------------------------


def check_can_register(event: Event) -> None:
    """A closed event takes nobody new. Raises PledgeError "closed"."""
    if event.status == Event.Status.CLOSED:
        raise PledgeError(
            _("Kegiatan sudah ditutup; pendaftaran tidak diterima lagi."), code=Code.CLOSED
        )


def check_signing_open(event: Event) -> None:
    """Signatures, drawn on a tablet or uploaded from paper, are taken only while the
    event is open. Raises PledgeError "event_closed" or "event_not_open"."""
    if event.status == Event.Status.CLOSED:
        raise PledgeError(
            _("Kegiatan ini sudah ditutup; tanda tangan tidak diterima lagi."),
            code=Code.EVENT_CLOSED,
        )
    if event.status != Event.Status.OPEN:
        raise PledgeError(
            _("Kegiatan ini belum dibuka untuk tanda tangan."), code=Code.EVENT_NOT_OPEN
        )


def check_signatory_changeable(signatory) -> None:
    """A signatory is changed or removed only before signing, while the event is not closed.

    Raises PledgeError "closed" or "signatory_signed".
    """
    check_can_register(signatory.event)
    if Signature.objects.filter(signatory_id=signatory.pk).exists():
        raise PledgeError(
            _("%(name)s sudah menandatangani; datanya tidak dapat diubah atau dihapus.")
            % {"name": signatory.full_name},
            code=Code.SIGNATORY_SIGNED,
        )


def check_order_changeable(event: Event) -> None:
    """Staff set the event's order of people (signed or not) until it closes: the order
    is how documents list them, not evidence. Raises PledgeError "closed"."""
    if event.status == Event.Status.CLOSED:
        raise PledgeError(
            _("Kegiatan sudah ditutup; urutan penanda tangan tidak dapat diubah lagi."),
            code=Code.CLOSED,
        )


def check_signatory_stays_in_event(stored, proposed) -> None:
    """A registration belongs to one event for good. Raises PledgeError "field_locked"."""
    if stored.event_id != proposed.event_id:
        raise PledgeError(
            _("Penanda tangan tidak dapat dipindahkan ke kegiatan lain; daftarkan di sana."),
            code=Code.FIELD_LOCKED,
        )


# --- Who may change what ---------------------------------------------------------


def _forbidden(message) -> PledgeError:
    return PledgeError(message, code=Code.FORBIDDEN)


# A unit's place in the hierarchy decides who sees its events.
UNIT_PLACEMENT = ("parent", "level", "region")
PARENT_LEVEL = {
    BawasluUnit.Level.RI: None,
    BawasluUnit.Level.PROVINSI: BawasluUnit.Level.RI,
    BawasluUnit.Level.KABKOTA: BawasluUnit.Level.PROVINSI,
}


def check_unit_change(user, stored: BawasluUnit | None, changed: Iterable[str]) -> None:
    """Only a superuser adds a unit or moves one in the hierarchy.

    Raises PledgeError "forbidden".
    """
    if user.is_superuser:
        return
    if stored is None:
        raise _forbidden(_("Hanya admin pusat yang dapat menambah unit Bawaslu."))
    if set(changed) & set(UNIT_PLACEMENT):
        raise _forbidden(_("Induk, tingkat, dan wilayah unit hanya dapat diubah oleh admin pusat."))


def check_unit_hierarchy(unit: BawasluUnit) -> None:
    """RI has no parent, a provinsi sits under RI and a kabupaten/kota under a provinsi,
    so visibility (which follows three levels) reaches every unit.

    Raises PledgeError "unit_hierarchy".
    """
    wanted = PARENT_LEVEL[unit.level]
    parent = unit.parent
    if wanted is None and parent is not None:
        raise PledgeError(_("Bawaslu RI tidak memiliki unit induk."), code=Code.UNIT_HIERARCHY)
    if wanted is not None and (parent is None or parent.level != wanted):
        raise PledgeError(
            _("Unit %(level)s harus berinduk pada %(parent)s.")
            % {
                "level": BawasluUnit.Level(unit.level).label,
                "parent": BawasluUnit.Level(wanted).label,
            },
            code=Code.UNIT_HIERARCHY,
        )
    if unit.pk is not None:
        for child in BawasluUnit.objects.filter(parent_id=unit.pk):
            if PARENT_LEVEL[child.level] != unit.level:
                raise PledgeError(
                    _("Tingkat unit ini tidak cocok dengan unit di bawahnya (%(child)s).")
                    % {"child": child.name},
                    code=Code.UNIT_HIERARCHY,
                )


def check_template_change(user, template) -> None:
    """National templates (no unit) change only by a superuser, a unit's own only by that unit.

    Raises PledgeError "forbidden".
    """
    if user.is_superuser:
        return
    if template.unit_id is None:
        raise _forbidden(_("Templat nasional hanya dapat diubah oleh admin pusat."))
    if template.unit_id != user.unit_id:
        raise _forbidden(
            _("Templat ini milik unit lain; hanya unit tersebut yang dapat mengubahnya.")
        )


# Who speaks in a template's wording: one person ("saya", "aku") or many ("kami").
_SINGULAR = re.compile(r"\b(saya|aku)\b", re.IGNORECASE)
_PLURAL = re.compile(r"\b(kami)\b", re.IGNORECASE)
_WORDING_PARTS = (
    # field, what people call it, the pronoun it must use, the one it must not
    ("individual_opening", _("Kalimat pembuka bentuk perorangan"), _SINGULAR, _PLURAL),
    ("individual_closing", _("Kalimat penutup bentuk perorangan"), None, _PLURAL),
    ("opening", _("Kalimat pembuka bentuk bersama"), _PLURAL, _SINGULAR),
    ("closing", _("Kalimat penutup bentuk bersama"), None, _SINGULAR),
)


def check_template_wording(content: dict) -> None:
    """Each form of a template speaks for whom it is printed for.

    The individual form (a pakta integritas of one person) opens with "saya"
    and never says "kami"; the collective form (the deklarasi of everyone who
    signed) opens with "kami" and never says "saya"; the points, shared by
    both, say neither. `content` holds the template's fields by name.
    Raises PledgeError "template_wording".
    """
    for field, label, required, forbidden in _WORDING_PARTS:
        text = (content.get(field) or "").strip()
        if not text:
            raise _wording(_("%(part)s wajib diisi.") % {"part": label})
        if found := forbidden.search(text):
            raise _wording(
                _(
                    "%(part)s memuat “%(word)s”: bentuk perorangan berbicara sebagai "
                    "“saya”, bentuk bersama sebagai “kami”."
                )
                % {"part": label, "word": found.group(0)}
            )
        if required is not None and not required.search(text):
            raise _wording(
                _("%(part)s harus menyebut penanda tangannya sebagai “%(word)s”.")
                % {"part": label, "word": "saya" if required is _SINGULAR else "kami"}
            )
    for number, point in enumerate(content.get("points") or [], 1):
        if found := _SINGULAR.search(point) or _PLURAL.search(point):
            raise _wording(
                _(
                    "Butir %(number)d memuat “%(word)s”: butir dipakai oleh bentuk perorangan dan "
                    "bentuk bersama, jadi tulislah tanpa “saya” atau “kami” (misalnya “Menjaga …”)."
                )
                % {"number": number, "word": found.group(0)}
            )


def _wording(message) -> PledgeError:
    return PledgeError(message, Code.TEMPLATE_WORDING)


# Fields of an account that grant power: only a superuser sets them.
USER_POWERS = ("is_superuser", "groups", "user_permissions")


def check_user_change(actor, target, changed: Iterable[str]) -> None:
    """Staff manage the accounts of the units they see, never a superuser's, never powers.

    Raises PledgeError "forbidden".
    """
    if actor.is_superuser:
        return
    if target.pk is not None and target.is_superuser:
        raise _forbidden(_("Akun admin pusat hanya dapat diubah oleh admin pusat."))
    if set(changed) & set(USER_POWERS):
        raise _forbidden(_("Hak akses hanya dapat diberikan oleh admin pusat."))
    if target.unit_id is None or not units_visible_to(actor).filter(pk=target.unit_id).exists():
        raise _forbidden(_("Akun ini bukan milik unit Anda."))


# --- The signer's own copy ---------------------------------------------------------

# The tablet asks for the code right after the signature is stored.
COPY_ISSUE_WINDOW = timedelta(minutes=5)
# How long the link a signer scans lets them download their PDF.
COPY_LIFETIME = timedelta(minutes=30)
# After the first download a phone may retry for a little while, a few times.
COPY_RETRY_WINDOW = timedelta(minutes=5)
COPY_MAX_DOWNLOADS = 3


def check_copy_issuable(signature: Signature | None, station_id: int, now) -> None:
    """A tablet may hand out a copy code only for a signature it just took, moments ago.

    `signature` (None: not of the station's event) signed within COPY_ISSUE_WINDOW
    at station `station_id`.
    """
    if (
        signature is None
        or signature.station_id != station_id
        or now - signature.signed_at > COPY_ISSUE_WINDOW
    ):
        raise PledgeError(
            _(
                "Kode salinan hanya diberikan sesaat setelah tanda tangan. "
                "Minta petugas mencetaknya."
            ),
            code=Code.COPY_NOT_ISSUABLE,
        )


def check_copy_downloadable(copy, now) -> None:
    """The copy link works until it expires, and a few times within a short while of the first.

    A phone may retry a download (a dropped connection, a preview then a save),
    so the first download opens COPY_RETRY_WINDOW with at most
    COPY_MAX_DOWNLOADS in all; after that, or after `expires_at`, it is closed.
    """
    if copy.first_download_at is not None and (
        copy.downloads >= COPY_MAX_DOWNLOADS or now > copy.first_download_at + COPY_RETRY_WINDOW
    ):
        raise PledgeError(
            _(
                "Salinan ini sudah diunduh. Tautan hanya dapat dipakai sekali; "
                "untuk salinan lain hubungi petugas Bawaslu."
            ),
            code=Code.COPY_USED,
        )
    if now > copy.expires_at:
        raise PledgeError(
            _(
                "Tautan salinan ini sudah kedaluwarsa. Dokumen Anda tetap dapat "
                "diperiksa dengan kodenya, dan petugas Bawaslu dapat mencetaknya."
            ),
            code=Code.COPY_EXPIRED,
        )
