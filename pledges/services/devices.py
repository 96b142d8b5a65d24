"""What a signing station and a venue display share: a label staff give it, and revocation.

Both are bound to one event by a secret token stored only hashed (each hashes
its own way: a display's token can never pass as a station's).
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from pledges.errors import Code, PledgeError


def device_label(label: str, *, noun: str, example: str, max_length: int) -> str:
    """The label as stored; PledgeError "label_required" or "label_too_long", naming the `noun`."""
    label = (label or "").strip()
    if not label:
        raise PledgeError(
            _("Isi nama %(noun)s, misalnya “%(example)s”.") % {"noun": noun, "example": example},
            code=Code.LABEL_REQUIRED,
        )
    if len(label) > max_length:
        raise PledgeError(
            _("Nama %(noun)s paling panjang %(max)d karakter.") % {"noun": noun, "max": max_length},
            code=Code.LABEL_TOO_LONG,
        )
    return label


def revoke(device):
    """Revoke a station or display: its next request is refused. Idempotent, audited."""
    if device.revoked_at is None:
        device.revoked_at = timezone.now()
        device.save(update_fields=["revoked_at"])
    return device
