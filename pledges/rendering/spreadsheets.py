"""Reading and writing the CSV and XLSX files staff exchange with Netralitas.

Reading turns an upload into plain rows of text (what the person typed,
nothing reinterpreted); writing keeps every value as text so that a name
starting with "=" stays a name and a NIP keeps all 18 digits.
"""

import csv
import io
import re
from collections.abc import Iterator
from operator import itemgetter

from django.utils.translation import gettext as _

from pledges.errors import Code, PledgeError
from pledges.rendering.cells import (
    EMPTY,
    EXCEL_COLUMNS,
    MAX_UPLOAD_BYTES,
    Cell,
    is_blank,
    not_a_spreadsheet,
    thousands,
    too_wide,
)
from pledges.rendering.xlsx_reader import read_xlsx

MAX_DATA_ROWS = 5000
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIMETYPE = "text/csv"

# Excel keeps 15 significant digits of a number: an 18-digit NIP typed into
# a cell formatted as a number has already lost its last digits.
EXACT_DIGITS = 15


def read_table(name: str, data: bytes) -> Iterator[tuple[int, list[Cell]]]:
    """The non-empty rows of a CSV or XLSX upload as (row number, cells), header row first.

    The row number is the one Excel shows. Rows are read one at a time and an
    empty row costs next to nothing, so the limits hold whatever the file
    claims: reading stops at the first data row beyond MAX_DATA_ROWS. The
    file's kind and structure are checked when this is called; what only the
    rows can show is raised while iterating.

    Raises PledgeError: "file_too_large", "file_empty", "file_old_excel",
    "file_not_spreadsheet", "file_damaged", "file_too_many_rows".
    """
    if len(data) > MAX_UPLOAD_BYTES:
        raise PledgeError(
            _("Berkas terlalu besar (%(size).1f MB); batasnya 5 MB.")
            % {"size": len(data) / 1024 / 1024},
            code=Code.FILE_TOO_LARGE,
        )
    if not data.strip():
        raise PledgeError(_("Berkas kosong."), code=Code.FILE_EMPTY)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise PledgeError(
            _("Berkas Excel lama (.xls) tidak didukung; simpan sebagai .xlsx atau .csv."),
            code=Code.FILE_OLD_EXCEL,
        )
    if data.startswith(b"PK\x03\x04"):
        rows = read_xlsx(data)
    elif name.lower().endswith((".csv", ".txt")):
        rows = _read_csv(data)
    else:
        raise not_a_spreadsheet()
    return _within_row_limit(rows)


def _within_row_limit(rows):
    count = 0
    for number, cells in rows:
        count += 1
        if count > MAX_DATA_ROWS + 1:
            raise PledgeError(
                _(
                    "Berkas berisi lebih dari %(max)s baris data; paling banyak %(max)s baris "
                    "sekali impor. Bagilah menjadi beberapa berkas."
                )
                % {"max": thousands(MAX_DATA_ROWS)},
                code=Code.FILE_TOO_MANY_ROWS,
            )
        yield number, cells
    if not count:
        raise PledgeError(_("Berkas kosong."), code=Code.FILE_EMPTY)


def _read_csv(data: bytes):
    if b"\x00" in data:
        raise not_a_spreadsheet()
    encoding = _csv_encoding(data)
    if encoding is None:
        raise not_a_spreadsheet()
    first_line = data.split(b"\n", 1)[0]
    # Indonesian Excel separates with ";" because "," is the decimal mark.
    delimiter = max([",", ";", "\t"], key=lambda mark: first_line.count(mark.encode()))
    # Decoded while it is read: no second copy of the whole file.
    text = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
    return _csv_rows(csv.reader(text, delimiter=delimiter))


def _csv_encoding(data: bytes) -> str | None:
    # Excel on Windows saves "CSV" in the ANSI code page, not UTF-8.
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return encoding
    return None


def _csv_rows(reader):
    try:
        # A record is an Excel row, an empty line too, whatever line breaks are in quotes.
        # An empty line is [], skipped without a Python step.
        for number, fields in filter(itemgetter(1), enumerate(reader, start=1)):
            if any(fields) and not is_blank(fields):
                if len(fields) > EXCEL_COLUMNS:
                    raise too_wide(number)
                yield number, [Cell(unwrap_csv_cell(cell)) if cell else EMPTY for cell in fields]
    except csv.Error:
        raise not_a_spreadsheet() from None


