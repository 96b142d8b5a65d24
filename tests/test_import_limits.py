"""Uploads built to exhaust the server: read in bounded time and memory, or refused clearly.

Every hostile file is written here with zipfile and hand-made XML, so each is
small on disk whatever it claims once unzipped. Speed is measured in
bench/import_xlsx.py, not here; tracemalloc only gives generous memory bounds.
"""

import io
import random
import tracemalloc
import zipfile
from datetime import date, datetime, time, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from pledges.errors import PledgeError
from pledges.models import Signatory
from pledges.rendering.spreadsheets import MAX_DATA_ROWS, read_table
from pledges.rendering.xlsx_reader import _cell_text
from pledges.services.imports import read_import_file

HEADER = ["nama_lengkap", "nip", "jabatan", "kategori", "instansi", "wilayah"]
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
MB = 1024 * 1024


def inline_row(number, values):
    cells = "".join(
        f'<c r="{letter}{number}" t="inlineStr"><is><t>{value}</t></is></c>'
        for letter, value in zip("ABCDEF", values, strict=False)
        if value
    )
    return f'<row r="{number}">{cells}</row>'


HEAD = inline_row(1, HEADER)


def person(number, name="Dewi Lestari"):
    return inline_row(number, [name, "", "Camat", "camat", "", ""])


def xlsx(rows_xml, shared_strings=None, styles=None, sheet=None, parts=None):
    """An XLSX whose first sheet's <sheetData> holds `rows_xml`, with no <dimension>."""
    overrides = [
        ("/xl/workbook.xml", "sheet.main+xml"),
        ("/xl/worksheets/sheet1.xml", "worksheet+xml"),
    ]
    if shared_strings is not None:
        overrides.append(("/xl/sharedStrings.xml", "sharedStrings+xml"))
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        + "".join(
            f'<Override PartName="{name}" ContentType="application/'
            f'vnd.openxmlformats-officedocument.spreadsheetml.{kind}"/>'
            for name, kind in overrides
        )
        + "</Types>"
    )
    rels = "http://schemas.openxmlformats.org/package/2006/relationships"
    office = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    files = {
        "[Content_Types].xml": content_types,
        "_rels/.rels": f'<Relationships xmlns="{rels}"><Relationship Id="rId1" '
        f'Type="{office}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{MAIN}" xmlns:r="{office}"><sheets>'
        '<sheet name="Peserta" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{rels}"><Relationship Id="rId1" '
        f'Type="{office}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": sheet
        if sheet is not None
        else f'<worksheet xmlns="{MAIN}"><sheetData>{rows_xml}</sheetData></worksheet>',
    }
    if shared_strings is not None:
        files["xl/sharedStrings.xml"] = f'<sst xmlns="{MAIN}">{shared_strings}</sst>'
    if styles is not None:
        files["xl/styles.xml"] = f'<styleSheet xmlns="{MAIN}">{styles}</styleSheet>'
    files.update(parts or {})
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            if content is not None:
                archive.writestr(name, content)
    return out.getvalue()


def refusal(name, data):
    with pytest.raises(PledgeError) as error:
        read_import_file(name, data)
    assert error.value.message
    return error.value


def peak_memory(function):
    """What `function` allocated at most, in bytes, and its result (or its PledgeError)."""
    tracemalloc.start()
    try:
        result = function()
    except PledgeError as error:
        result = error
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak, result


# --- Rows that are not there -------------------------------------------------------


def test_a_million_empty_rows_without_dimension_are_refused_before_being_read():
    data = xlsx(HEAD + person(2) + "".join(f'<row r="{n}"/>' for n in range(3, 1_000_003)))
    assert len(data) < MAX_DATA_ROWS * 1024  # a small upload
    peak, error = peak_memory(lambda: read_import_file("peserta.xlsx", data))
    assert isinstance(error, PledgeError) and error.code == "file_too_large"
    assert "terlalu besar setelah dibuka" in error.message
    assert peak < 50 * MB


