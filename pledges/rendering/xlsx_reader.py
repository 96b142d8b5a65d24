"""Reading the first worksheet of an XLSX upload as a bounded stream of rows.

Every XML part is parsed with expat within fixed bounds, so no file, whatever it
claims, costs more than about a second and a few megabytes (bench/import_xlsx.py).
"""

import io
import posixpath
import zipfile
from datetime import date, datetime

from django.utils.translation import gettext as _

from pledges.errors import Code, PledgeError
from pledges.rendering.cells import (
    EMPTY,
    EXCEL_COLUMNS,
    EXCEL_ROWS,
    Cell,
    damaged,
    is_blank,
    not_a_spreadsheet,
    thousands,
)
from pledges.rendering.xlsx_parts import (
    _BROKEN_PART,
    _CELL,
    _INLINE,
    _PHONETIC,
    _ROW,
    _TEXT,
    _VALUE,
    MAX_CELL_CHARS,
    _Archive,
    _ContentTypes,
    _NumberStyles,
    _Part,
    _Relationships,
    _SharedStrings,
    _WorkbookPart,
)


def read_xlsx(data: bytes):
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
        raise not_a_spreadsheet() from None
    try:
        content_types = archive.read_part("[Content_Types].xml", _ContentTypes())
    except KeyError:
        raise not_a_spreadsheet() from None  # a zip, but of something else
    except _BROKEN_PART:
        raise damaged() from None
    workbook_path = content_types.workbook_path()
    if workbook_path is None:
        raise not_a_spreadsheet()
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
        raise damaged() from None
    return _sheet_rows(sheet, steps)


def _sheet_rows(sheet, steps):
    try:
        for _step in steps:
            yield from sheet.rows
            sheet.rows.clear()
    except _BROKEN_PART:
        raise damaged() from None


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
                raise damaged()
            self.in_cell = True
            self.attributes = attributes
            self.value = self.inline = None
            self.phonetic = 0
            reference = attributes.get("r")
            if reference is None:  # the cell after the previous one
                self.column = self._column() + 1
                if self.column > EXCEL_COLUMNS:
                    raise damaged()
            else:
                self.column, self.reference = None, reference
        elif name == _ROW:
            if self.cells is not None:
                raise damaged()
            number = _whole_number(attributes.get("r"), self.row_number + 1)
            if not self.row_number < number <= EXCEL_ROWS:
                raise damaged()  # rows out of order, or beyond the last row Excel has
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
            if cells and not is_blank(cell for _column, cell in cells):
                row = [EMPTY] * cells[-1][0]
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
            raise damaged()
        self.last_column = column
        self.cell_chars += len(cell)
        if self.cell_chars > MAX_CELL_CHARS:
            raise PledgeError(
                _(
                    "Isi sel dalam berkas ini terlalu panjang: lebih dari %(max)s karakter "
                    "seluruhnya. Periksa sel yang berisi teks sangat panjang atau berulang."
                )
                % {"max": thousands(MAX_CELL_CHARS)},
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
            raise damaged() from None
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
        raise damaged()
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
        raise damaged() from None
    if not number.is_integer():
        raise damaged()
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
