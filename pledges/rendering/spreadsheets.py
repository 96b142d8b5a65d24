"""Reading and writing the CSV and XLSX files staff exchange with Netralitas.

Reading turns an upload into plain rows of text (what the person typed,
nothing reinterpreted); writing keeps every value as text so that a name
starting with "=" stays a name and a NIP keeps all 18 digits.
"""

import csv
import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from datetime import date, datetime
from operator import itemgetter
from xml.parsers import expat

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
        rows = _read_xlsx(data)
    elif name.lower().endswith((".csv", ".txt")):
        rows = _read_csv(data)
    else:
        raise _not_a_spreadsheet()
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
                % {"max": _thousands(MAX_DATA_ROWS)},
                code=Code.FILE_TOO_MANY_ROWS,
            )
        yield number, cells
    if not count:
        raise PledgeError(_("Berkas kosong."), code=Code.FILE_EMPTY)


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def _not_a_spreadsheet():
    return PledgeError(
        _("Berkas ini bukan lembar kerja CSV atau XLSX. Unduh templat dan isi sesuai kolomnya."),
        code=Code.FILE_NOT_SPREADSHEET,
    )


def _damaged():
    return PledgeError(
        _(
            "Berkas XLSX rusak atau tidak dapat dibaca; simpan ulang dari Excel sebagai .xlsx "
            "atau .csv."
        ),
        code=Code.FILE_DAMAGED,
    )


def _too_wide(number: int):
    return PledgeError(
        _(
            "Baris %(line)d berisi lebih dari %(max)s kolom, lebih dari yang dapat dibuka Excel; "
            "periksa pemisah kolomnya."
        )
        % {"line": number, "max": _thousands(EXCEL_COLUMNS)},
        code=Code.FILE_TOO_LARGE,
    )


def _is_blank(texts) -> bool:
    return not any(text.strip() for text in texts)


_EMPTY = Cell("")


def _read_csv(data: bytes):
    if b"\x00" in data:
        raise _not_a_spreadsheet()
    encoding = _csv_encoding(data)
    if encoding is None:
        raise _not_a_spreadsheet()
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
            if any(fields) and not _is_blank(fields):
                if len(fields) > EXCEL_COLUMNS:
                    raise _too_wide(number)
                yield number, [Cell(unwrap_csv_cell(cell)) if cell else _EMPTY for cell in fields]
    except csv.Error:
        raise _not_a_spreadsheet() from None


# What reading an XLSX may cost, whatever its 5 MB hold once unzipped. These are
# bounds, not cuts: a file past one is refused with a message, never read in part.
# An export of 5,000 signatories with the longest names is 5.6 MB of XML with
# 280,000 tags; the bounds leave about three times that (bench/import_xlsx.py).
# A zip entry declares its unzipped size and zipfile never inflates more, so the
# bytes are checked before a part is opened.
MAX_XLSX_XML_BYTES = 16 * 1024 * 1024  # the parts read, unzipped, together
# Tags ("<") in those parts, counted at C speed before expat parses them: every
# element has one, so this bounds the Python calls, about a second of work.
MAX_XLSX_TAGS = 1_000_000
# Characters in all cells: as many as the largest CSV holds. A shared string is
# stored once, but every cell pointing at it becomes a copy.
MAX_CELL_CHARS = MAX_UPLOAD_BYTES
EXCEL_ROWS, EXCEL_COLUMNS = 1_048_576, 16_384

# ECMA-376 (transitional) names; expat reports an element as "namespace localname".
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main "
_RELATIONSHIP = "http://schemas.openxmlformats.org/package/2006/relationships Relationship"
_CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types "
_RELATIONSHIP_ID = "http://schemas.openxmlformats.org/officeDocument/2006/relationships id"
_WORKBOOK_TYPES = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    "application/vnd.ms-excel.template.macroEnabled.main+xml",
)
_SHARED_STRINGS = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_ROW, _CELL, _VALUE, _INLINE, _TEXT, _PHONETIC, _STRING = (
    _MAIN + tag for tag in ("row", "c", "v", "is", "t", "rPh", "si")
)
# What zipfile raises inflating a damaged entry, and expat on broken XML.
_BROKEN_PART = (zipfile.BadZipFile, zlib.error, EOFError, expat.ExpatError)