def test_a_million_bare_row_elements_are_refused_at_the_tag_bound():
    # <row/> without a number: 6 MB of XML, well under the unzipped size bound.
    error = refusal("peserta.xlsx", xlsx(HEAD + person(2) + "<row/>" * 1_000_000))
    assert error.code == "file_too_large"
    assert "terlalu banyak sel dan baris" in error.message


def test_a_data_row_after_100000_empty_rows_is_read_at_its_row_number():
    empty = "".join(f'<row r="{n}"><c r="A{n}" s="1"/></row>' for n in range(3, 100_003))
    data = xlsx(HEAD + person(2) + empty + person(100_003, "Budi Santoso"))
    peak, rows = peak_memory(lambda: read_import_file("peserta.xlsx", data))
    assert [(row["line"], row["values"]["nama_lengkap"]) for row in rows] == [
        (2, "Dewi Lestari"),
        (100_003, "Budi Santoso"),
    ]
    assert peak < 50 * MB


def test_a_lone_cell_at_row_one_million_is_read_without_filling_the_gap():
    data = xlsx(HEAD + person(1_000_000, "Budi Santoso"))
    peak, rows = peak_memory(lambda: read_import_file("peserta.xlsx", data))
    assert [(row["line"], row["values"]["nama_lengkap"]) for row in rows] == [
        (1_000_000, "Budi Santoso")
    ]
    assert peak < 5 * MB


def test_blank_rows_keep_the_row_numbers_excel_shows():
    data = xlsx(HEAD + person(4) + "<row/><row/>" + person(7, "Budi"))
    assert [row["line"] for row in read_import_file("peserta.xlsx", data)] == [4, 7]
    csv = "\n".join([",".join(HEADER), "", "Dewi,,Camat,camat,,", ",,,,,", "Budi,,Staf,camat,,"])
    assert [row["line"] for row in read_import_file("peserta.csv", csv.encode())] == [3, 5]


def test_a_row_of_a_million_empty_cells_is_refused_at_column_16385_not_built():
    # openpyxl built all of them as one row: 300 MB for this 5 KB upload.
    data = xlsx(HEAD + "<row>" + "<c/>" * 1_000_000 + "</row>")
    peak, error = peak_memory(lambda: read_import_file("peserta.xlsx", data))
    assert isinstance(error, PledgeError) and error.code == "file_damaged"
    assert peak < 50 * MB


def test_a_million_empty_csv_lines_before_the_data_are_skipped_cheaply():
    data = ",".join(HEADER).encode() + b"\n" + b"\n" * 1_000_000 + b"Dewi,,Camat,camat,,\n"
    peak, rows = peak_memory(lambda: read_import_file("peserta.csv", data))
    assert [(row["line"], row["values"]["nama_lengkap"]) for row in rows] == [(1_000_002, "Dewi")]
    assert peak < 50 * MB


def test_a_csv_line_wider_than_excel_is_refused():
    error = refusal("peserta.csv", ";".join(HEADER).encode() + b"\n" + b"a;" * 2_000_000)
    assert error.code == "file_too_large"
    assert "Baris 2 berisi lebih dari 16.384 kolom" in error.message


def test_a_very_wide_header_names_only_the_first_unknown_columns():
    error = refusal("peserta.csv", (";".join(f"k{i}" for i in range(16_000)) + "\nx\n").encode())
    assert error.code == "file_bad_headers"
    assert "k0, k1" in error.message and "dan 15990 lainnya" in error.message
    assert len(error.message) < 1000


# --- The 5,000-row limit -----------------------------------------------------------


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_more_than_5000_data_rows_are_refused_as_soon_as_row_5001_is_read(kind):
    if kind == "xlsx":
        rows = "".join(person(n, f"Orang {n}") for n in range(2, MAX_DATA_ROWS + 3))
        # Past the limit, and past the chunk holding it, the sheet is broken: refusing for
        # the rows shows that reading stopped there.
        data = xlsx(HEAD + rows + " " * 200_000 + "<row><c><v>1</v></c></row><row>")
    else:
        lines = [f"Orang {n},,Staf,camat,," for n in range(2, MAX_DATA_ROWS + 3)]
        data = "\n".join([",".join(HEADER), *lines, '"unclosed']).encode()
    error = refusal(f"peserta.{kind}", data)
    assert error.code == "file_too_many_rows"
    assert "lebih dari 5.000 baris data" in error.message


