"""Registering the people who will sign at an event."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from pledges.core.nip import normalize_nip, validate_nip
from pledges.core.text import clean_text, search_key
from pledges.errors import Code, PledgeError
from pledges.models import Event, Region, Signatory
from pledges.services import rulebook

# What a person types about themself; stored in NFC, invisible characters refused.
TEXT_FIELDS = ("full_name", "position", "agency")
# How long a NIP may be as typed, before normalising: wider than 18, since
# people type spaces or dots between the groups.
MAX_NIP_TYPED = 40


def clean_signatory_nip(nip: str) -> str:
    """Normalize and validate a NIP; raise PledgeError with the reason in Indonesian."""
    nip = normalize_nip(nip or "")
    if not nip:
        return ""
    try:
        validate_nip(nip)
    except ValidationError as error:
        raise PledgeError(error.messages[0], code=error.code or Code.NIP_INVALID) from None
    return nip


def clean_signatory_text(fields: dict) -> dict:
    """`fields` with its names, position and agency as `pledges.core.text.clean_text` stores them.

    Raises PledgeError "text_invalid" for an invisible or control character and
    "field_too_long" when the text, once normalised, no longer fits its column.
    """
    for name in TEXT_FIELDS:
        if name not in fields:
            continue
        field = Signatory._meta.get_field(name)
        fields[name] = clean_text(fields[name], field.verbose_name, field.max_length)
    return fields


@transaction.atomic
def register_signatory(event: Event, **fields) -> Signatory:
    """Register one person for `event` and return the new Signatory.

    Raises PledgeError: code "closed" for a closed event, a "nip_*" code for a
    malformed NIP, "nip_duplicate" when the NIP is already registered here,
    "region_*" when the led region does not fit the category and the event,
    "text_invalid" / "field_too_long" as `clean_signatory_text`.
    """
    rulebook.check_can_register(event)
    clean_signatory_text(fields)
    fields["nip"] = clean_signatory_nip(fields.get("nip", ""))
    check_led_region(event, fields.get("category", ""), fields.get("led_region"))
    signatory = Signatory(event=event, **fields)
    _save_unique(signatory)
    return signatory


def leadable_regions(event: Event):
    """The kecamatan and desa/kelurahan of the event's kab/kota, in code order."""
    return Region.objects.filter(
        code__startswith=event.region_id + ".",
        level__in=[Region.Level.DISTRICT, Region.Level.VILLAGE],
    ).order_by("code")


def check_led_region(event: Event, category: str, led_region) -> None:
    """Check that a camat leads a kecamatan, a lurah a kelurahan and a kepala desa a
    desa of the event's kab/kota, and that nobody else carries a region.

    Raises PledgeError with code "region_*".
    """
    level = Signatory.REGION_LEVEL_FOR_CATEGORY.get(category)
    if level is None:
        if led_region is not None:
            raise PledgeError(
                _("Wilayah yang dipimpin hanya diisi untuk camat, lurah, dan kepala desa."),
                code=Code.REGION_NOT_ALLOWED,
            )
        return
    if led_region is None:
        return
    label = Signatory.Category(category).label
    inside = led_region.code.startswith(event.region_id + ".")
    if not inside or led_region.level != level:
        raise PledgeError(
            _("%(region)s bukan %(kind)s di %(event_region)s.")
            % {
                "region": led_region.name,
                "kind": "kecamatan" if level == "district" else "desa/kelurahan",
                "event_region": event.region.name,
            },
            code=Code.REGION_OUTSIDE,
        )
    if category == Signatory.Category.LURAH and not led_region.is_kelurahan:
        raise PledgeError(
            _("%(region)s adalah desa; pilih kategori kepala desa, bukan %(label)s.")
            % {"region": led_region.name, "label": str(label).lower()},
            code=Code.REGION_KIND,
        )
    if category == Signatory.Category.KEPALA_DESA and led_region.is_kelurahan:
        raise PledgeError(
            _("%(region)s adalah kelurahan; pilih kategori lurah, bukan %(label)s.")
            % {"region": led_region.name, "label": str(label).lower()},
            code=Code.REGION_KIND,
        )


