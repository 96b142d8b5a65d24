"""NIP (Nomor Induk Pegawai) of an ASN: 18 digits.

Layout: birth date YYYYMMDD, TMT (appointment) YYYYMM, gender digit
(1 = laki-laki, 2 = perempuan), then a 3-digit serial number.
"""

import datetime
import unicodedata

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from pledges.core.text import describe, problem_of
from pledges.errors import Code

ASCII_DIGITS = frozenset("0123456789")
# Besides every space (Zs: no-break, narrow no-break U+202F, figure U+2007,
# ideographic U+3000, ...) and every dash (Pd: hyphen, en dash, full-width
# hyphen-minus, ...), what people put between the groups of a NIP.
SEPARATORS = frozenset(
    "\t\n\r"
    ".\u00b7\u2024\u2027\u2219\u22c5\u30fb\uff0e\uff65\u3002"  # dots
    "\u2212\u2043\ufe63"  # minus sign, hyphen bullet, small hyphen-minus
)


def normalize_nip(value: str) -> str:
    """The NIP as ASCII digits, as it is stored.

    A decimal digit of any script (full-width ０-９ from a Japanese or Chinese
    keyboard, Arabic-Indic ٠-٩, ...) becomes its ASCII digit; the spaces, dots
    and dashes people type between the groups are dropped. Anything else is
    kept, for `validate_nip` to refuse.
    """
    kept = []
    for char in str(value):
        if char in ASCII_DIGITS:
            kept.append(char)
        elif char in SEPARATORS or unicodedata.category(char) in ("Zs", "Pd"):
            continue
        elif unicodedata.category(char) == "Nd":
            kept.append(str(unicodedata.decimal(char)))
        else:
            kept.append(char)
    return "".join(kept)


def validate_nip(value: str) -> None:
    """Raise ValidationError (code says which part) unless `value` is a well-formed NIP."""
    nip = normalize_nip(value)
    wrong = next((char for char in nip if char not in ASCII_DIGITS), None)
    if wrong is not None:
        problem = problem_of(wrong)
        raise ValidationError(
            _("NIP hanya boleh berisi angka; ada %(problem)s (%(char)s).")
            % {"problem": problem, "char": describe(wrong)}
            if problem
            else _("NIP hanya boleh berisi angka, bukan “%(char)s”.") % {"char": wrong},
            code=Code.NIP_NOT_DIGITS,
        )
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
