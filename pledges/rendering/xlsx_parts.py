"""The parts of an XLSX package the reader needs, each parsed with expat within bounds."""

import posixpath
import zipfile
import zlib
from xml.parsers import expat

from django.utils.translation import gettext as _

from pledges.errors import Code, PledgeError
from pledges.rendering.cells import (
    MAX_UPLOAD_BYTES,
    damaged,
)

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
            raise damaged()  # encrypted, or compressed in a way Excel never writes
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
            raise damaged() from None
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
    raise damaged()


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
                raise damaged()
            if "chartsheet" in target.get("Type", ""):
                continue
            path = target.get("Target", "")
            path = path[1:] if path.startswith("/") else posixpath.join(self.folder, path)
            return posixpath.normpath(path)
        raise damaged()


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
                    raise damaged()
                self.custom[int(attributes.get("numFmtId"))] = code
            elif name == _MAIN + "cellXfs":
                self.in_cell_styles = True
            elif name == _MAIN + "xf" and self.in_cell_styles:
                self.formats.append(int(attributes.get("numFmtId", 0)))
        except (TypeError, ValueError):
            raise damaged() from None

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