def test_exactly_5000_data_rows_are_read():
    rows = "".join(person(n, f"Orang {n}") for n in range(2, MAX_DATA_ROWS + 2))
    assert len(read_import_file("peserta.xlsx", xlsx(HEAD + rows))) == MAX_DATA_ROWS


# --- Zip bombs ---------------------------------------------------------------------


def test_a_sheet_that_unzips_to_100_mb_is_refused_before_it_is_inflated():
    padding = " " * (100 * MB)  # compresses to about 100 KB
    data = xlsx(None, sheet=f'<worksheet xmlns="{MAIN}"><sheetData>{padding}</sheetData>')
    peak, error = peak_memory(lambda: read_import_file("peserta.xlsx", data))
    assert isinstance(error, PledgeError) and error.code == "file_too_large"
    assert peak < 10 * MB


def test_shared_strings_that_unzip_too_large_are_refused():
    huge = "<si><t>" + "x" * (20 * MB) + "</t></si>"
    error = refusal("peserta.xlsx", xlsx(HEAD, shared_strings=huge))
    assert error.code == "file_too_large"


def test_a_million_empty_shared_strings_are_refused_at_the_tag_bound():
    # openpyxl spent 8 s on these before any row was read.
    error = refusal("peserta.xlsx", xlsx(HEAD + person(2), shared_strings="<si/>" * 1_100_000))
    assert error.code == "file_too_large"


def test_one_long_shared_string_copied_into_every_cell_is_refused():
    cell = '<c t="s"><v>0</v></c>'
    rows = "".join(f"<row>{cell * 9}</row>" for _ in range(3000))
    data = xlsx(HEAD + rows, shared_strings="<si><t>" + "x" * 30_000 + "</t></si>")
    peak, error = peak_memory(lambda: read_import_file("peserta.xlsx", data))
    assert isinstance(error, PledgeError) and error.code == "file_too_large"
    assert "lebih dari 5.242.880 karakter" in error.message
    assert peak < 50 * MB


# --- Broken files ------------------------------------------------------------------


def zip_of(files):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


def corrupt_deflate(data, part):
    """`data` with the compressed bytes of `part` overwritten (its CRC then fails too)."""
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(part)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    middle = start + info.compress_size // 2
    return data[:middle] + bytes(16) + data[middle + 16 :]


