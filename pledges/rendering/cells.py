"""What the spreadsheet readers share: a cell's text, Excel's limits, and the refusals."""

from django.utils.translation import gettext as _

from pledges.errors import Code, PledgeError

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
EXCEL_ROWS, EXCEL_COLUMNS = 1_048_576, 16_384


class Cell(str):
    """A cell's text that remembers whether the spreadsheet stored it as a number."""

    numeric = False


def thousands(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def not_a_spreadsheet():
    return PledgeError(
        _("Berkas ini bukan lembar kerja CSV atau XLSX. Unduh templat dan isi sesuai kolomnya."),
        code=Code.FILE_NOT_SPREADSHEET,
    )


def damaged():
    return PledgeError(
        _(
            "Berkas XLSX rusak atau tidak dapat dibaca; simpan ulang dari Excel sebagai .xlsx "
            "atau .csv."
        ),
        code=Code.FILE_DAMAGED,
    )


def too_wide(number: int):
    return PledgeError(
        _(
            "Baris %(line)d berisi lebih dari %(max)s kolom, lebih dari yang dapat dibuka Excel; "
            "periksa pemisah kolomnya."
        )
        % {"line": number, "max": thousands(EXCEL_COLUMNS)},
        code=Code.FILE_TOO_LARGE,
    )


def is_blank(texts) -> bool:
    return not any(text.strip() for text in texts)


EMPTY = Cell("")
