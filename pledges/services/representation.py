"""Representation: an official who cannot come sends someone who signs "mewakili" (a.n.) them.

The official stays the signatory: they count in coverage and in the counts,
marked "diwakili", and their row's signature is the representative's hand.
Staff record a representative on the event page; a tablet may too, with
the signature itself, if the event allows it. Either way it is set only
while the official's row is unsigned and the event not closed
(`rulebook.check_signatory_changeable`), and is evidence from then on.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from pledges.core.text import clean_text
from pledges.errors import Code, PledgeError
from pledges.models import Representation, Signatory
from pledges.services import rulebook
from pledges.services.signatories import MAX_NIP_TYPED, clean_signatory_nip

FIELDS = ("full_name", "nip", "position", "letter_number")
REQUIRED = ("full_name", "position", "letter_number")


def clean_representative(data: dict) -> dict:
    """The representative's name, NIP, jabatan and surat tugas number as they are stored.

    Raises PledgeError "field_required", "field_too_long", "text_invalid" and the "nip_*" codes.
    """
    fields = {name: data.get(name) if isinstance(data.get(name), str) else "" for name in FIELDS}
    nip = fields.pop("nip").strip()
    if len(nip) > MAX_NIP_TYPED:
        raise PledgeError(
            _("NIP paling panjang %(max)d karakter.") % {"max": MAX_NIP_TYPED},
            code=Code.FIELD_TOO_LONG,
        )
    for name in fields:
        field = Representation._meta.get_field(name)
        fields[name] = clean_text(fields[name], field.verbose_name, field.max_length)
        if name in REQUIRED and not fields[name]:
            raise PledgeError(
                _("Isi %(field)s.") % {"field": field.verbose_name}, code=Code.FIELD_REQUIRED
            )
    fields["nip"] = clean_signatory_nip(nip)
    return fields


@transaction.atomic
def represent(signatory: Signatory, data: dict, *, user=None, station=None) -> Representation:
    """Record who signs for `signatory`; replaces a representative recorded before. Audited.

    Raises PledgeError: "closed", "signatory_signed" (`rulebook.check_signatory_changeable`),
    "representation_not_allowed" when the representative is the official themself, and
    the codes of `clean_representative`.
    """
    signatory = Signatory.objects.select_for_update().select_related("event").get(pk=signatory.pk)
    rulebook.check_signatory_changeable(signatory)
    fields = clean_representative(data)
    if fields["nip"] and fields["nip"] == signatory.nip:
        raise PledgeError(
            _(
                "Wakil tidak boleh pejabat itu sendiri. "
                "Jika %(name)s hadir, ia menandatangani sendiri."
            )
            % {"name": signatory.full_name},
            code=Code.REPRESENTATION_NOT_ALLOWED,
        )
    for earlier in Representation.objects.filter(signatory=signatory):
        earlier.delete()  # audited by the model's signal
    return Representation.objects.create(
        signatory=signatory, registered_by=user, station=station, **fields
    )


@transaction.atomic
def withdraw_representation(signatory: Signatory) -> None:
    """The official will sign themself after all: the representative recorded is removed. Audited.

    Raises PledgeError as `rulebook.check_signatory_changeable`.
    """
    signatory = Signatory.objects.select_for_update().select_related("event").get(pk=signatory.pk)
    rulebook.check_signatory_changeable(signatory)
    for earlier in Representation.objects.filter(signatory=signatory):
        earlier.delete()