def _read_xlsx(data: bytes):
    """The first worksheet's non-empty rows, streamed part by part within the bounds above.

    openpyxl's read-only mode, measured on such files (bench/import_xlsx.py),
    keeps a cleared element per row read, builds a whole row before handing it
    over (a 5 KB upload with one row of a million empty cells took over 300 MB) and
    spends seconds on a million empty rows, shared strings or styles before
    any limit can be checked. So expat streams the XML here within the bounds;
    openpyxl still decides which number formats are dates and what they mean.
    """
    try:
        archive = _Archive(zipfile.ZipFile(io.BytesIO(data)))
    except (zipfile.BadZipFile, NotImplementedError, ValueError):
        # No zip directory, one from a zip version Python lacks, a name that is not UTF-8.
        raise _not_a_spreadsheet() from None
    try:
        content_types = archive.read_part("[Content_Types].xml", _ContentTypes())
    except KeyError:
        raise _not_a_spreadsheet() from None  # a zip, but of something else
    except _BROKEN_PART:
        raise _damaged() from None
    workbook_path = content_types.workbook_path()
    if workbook_path is None:
        raise _not_a_spreadsheet()
    try:
        workbook = archive.read_part(workbook_path, _WorkbookPart())
        folder, base = posixpath.split(workbook_path)
        relationships = archive.read_part(
            posixpath.join(folder, "_rels", base + ".rels"), _Relationships(folder)
        )
        sheet_path = relationships.first_worksheet(workbook.sheet_ids)
        strings = []
        if content_types.shared_strings:
            strings = archive.read_part(content_types.shared_strings, _SharedStrings()).strings
        styles = _NumberStyles()
        if "xl/styles.xml" in archive.names:  # where openpyxl looks for it
            archive.read_part("xl/styles.xml", styles)
        sheet = _Sheet(strings, styles, workbook.epoch)
        steps = archive.parse(sheet_path, sheet)
    except (KeyError, *_BROKEN_PART):
        raise _damaged() from None
    return _sheet_rows(sheet, steps)


def _sheet_rows(sheet, steps):
    try:
        for _step in steps:
            yield from sheet.rows
            sheet.rows.clear()
    except _BROKEN_PART:
        raise _damaged() from None