BROKEN = {
    "malformed sheet XML": xlsx(HEAD + "<row><c><v>1</v></row>"),
    "sheet XML cut short": xlsx(None, sheet=f'<worksheet xmlns="{MAIN}"><sheetData>' + HEAD),
    "missing sheet part": xlsx(HEAD, parts={"xl/worksheets/sheet1.xml": None}),
    "missing workbook relationships": xlsx(HEAD, parts={"xl/_rels/workbook.xml.rels": None}),
    "workbook without sheets": xlsx(
        HEAD, parts={"xl/workbook.xml": f'<workbook xmlns="{MAIN}"><sheets/></workbook>'}
    ),
    "shared string index out of range": xlsx(
        HEAD + '<row><c t="s"><v>7</v></c></row>', shared_strings="<si><t>a</t></si>"
    ),
    "negative shared string index": xlsx(
        HEAD + '<row><c t="s"><v>-1</v></c></row>', shared_strings="<si><t>a</t></si>"
    ),
    "malformed shared strings": xlsx(HEAD, shared_strings="<si><t>a</si>"),
    "malformed styles": xlsx(HEAD, styles="<cellXfs><xf numFmtId='x'/></cellXfs>"),
    # openpyxl's test of a format code takes time in the square of its length.
    "number format longer than Excel allows": xlsx(
        HEAD, styles=f'<numFmts><numFmt numFmtId="164" formatCode="{"[" * 20_000}"/></numFmts>'
    ),
    "more number formats than Excel allows": xlsx(
        HEAD,
        styles="<numFmts>"
        + "".join(f'<numFmt numFmtId="{164 + n}" formatCode="0.{n}"/>' for n in range(1001))
        + "</numFmts>",
    ),
    "number that is not one": xlsx(HEAD + "<row><c><v>abc</v></c></row>"),
    "boolean that is not one": xlsx(HEAD + '<row><c t="b"><v>ya</v></c></row>'),
    "date that is not one": xlsx(HEAD + '<row><c t="d"><v>kemarin</v></c></row>'),
    "row number that is not one": xlsx(HEAD + '<row r="dua"><c><v>1</v></c></row>'),
    "rows out of order": xlsx(HEAD + person(5) + person(3)),
    "two values for one cell": xlsx(
        HEAD + '<row r="2"><c r="A2"><v>1</v></c><c r="A2"><v>2</v></c></row>'
    ),
    "column beyond XFD": xlsx(HEAD + '<row r="2"><c r="XFE2"><v>1</v></c></row>'),
    "cell reference that is not one": xlsx(HEAD + '<row r="2"><c r="12"><v>1</v></c></row>'),
    "row beyond 1,048,576": xlsx(HEAD + person(1_048_577)),
    "entity declarations": xlsx(
        None,
        sheet='<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        f'<worksheet xmlns="{MAIN}"><sheetData>{HEAD}</sheetData></worksheet>',
    ),
    "corrupt compressed sheet": corrupt_deflate(
        xlsx(HEAD + "".join(person(n, f"Orang {n}") for n in range(2, 400))),
        "xl/worksheets/sheet1.xml",
    ),
}


@pytest.mark.parametrize("case", BROKEN)
def test_a_damaged_xlsx_is_refused_with_a_clear_message(case):
    error = refusal("peserta.xlsx", BROKEN[case])
    assert error.code == "file_damaged"
    assert error.message.startswith("Berkas XLSX rusak atau tidak dapat dibaca")


