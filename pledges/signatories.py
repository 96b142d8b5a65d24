"""Registering the people who will sign at an event."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from pledges.errors import PledgeError
from pledges.models import Event, Signatory
from pledges.nip import normalize_nip, validate_nip


def check_can_register(event: Event) -> None:
    if event.status == Event.Status.CLOSED:
        raise PledgeError(
            _("Kegiatan sudah ditutup; pendaftaran tidak diterima lagi."), code="closed"
        )


def clean_signatory_nip(nip: str) -> str:
    """Normalize and validate a NIP; raise PledgeError with the reason in Indonesian."""
    nip = normalize_nip(nip or "")
    if not nip:
        return ""
    try:
        validate_nip(nip)
    except ValidationError as error:
        raise PledgeError(error.messages[0], code=error.code or "nip_invalid") from None
    return nip


@transaction.atomic
def register_signatory(event: Event, **fields) -> Signatory:
    """Register one person for `event` and return the new Signatory.

    Raises PledgeError: code "closed" for a closed event, a "nip_*" code for a
    malformed NIP, "nip_duplicate" when the NIP is already registered here.
    """
    check_can_register(event)
    fields["nip"] = clean_signatory_nip(fields.get("nip", ""))
    signatory = Signatory(event=event, **fields)
    try:
        with transaction.atomic():
            signatory.save()
    except IntegrityError:
        if fields["nip"] and Signatory.objects.filter(event=event, nip=fields["nip"]).exists():
            raise PledgeError(
                _("NIP %(nip)s sudah terdaftar pada kegiatan ini.") % {"nip": fields["nip"]},
                code="nip_duplicate",
            ) from None
        raise
    return signatory