class _Archive:
    """An XLSX's zip, whose XML parts are parsed within MAX_XLSX_XML_BYTES and _TAGS."""

    def __init__(self, archive: zipfile.ZipFile):
        self.archive = archive
        self.names = set(archive.namelist())
        self.bytes_left = MAX_XLSX_XML_BYTES
        self.tags_left = MAX_XLSX_TAGS

    def read_part(self, path: str, reader):
        for _step in self.parse(path, reader):
            pass
        return reader

    def parse(self, path: str, reader):
        """Check the part, then a generator feeding it to `reader` a chunk at a time.

        KeyError if the archive has no such part.
        """
        info = self.archive.getinfo(path)
        if info.flag_bits & 0x1 or info.compress_type not in (
            zipfile.ZIP_STORED,
            zipfile.ZIP_DEFLATED,
        ):
            raise _damaged()  # encrypted, or compressed in a way Excel never writes
        if info.file_size > self.bytes_left:
            raise PledgeError(
                _(
                    "Isi berkas XLSX terlalu besar setelah dibuka (lebih dari %(max)d MB); hapus "
                    "lembar, baris, dan kolom yang tidak dipakai lalu simpan ulang, atau simpan "
                    "sebagai .csv."
                )
                % {"max": MAX_XLSX_XML_BYTES // 1024 // 1024},
                code=Code.FILE_TOO_LARGE,
            )
        self.bytes_left -= info.file_size
        try:
            source = self.archive.open(info)
        except (NotImplementedError, ValueError):
            # A local header asking for a zip feature Python lacks, or pointing outside the file.
            raise _damaged() from None
        return self._feed(source, reader)

    def _feed(self, source, reader):
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.buffer_text = True
        parser.StartDoctypeDeclHandler = _no_doctype
        parser.StartElementHandler = reader.start
        parser.EndElementHandler = reader.end
        parser.CharacterDataHandler = reader.text
        with source:
            while chunk := source.read(64 * 1024):
                self.tags_left -= chunk.count(b"<")
                if self.tags_left < 0:
                    raise PledgeError(
                        _(
                            "Berkas XLSX berisi terlalu banyak sel dan baris, termasuk yang "
                            "kosong tetapi pernah diformat; hapus baris dan kolom kosong di luar "
                            "data lalu simpan ulang, atau simpan sebagai .csv."
                        ),
                        code=Code.FILE_TOO_LARGE,
                    )
                parser.Parse(chunk, False)
                yield
            parser.Parse(b"", True)
        yield


def _no_doctype(*args):
    # No part of an XLSX has a DTD; refusing one leaves no entity to expand.
    raise _damaged()


class _Part:
    """Reads one XML part: expat calls start, end and text; text goes to `capture`."""

    capture = None

    def start(self, name, attributes):
        pass

    def end(self, name):
        pass

    def text(self, data):
        if self.capture is not None:
            self.capture.append(data)


class _ContentTypes(_Part):
    def __init__(self):
        self.overrides = {}
        self.defaults = set()

    def start(self, name, attributes):
        if name == _CONTENT_TYPES + "Override":
            part = attributes.get("PartName", "")
            self.overrides.setdefault(attributes.get("ContentType"), part.lstrip("/"))
        elif name == _CONTENT_TYPES + "Default":
            self.defaults.add(attributes.get("ContentType"))

    def workbook_path(self) -> str | None:
        """The workbook part, found as openpyxl finds it; None if this zip is no XLSX."""
        for content_type in _WORKBOOK_TYPES:
            if self.overrides.get(content_type):
                return self.overrides[content_type]
        if self.defaults.intersection(_WORKBOOK_TYPES):
            return "xl/workbook.xml"
        return None

    @property
    def shared_strings(self) -> str | None:
        return self.overrides.get(_SHARED_STRINGS)


_FALSE = ("", "false", "f", "0")  # an XML boolean that openpyxl reads as false


class _WorkbookPart(_Part):
    def __init__(self):
        from openpyxl.utils.datetime import CALENDAR_WINDOWS_1900

        self.sheet_ids = []
        self.epoch = CALENDAR_WINDOWS_1900

    def start(self, name, attributes):
        if name == _MAIN + "sheet":
            self.sheet_ids.append(attributes.get(_RELATIONSHIP_ID))
        elif name == _MAIN + "workbookPr" and attributes.get("date1904", "") not in _FALSE:
            from openpyxl.utils.datetime import CALENDAR_MAC_1904

            self.epoch = CALENDAR_MAC_1904


class _Relationships(_Part):
    def __init__(self, folder: str):
        self.folder = folder
        self.targets = {}

    def start(self, name, attributes):
        if name == _RELATIONSHIP:
            self.targets.setdefault(attributes.get("Id"), attributes)

    def first_worksheet(self, sheet_ids) -> str:
        """The part of the first sheet that is not a chart, as openpyxl's worksheets[0]."""
        for sheet_id in sheet_ids:
            target = self.targets.get(sheet_id)
            if target is None or target.get("TargetMode") == "External":
                raise _damaged()
            if "chartsheet" in target.get("Type", ""):
                continue
            path = target.get("Target", "")
            path = path[1:] if path.startswith("/") else posixpath.join(self.folder, path)
            return posixpath.normpath(path)
        raise _damaged()


class _SharedStrings(_Part):
    def __init__(self):
        self.strings = []
        self.parts = None
        self.phonetic = 0

    def start(self, name, attributes):
        if name == _STRING:
            self.parts, self.phonetic = [], 0
        elif name == _PHONETIC:
            self.phonetic += 1
        elif name == _TEXT and self.parts is not None and not self.phonetic:
            self.capture = self.parts

    def end(self, name):
        self.capture = None
        if name == _STRING and self.parts is not None:
            # As openpyxl reads them: the text runs without phonetic guides.
            self.strings.append("".join(self.parts).replace("x005F_", ""))
            self.parts = None
        elif name == _PHONETIC:
            self.phonetic -= 1


class _NumberStyles(_Part):
    """Which cell styles show a number as a date or a duration, as openpyxl decides it."""

    # Excel's own limits, with room: a format code has at most 255 characters and a
    # workbook at most about 250 custom formats. openpyxl's test of a code takes
    # time growing with the square of its length, so longer ones are not tried.
    MAX_CODE, MAX_CUSTOM = 255, 1000

    def __init__(self):
        self.custom = {}
        self.formats = []  # numFmtId of each cell style, by style index
        self.in_cell_styles = False
        self.kinds = {}  # numFmtId -> "date", "duration" or None, decided once

    def start(self, name, attributes):
        try:
            if name == _MAIN + "numFmt":
                code = attributes.get("formatCode", "")
                if len(code) > self.MAX_CODE or len(self.custom) >= self.MAX_CUSTOM:
                    raise _damaged()
                self.custom[int(attributes.get("numFmtId"))] = code
            elif name == _MAIN + "cellXfs":
                self.in_cell_styles = True
            elif name == _MAIN + "xf" and self.in_cell_styles:
                self.formats.append(int(attributes.get("numFmtId", 0)))
        except (TypeError, ValueError):
            raise _damaged() from None

    def end(self, name):
        if name == _MAIN + "cellXfs":
            self.in_cell_styles = False

    def kind(self, style: int) -> str | None:
        """How a number in this style shows: "date", "duration" or None."""
        if not 0 <= style < len(self.formats):
            return None
        number_format = self.formats[style]
        if number_format not in self.kinds:
            from openpyxl.styles.numbers import (
                builtin_format_code,
                is_date_format,
                is_timedelta_format,
            )

            if number_format in self.custom:
                code = self.custom[number_format]
            else:
                code = builtin_format_code(number_format)
            kind = None
            if is_date_format(code):
                kind = "duration" if is_timedelta_format(code) else "date"
            self.kinds[number_format] = kind
        return self.kinds[number_format]


class _Sheet(_Part):
    """A worksheet's rows: each non-empty one is added to `rows` once its end is read.

    Nothing else is kept, and an empty row or cell costs a few comparisons:
    a cell's reference is only decoded when its column matters.
    """

    def __init__(self, strings, styles, epoch):
        self.strings = strings
        self.styles = styles
        self.epoch = epoch
        self.rows = []
        self.row_number = 0
        self.cells = None  # [(column, Cell)] of the row being read; None outside a row
        self.in_cell = False
        self.cell_chars = 0

    def start(self, name, attributes):
        if name == _CELL:
            if self.cells is None or self.in_cell:
                raise _damaged()
            self.in_cell = True
            self.attributes = attributes
            self.value = self.inline = None
            self.phonetic = 0
            reference = attributes.get("r")
            if reference is None:  # the cell after the previous one
                self.column = self._column() + 1
                if self.column > EXCEL_COLUMNS:
                    raise _damaged()
            else:
                self.column, self.reference = None, reference
        elif name == _ROW:
            if self.cells is not None:
                raise _damaged()
            number = _whole_number(attributes.get("r"), self.row_number + 1)
            if not self.row_number < number <= EXCEL_ROWS:
                raise _damaged()  # rows out of order, or beyond the last row Excel has
            self.row_number = number
            self.cells = []
            self.column = self.last_column = 0
        elif not self.in_cell:
            return
        elif name == _VALUE and self.value is None:
            self.value = self.capture = []
        elif name == _INLINE:
            self.inline = []
        elif name == _PHONETIC:
            self.phonetic += 1
        elif name == _TEXT and self.inline is not None and not self.phonetic:
            self.capture = self.inline

    def end(self, name):
        self.capture = None
        if name == _CELL:
            self.in_cell = False
            if self.value is not None or self.inline is not None:
                cell = self._cell()
                if cell:
                    self._keep(cell)
        elif name == _ROW:
            cells, self.cells = self.cells, None
            if cells and not _is_blank(cell for _column, cell in cells):
                row = [_EMPTY] * cells[-1][0]
                for column, cell in cells:
                    row[column - 1] = cell
                self.rows.append((self.row_number, row))
        elif name == _PHONETIC and self.in_cell:
            self.phonetic -= 1

    def _column(self) -> int:
        """The column of the cell last started."""
        if self.column is None:
            self.column = _column(self.reference)
        return self.column

    def _keep(self, cell: Cell):
        column = self._column()
        if not self.last_column < column <= EXCEL_COLUMNS:
            # Two values for one cell, or a column beyond the last one Excel has.
            raise _damaged()
        self.last_column = column
        self.cell_chars += len(cell)
        if self.cell_chars > MAX_CELL_CHARS:
            raise PledgeError(
                _(
                    "Isi sel dalam berkas ini terlalu panjang: lebih dari %(max)s karakter "
                    "seluruhnya. Periksa sel yang berisi teks sangat panjang atau berulang."
                )
                % {"max": _thousands(MAX_CELL_CHARS)},
                code=Code.FILE_TOO_LARGE,
            )
        self.cells.append((column, cell))

    def _cell(self) -> Cell | None:
        """The cell just read, as openpyxl's values_only with data_only gives it, as text."""
        kind = self.attributes.get("t", "n")
        if kind == "inlineStr":
            return Cell("".join(self.inline)) if self.inline else None
        raw = "".join(self.value) if self.value else None
        if not raw:
            return None
        try:
            if kind == "n":
                return self._number(raw)
            if kind == "s":
                index = int(raw)
                if index < 0:
                    raise IndexError(index)
                return Cell(self.strings[index])
            if kind == "b":
                return _cell_text(bool(int(raw)))
            if kind == "d":
                from openpyxl.utils.datetime import from_ISO8601

                return _cell_text(from_ISO8601(raw))
        except (ValueError, IndexError):
            raise _damaged() from None
        return Cell(raw)  # a formula's text ("str"), an error ("e") such as #N/A

    def _number(self, raw: str) -> Cell:
        number = float(raw) if "." in raw or "e" in raw or "E" in raw else int(raw)
        style = self.attributes.get("s")
        kind = self.styles.kind(int(style) if style else 0)
        if kind is not None:
            from openpyxl.utils.datetime import from_excel

            try:
                return _cell_text(from_excel(number, self.epoch, timedelta=kind == "duration"))
            except (OverflowError, ValueError):
                pass  # no date Python can hold: the number as stored
        return _cell_text(number)


def _column(reference: str) -> int:
    """The column of a cell reference such as "AB12" (1 for A), or a damaged file."""
    letters = reference.rstrip("0123456789")
    if not (0 < len(letters) <= 3 and letters.isascii() and letters.isalpha()):
        raise _damaged()
    column = 0
    for letter in letters.upper():
        column = column * 26 + ord(letter) - ord("A") + 1
    return column


def _whole_number(text: str | None, default: int) -> int:
    if text is None:
        return default
    try:
        return int(text)
    except ValueError:
        pass
    try:
        number = float(text)  # "2.0" is row 2 for openpyxl too
    except ValueError:
        raise _damaged() from None
    if not number.is_integer():
        raise _damaged()
    return int(number)


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