@pytest.mark.parametrize(
    "data",
    [
        zip_of({"foto.jpg": b"\xff\xd8\xff"}),
        zip_of({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w/>"}),
        b"PK\x03\x04" + bytes(200),
    ],
    ids=["zip of photos", "word document", "not a zip"],
)
def test_a_zip_that_is_not_a_workbook_is_not_a_spreadsheet(data):
    assert refusal("peserta.xlsx", data).code == "file_not_spreadsheet"


def test_damaged_bytes_anywhere_in_an_xlsx_are_read_or_refused_never_raised():
    workbook = Workbook()
    workbook.active.append(HEADER)
    for number in range(30):
        workbook.active.append([f"Orang {number}", 19860411200801200 + number, "Staf", "camat"])
    out = io.BytesIO()
    workbook.save(out)
    good = out.getvalue()
    rng = random.Random(13)
    for _attempt in range(400):
        data = bytearray(good)
        if rng.random() < 0.2:
            data = data[: rng.randrange(8, len(data))]
        else:
            # Half the hits in the zip directory at the end, where zipfile is fussiest.
            for _hit in range(rng.randint(1, 6)):
                low = 0 if rng.random() < 0.5 else len(data) - 1500
                data[rng.randrange(low, len(data))] = rng.randrange(256)
        try:
            rows = read_import_file("peserta.xlsx", bytes(data))
        except PledgeError as error:
            assert error.message
        else:
            assert all(set(row["values"]) == set(HEADER) for row in rows)


# --- What openpyxl read is still what is read --------------------------------------

cell_values = st.one_of(
    st.none(),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=20),
    st.integers(-(10**18), 10**18),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.dates(min_value=date(1901, 1, 1)),
    st.datetimes(min_value=datetime(1901, 1, 1)).map(lambda moment: moment.replace(microsecond=0)),
    st.sampled_from([time(10, 30), timedelta(days=1, hours=2), "x_x005F_y", "=SUM(A1:A2)"]),
)
number_formats = st.sampled_from(["General", "yyyy-mm-dd", "[h]:mm:ss", "0.00", "@", "d/m/yy h:mm"])


@pytest.mark.filterwarnings("ignore:Cell .* is marked as a date")
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(st.lists(st.tuples(cell_values, number_formats), max_size=7), max_size=8),
    mac_epoch=st.booleans(),
)
def test_ordinary_workbooks_read_as_openpyxl_reads_them(rows, mac_epoch):
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    workbook = Workbook()
    if mac_epoch:
        workbook.epoch = CALENDAR_MAC_1904
    for values in rows:
        workbook.active.append([value for value, _format in values])
    for sheet_row, values in zip(workbook.active.iter_rows(), rows, strict=False):
        for cell, (_value, number_format) in zip(sheet_row, values, strict=False):
            cell.number_format = number_format
    out = io.BytesIO()
    workbook.save(out)
    data = out.getvalue()

    expected = []
    opened = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    for values in opened.worksheets[0].iter_rows(values_only=True):
        cells = [_cell_text(value) for value in values]
        if any(cell.strip() for cell in cells):
            expected.append(cells)
    opened.close()
    try:
        read = [cells for _number, cells in read_table("peserta.xlsx", data)]
    except PledgeError as error:
        assert error.code == "file_empty" and not expected
        return

    def plain(table):
        result = []
        for cells in table:
            cells = [(str(cell), cell.numeric) for cell in cells]
            while cells and not cells[-1][0]:
                cells.pop()
            result.append(cells)
        return result

    # openpyxl turns a number too large for a date into "#VALUE!"; the number is kept instead.
    if "#VALUE!" not in str(plain(expected)):
        assert plain(read) == plain(expected)


def test_cells_as_other_programs_write_them_read_as_excel_shows_them():
    phonetic = '<rPh sb="0" eb="1"><t>ひ</t></rPh>'
    row = (
        '<row><c t="inlineStr"><is><r><t>Dewi </t></r><r><t>Lestari</t></r>'
        f"{phonetic}</is></c>"  # runs without r= references, a phonetic guide
        '<c t="s"><v>0</v></c>'  # a shared string in runs
        '<c t="str"><f>A1</f><v>Camat</v></c>'  # a formula's last value
        '<c t="e"><v>#N/A</v></c>'
        '<c s="1"><v>45000</v></c>'  # a number in a date style
        "<c><v>198604112008012002</v></c></row>"
    )
    data = xlsx(
        HEAD + row,
        shared_strings="<si><r><t>x_x005F_y </t></r><r><t>z</t></r></si>",
        styles='<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs>',
    )
    [(number, cells)] = list(read_table("peserta.xlsx", data))[1:]
    assert number == 2
    assert cells == [
        "Dewi Lestari",
        "x_y z",
        "Camat",
        "#N/A",
        "2023-03-15T00:00:00",
        "198604112008012002",
    ]
    assert [cell.numeric for cell in cells] == [False] * 5 + [True]


# --- Through the staff page --------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (BROKEN["malformed sheet XML"], "Berkas XLSX rusak atau tidak dapat dibaca"),
        (xlsx(HEAD + person(2) + "<row/>" * 1_000_000), "terlalu banyak sel dan baris"),
    ],
    ids=["malformed", "million empty rows"],
)
def test_the_staff_import_page_answers_a_hostile_xlsx_with_its_message(
    client, staff, event, data, message
):
    client.force_login(staff)
    response = client.post(
        reverse("staff:import_upload", args=[event.pk]),
        {"file": SimpleUploadedFile("peserta.xlsx", data)},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert f"signatory-import-{event.pk}" not in client.session
    assert not Signatory.objects.exists()
