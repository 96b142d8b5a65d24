"""Reading and writing the CSV and XLSX files staff exchange with Netralitas.

Reading turns an upload into plain rows of text (what the person typed,
nothing reinterpreted); writing keeps every value as text so that a name
starting with "=" stays a name and a NIP keeps all 18 digits.
"""

import csv
import io
import re
import zipfile
from datetime import date, datetime

from django.utils.translation import gettext as _

from pledges.errors import Code, PledgeError

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_DATA_ROWS = 5000
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIMETYPE = "text/csv"

# Excel keeps 15 significant digits of a number: an 18-digit NIP typed into
# a cell formatted as a number has already lost its last digits.
EXACT_DIGITS = 15


class Cell(str):
    """A cell's text that remembers whether the spreadsheet stored it as a number."""

    numeric = False


def read_table(name: str, data: bytes) -> list[list[str]]:
    """The rows of a CSV or XLSX upload as lists of text, header row first.

    Raises PledgeError: "file_too_large", "file_empty", "file_old_excel",
    "file_not_spreadsheet", "file_too_many_rows".
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
        rows = _read_xlsx(data)
    elif name.lower().endswith((".csv", ".txt")):
        rows = _read_csv(data)
    else:
        raise _not_a_spreadsheet()
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise PledgeError(_("Berkas kosong."), code=Code.FILE_EMPTY)
    if len(rows) - 1 > MAX_DATA_ROWS:
        raise PledgeError(
            _("Berkas berisi %(count)d baris; paling banyak %(max)d baris sekali impor.")
            % {"count": len(rows) - 1, "max": MAX_DATA_ROWS},
            code=Code.FILE_TOO_MANY_ROWS,
        )
    return rows


def _not_a_spreadsheet():
    return PledgeError(
        _("Berkas ini bukan lembar kerja CSV atau XLSX. Unduh templat dan isi sesuai kolomnya."),
        code=Code.FILE_NOT_SPREADSHEET,
    )


def _read_csv(data: bytes) -> list[list[str]]:
    if b"\x00" in data:
        raise _not_a_spreadsheet()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" in the ANSI code page, not UTF-8.
        text = data.decode("cp1252", errors="strict") if _is_cp1252(data) else None
    if text is None:
        raise _not_a_spreadsheet()
    first_line = text.split("\n", 1)[0]
    # Indonesian Excel separates with ";" because "," is the decimal mark.
    delimiter = max([",", ";", "\t"], key=first_line.count)
    try:
        return [
            [Cell(unwrap_csv_cell(cell)) for cell in row]
            for row in csv.reader(io.StringIO(text), delimiter=delimiter)
        ]
    except csv.Error:
        raise _not_a_spreadsheet() from None


def _is_cp1252(data: bytes) -> bool:
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def _read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise _not_a_spreadsheet() from None
    try:
        sheet = workbook.worksheets[0]
        return [[_cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _cell_text(value) -> Cell:
    if value is None:
        return Cell("")
    if isinstance(value, bool):
        return Cell(str(value))
    if isinstance(value, int | float):
        number = int(value) if float(value).is_integer() else value
        cell = Cell(str(number))
        cell.numeric = True
        return cell
    if isinstance(value, datetime | date):
        return Cell(value.isoformat())
    return Cell(str(value))


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
