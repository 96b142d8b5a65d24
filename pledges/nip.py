"""NIP (Nomor Induk Pegawai) of an ASN: 18 digits.

Layout: birth date YYYYMMDD, TMT (appointment) YYYYMM, gender digit
(1 = laki-laki, 2 = perempuan), then a 3-digit serial number.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from pledges.errors import Code


def normalize_nip(value: str) -> str:
    """Drop the spaces, dots and dashes people type between the groups."""
    return "".join(ch for ch in str(value) if ch not in " .-\u00a0\t")


def validate_nip(value: str) -> None:
    """Raise ValidationError (code says which part) unless `value` is a well-formed NIP."""
    nip = normalize_nip(value)
    if not nip.isascii() or not nip.isdigit():
        raise ValidationError(_("NIP hanya boleh berisi angka."), code=Code.NIP_NOT_DIGITS)
    if len(nip) != 18:
        raise ValidationError(
            _("NIP harus 18 digit; yang diisi %(count)d digit.") % {"count": len(nip)},
            code=Code.NIP_LENGTH,
        )
    today = timezone.localdate()
    try:
        birth = datetime.date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        raise ValidationError(
            _("Digit 1–8 NIP (%(part)s) bukan tanggal lahir yang sah (TTTTBBHH).")
            % {"part": nip[:8]},
            code=Code.NIP_BIRTH_DATE,
        ) from None
    if birth.year < 1900 or birth > today:
        raise ValidationError(
            _("Tanggal lahir pada NIP (%(part)s) tidak masuk akal.") % {"part": nip[:8]},
            code=Code.NIP_BIRTH_DATE,
        )
    tmt_year, tmt_month = int(nip[8:12]), int(nip[12:14])
    if not 1 <= tmt_month <= 12:
        raise ValidationError(
            _("Digit 9–14 NIP (%(part)s) adalah tahun dan bulan TMT; bulan %(month)s tidak ada.")
            % {"part": nip[8:14], "month": nip[12:14]},
            code=Code.NIP_TMT,
        )
    if tmt_year < birth.year + 18:
        raise ValidationError(
            _("TMT pada NIP (%(tmt)s) kurang dari 18 tahun setelah tahun lahir (%(year)d).")
            % {"tmt": nip[8:14], "year": birth.year},
            code=Code.NIP_TMT_TOO_EARLY,
        )
    if (tmt_year, tmt_month) > (today.year, today.month):
        raise ValidationError(
            _("TMT pada NIP (%(tmt)s) ada di masa depan.") % {"tmt": nip[8:14]},
            code=Code.NIP_TMT_FUTURE,
        )
    if nip[14] not in "12":
        raise ValidationError(
            _("Digit ke-15 NIP adalah jenis kelamin dan harus 1 atau 2, bukan %(digit)s.")
            % {"digit": nip[14]},
            code=Code.NIP_GENDER,
        )


def format_nip(nip: str) -> str:
    """The NIP in its usual printed groups: 19800512 200501 1 002."""
    if len(nip) != 18:
        return nip
    return f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"


def mask_nip(nip: str) -> str:
    """A NIP with its middle digits hidden, for public pages: 1980•••••••••••002."""
    if len(nip) != 18:
        return nip
    return f"{nip[:4]}{'•' * 11}{nip[15:]}"