@transaction.atomic
def update_signatory(signatory: Signatory, **fields) -> Signatory:
    """Change an unsigned signatory's details.

    Raises PledgeError: "signatory_signed" once they have signed, "closed"
    for a closed event, "nip_*", "region_*", "text_invalid" and
    "field_too_long" as register_signatory does.
    """
    signatory = (
        Signatory.objects.select_for_update().select_related("event__region").get(pk=signatory.pk)
    )
    rulebook.check_signatory_changeable(signatory)
    clean_signatory_text(fields)
    fields["nip"] = clean_signatory_nip(fields.get("nip", signatory.nip))
    for name, value in fields.items():
        setattr(signatory, name, value)
    check_led_region(signatory.event, signatory.category, signatory.led_region)
    _save_unique(signatory)
    return signatory


@transaction.atomic
def remove_signatory(signatory: Signatory) -> None:
    """Remove an unsigned signatory. Raises PledgeError "signatory_signed" or "closed"."""
    signatory = Signatory.objects.select_for_update().select_related("event").get(pk=signatory.pk)
    rulebook.check_signatory_changeable(signatory)
    signatory.delete()


def _save_unique(signatory: Signatory) -> None:
    try:
        with transaction.atomic():
            signatory.save()
    except IntegrityError:
        duplicate = Signatory.objects.filter(event_id=signatory.event_id, nip=signatory.nip)
        if signatory.nip and duplicate.exclude(pk=signatory.pk).exists():
            raise PledgeError(
                _("NIP %(nip)s sudah terdaftar pada kegiatan ini.") % {"nip": signatory.nip},
                code=Code.NIP_DUPLICATE,
            ) from None
        raise


# The highest place staff may give a person in the event's order.
MAX_PROTOCOL_POSITION = 9999


@transaction.atomic
def set_protocol_position(signatory: Signatory, position: int | None) -> Signatory:
    """Give `signatory` place `position` in the event's order (None: the protocol rule).

    Signed or not, until the event closes. Raises PledgeError "closed" or
    "position_invalid" (not a whole number from 1 to MAX_PROTOCOL_POSITION).
    """
    signatory = Signatory.objects.select_for_update().select_related("event").get(pk=signatory.pk)
    rulebook.check_order_changeable(signatory.event)
    if position is not None and (
        isinstance(position, bool)
        or not isinstance(position, int)
        or not 1 <= position <= MAX_PROTOCOL_POSITION
    ):
        raise PledgeError(
            _("Nomor urut harus bilangan bulat 1 sampai %(max)d.") % {"max": MAX_PROTOCOL_POSITION},
            code=Code.POSITION_INVALID,
        )
    signatory.protocol_position = position
    signatory.save(update_fields=["protocol_position"])
    return signatory


# Status filter of a signatory list.
SIGNED, NOT_SIGNED = "signed", "not_signed"


def find_signatories(event: Event, query: str = "", category: str = "", status: str = ""):
    """The event's signatories in protocol order, searched and filtered.

    `query` matches, whatever the case and accents, every word in the name,
    NIP, jabatan or instansi; a query of digits (grouped as people type a
    NIP) matches part of the NIP. `category` is a `Signatory.Category`
    value, `status` SIGNED or NOT_SIGNED; anything else filters nothing.
    """
    signatories = event.signatories.all()
    digits = normalize_nip(query or "")
    if digits and digits.isascii() and digits.isdigit():
        signatories = signatories.filter(nip__contains=digits)
    else:
        for word in search_key(query).split():
            signatories = signatories.filter(search_text__contains=word)
    if category in Signatory.Category.values:
        signatories = signatories.filter(category=category)
    if status in (SIGNED, NOT_SIGNED):
        signatories = signatories.filter(signature__isnull=status == NOT_SIGNED)
    return signatories.in_protocol_order()