# What reading an XLSX may cost, whatever its 5 MB hold once unzipped. These are
# bounds, not cuts: a file past one is refused with a message, never read in part.


def write_table(
    basename: str, fmt: str, header: list[str], rows: list[list], sheets: dict | None = None
) -> tuple[str, str, bytes]:
    """A CSV or XLSX file as (filename, mimetype, bytes); `sheets` adds named XLSX sheets."""
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([csv_cell(value) for value in header])
        writer.writerows([csv_cell(value) for value in row] for row in rows)
        # The BOM makes Excel read the file as UTF-8 (names with é, ', …).
        return f"{basename}.csv", CSV_MIMETYPE, ("\ufeff" + out.getvalue()).encode()
    from openpyxl import Workbook

    # Write-only mode streams rows instead of building a cell graph: several
    # times faster for an export of hundreds of signatories.
    workbook = Workbook(write_only=True)
    _fill_sheet(workbook.create_sheet(basename[:31]), header, rows)
    for title, (extra_header, extra_rows) in (sheets or {}).items():
        _fill_sheet(workbook.create_sheet(title[:31]), extra_header, extra_rows)
    out = io.BytesIO()
    workbook.save(out)
    return f"{basename}.xlsx", XLSX_MIMETYPE, out.getvalue()


# A spreadsheet opening a CSV runs a cell that starts with one of these as a
# formula (=HYPERLINK(...), +cmd|..., -2+3, @SUM(...)); tab and carriage
# return are on OWASP's list because some programs drop them and then see the
# character behind. The full-width forms are read as formulas by Excel in CJK
# locales, where a tablet keyboard may have typed them.
FORMULA_STARTS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
NEUTRALISER = "'"
ASCII_DIGITS = re.compile(r"[0-9]+")
TEXT_DIGITS = re.compile(r'="([0-9]+)"')


def csv_cell(value):
    """`value` as a CSV cell that a spreadsheet shows as the text it is.

    A cell that would start a formula gets a leading apostrophe (OWASP's advice
    on CSV injection), and so does one that already starts with apostrophes
    before such a character, so that `unwrap_csv_cell` gives back exactly what
    was written. A cell of ASCII digits only (a NIP) is written as ="…": Excel
    would otherwise show an 18-digit NIP as 1,98005E+17 and keep 15 of its
    digits. That formula is a string literal of digits and nothing else, so it
    cannot compute or link anything.
    """
    if not isinstance(value, str):
        return value
    if ASCII_DIGITS.fullmatch(value):
        return f'="{value}"'
    after_apostrophes = value.lstrip(NEUTRALISER)
    if after_apostrophes and after_apostrophes[0] in FORMULA_STARTS:
        return NEUTRALISER + value
    return value


def unwrap_csv_cell(text: str) -> str:
    """The value `csv_cell` wrote as `text`: an export reads back as it was exported."""
    digits = TEXT_DIGITS.fullmatch(text)
    if digits:
        return digits.group(1)
    if text.startswith(NEUTRALISER):
        after_apostrophes = text[1:].lstrip(NEUTRALISER)
        if after_apostrophes and after_apostrophes[0] in FORMULA_STARTS:
            return text[1:]
    return text


def _fill_sheet(sheet, header, rows):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    table = [header, *rows]
    for index in range(len(header)):
        width = max((len(str(row[index] or "")) for row in table if index < len(row)), default=8)
        dimension = sheet.column_dimensions[get_column_letter(index + 1)]
        dimension.width = min(max(width + 2, 10), 60)
        # Rows typed later into the template stay text too (a NIP keeps 18 digits).
        dimension.number_format = "@"
    sheet.freeze_panes = "A2"
    for row in table:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                # openpyxl turns "=..." into a formula; a person's text stays text.
                cell.data_type = "s"
                cell.number_format = "@"
            cells.append(cell)
        sheet.append(cells)
