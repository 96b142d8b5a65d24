"""Importing signatories from CSV and XLSX: preview every problem, then all or only valid rows."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from pledges.errors import PledgeError
from pledges.models import AuditEntry, Signatory
from pledges.services.imports import import_signatories, read_import_file
from tests.conftest import VALID_NIP, make_signatory

HEADER = "nama_lengkap,nip,jabatan,kategori,instansi,wilayah"
GOOD = [
    "Dewi Lestari,198604112008012002,Camat Gadingrejo,camat,Kecamatan Gadingrejo,Gadingrejo",
    "Yuliana Putri,199007232015032004,Lurah Krapyakrejo,Lurah,Kelurahan Krapyakrejo,35.75.01.1001",
    "Hendra Gunawan,,Tokoh masyarakat,non_asn,FKUB,",
]


@pytest.fixture
def logged_in(client, staff):
    client.force_login(staff)
    return client


def csv_file(lines, name="peserta.csv"):
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode(), "text/csv")


def upload(client, event, file):
    return client.post(reverse("staff:import_upload", args=[event.pk]), {"file": file})


def commit(client, event, mode="all", follow=False):
    token = client.session[f"signatory-import-{event.pk}"]["token"]
    return client.post(
        reverse("staff:import_commit", args=[event.pk]),
        {"token": token, "mode": mode},
        follow=follow,
    )


def test_valid_csv_is_previewed_then_saved(logged_in, event):
    page = upload(logged_in, event, csv_file([HEADER, *GOOD])).content.decode()
    assert "3 sah" in page and "0 bermasalah" in page
    assert not Signatory.objects.exists()  # the preview saves nothing
    response = commit(logged_in, event)
    assert response.status_code == 302
    saved = {s.full_name: s for s in Signatory.objects.all()}
    assert saved["Dewi Lestari"].led_region_id == "35.75.01"
    assert saved["Yuliana Putri"].category == "lurah"
    assert saved["Yuliana Putri"].led_region_id == "35.75.01.1001"
    assert saved["Hendra Gunawan"].nip == ""
    assert {s.registration for s in saved.values()} == {"import"}
    audited = AuditEntry.objects.filter(object_type="Signatory", action="create")
    assert set(audited.values_list("object_id", flat=True)) == {str(s.pk) for s in saved.values()}
    assert all(entry.event_id == event.pk for entry in audited)


def test_preview_lists_every_rows_problem(logged_in, event):
    make_signatory(event, nip=VALID_NIP)
    rows = [
        HEADER,
        "Nip Salah,198613412008012002,Staf,asn_lainnya,,",
        f"Sudah Ada,{VALID_NIP},Staf,asn_lainnya,,",
        "Kembar Satu,198604112008012002,Staf,asn_lainnya,,",
        "Kembar Dua,198604112008012002,Staf,asn_lainnya,,",
        ",199007232015032004,Staf,asn_lainnya,,",
        "Camat Entah,,Camat,camat,,Kecamatan Antah",
        "Lurah Tanpa Kode,,Lurah,lurah,,99.99",
        "Kategori Aneh,,Staf,bupati,,",
    ]
    page = upload(logged_in, event, csv_file(rows)).content.decode()
    assert "1 sah" in page and "7 bermasalah" in page  # only "Kembar Satu"
    assert "bukan tanggal lahir yang sah" in page
    assert "sudah terdaftar pada kegiatan ini (Rudiyanto)" in page
    assert "sama dengan baris 4" in page
    assert "Nama lengkap kosong." in page
    assert "Tidak ada kecamatan bernama “Kecamatan Antah” di Kota Pasuruan." in page
    assert "Kode wilayah 99.99 tidak ada di Kota Pasuruan." in page
    assert "Kategori “bupati” tidak dikenal" in page
    assert Signatory.objects.count() == 1


def test_file_with_problems_saves_nothing_unless_only_valid_rows_are_chosen(logged_in, event):
    upload(logged_in, event, csv_file([HEADER, *GOOD, "Tanpa NIP Sah,123,Staf,asn_lainnya,,"]))
    page = commit(logged_in, event, mode="all", follow=True).content.decode()
    assert "1 baris bermasalah; tidak ada yang disimpan." in page
    assert not Signatory.objects.exists()
    response = commit(logged_in, event, mode="valid")
    assert response.status_code == 302
    assert Signatory.objects.count() == 3


def test_nip_registered_between_preview_and_commit_saves_nothing(logged_in, event):
    upload(logged_in, event, csv_file([HEADER, *GOOD]))
    make_signatory(event, full_name="Didaftarkan meja", nip="198604112008012002")
    page = commit(logged_in, event, follow=True).content.decode()
    assert "tidak ada yang disimpan" in page
    assert list(Signatory.objects.values_list("full_name", flat=True)) == ["Didaftarkan meja"]


def test_commit_needs_the_servers_preview_not_the_clients(logged_in, event):
    upload(logged_in, event, csv_file([HEADER, *GOOD]))
    response = logged_in.post(
        reverse("staff:import_commit", args=[event.pk]), {"token": "palsu", "mode": "all"}
    )
    assert response.status_code == 302
    assert not Signatory.objects.exists()
    commit(logged_in, event)
    # A preview is used once: committing it again imports nothing twice.
    response = logged_in.post(
        reverse("staff:import_commit", args=[event.pk]), {"token": "x", "mode": "all"}
    )
    assert Signatory.objects.count() == 3


def test_semicolon_csv_from_indonesian_excel_in_cp1252(logged_in, event):
    text = "nama_lengkap;nip;jabatan;kategori;instansi;wilayah\nJosé Ramos;;Staf;asn_lainnya;;\n"
    file = SimpleUploadedFile("excel.csv", text.encode("cp1252"))
    upload(logged_in, event, file)
    commit(logged_in, event)
    assert Signatory.objects.get().full_name == "José Ramos"


def xlsx(rows, nip_as_number=False):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile("peserta.xlsx", out.getvalue())


def test_xlsx_is_imported(logged_in, event):
    upload(logged_in, event, xlsx([["Dewi", "198604112008012002", "Camat", "camat", "", "01"]]))
    commit(logged_in, event)
    assert Signatory.objects.get().led_region_id == "35.75.01"


def test_nip_stored_as_a_number_in_excel_is_refused(logged_in, event):
    page = upload(logged_in, event, xlsx([["Dewi", 198604112008012002, "Staf", "sekda", "", ""]]))
    assert "NIP tersimpan sebagai angka di Excel" in page.content.decode()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("kosong.csv", b"", "kosong"),
        ("spasi.csv", b"  \n\n", "Berkas kosong."),
        ("judul.csv", HEADER.encode() + b"\n", "hanya berisi judul kolom"),
        ("foto.png", b"\x89PNG\r\n\x1a\n\x00\x00", "bukan lembar kerja CSV atau XLSX"),
        ("lama.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Excel lama (.xls) tidak didukung"),
        ("rusak.xlsx", b"PK\x03\x04rusak", "bukan lembar kerja CSV atau XLSX"),
        ("salah.csv", b"nama,nomor\nA,1\n", "kolom wajib tidak ada: jabatan, kategori"),
        ("ganda.csv", b"nama_lengkap,jabatan,kategori,kategori\n", "kolom ganda: kategori"),
        ("besar.csv", HEADER.encode() + b"\n" + b"x" * (5 * 1024 * 1024), "Berkas terlalu besar"),
    ],
)
def test_unreadable_files_get_a_clear_message(logged_in, event, name, content, message):
    page = upload(logged_in, event, SimpleUploadedFile(name, content)).content.decode()
    assert message in page
    assert f"signatory-import-{event.pk}" not in logged_in.session


def test_wrong_headers_say_which_columns_are_expected(event):
    with pytest.raises(PledgeError) as error:
        read_import_file("x.csv", b"Nama,NIP Baru,Jabatan,Kategori\nA,1,B,sekda\n")
    assert error.value.code == "file_bad_headers"
    assert "kolom tidak dikenal: nip_baru" in error.value.message


def test_closed_event_takes_no_import(event):
    from pledges.services.events import close_event, open_event

    close_event(open_event(event))
    rows = read_import_file("p.csv", ("\n".join([HEADER, *GOOD])).encode())
    with pytest.raises(PledgeError) as error:
        import_signatories(event, rows)
    assert error.value.code == "closed"


def test_template_files_have_the_expected_columns(logged_in, event):
    csv = logged_in.get(reverse("staff:import_template", args=[event.pk, "csv"]))
    assert csv["Content-Disposition"].startswith("attachment")
    assert csv.content.decode("utf-8-sig").strip() == HEADER
    sheet = logged_in.get(reverse("staff:import_template", args=[event.pk, "xlsx"]))
    workbook = load_workbook(io.BytesIO(sheet.content))
    assert [c.value for c in workbook.worksheets[0][1]] == HEADER.split(",")
    regions = [row[0] for row in workbook["Wilayah"].iter_rows(min_row=2, values_only=True)]
    assert "35.75.01" in regions and "35.75.01.1001" in regions


def test_a_thousand_row_file_imports_completely(event):
    # Its speed is measured in bench/staff_pages.py, not here.
    nips = [f"19800512200501{1 if i % 2 else 2}{i:03d}" for i in range(1000)]
    lines = [HEADER] + [f"Peserta {i},{nip},Staf,asn_lainnya,OPD," for i, nip in enumerate(nips)]
    rows = read_import_file("seribu.csv", "\n".join(lines).encode())
    result = import_signatories(event, rows)
    assert len(result.created) == 1000
    assert Signatory.objects.filter(event=event).count() == 1000


def test_an_export_of_one_event_imports_into_the_next(logged_in, signatory, unit, pasuruan):
    from tests.conftest import make_event, make_signature

    make_signature(signatory)
    make_signatory(
        signatory.event,
        "Dewi",
        "198604112008012002",
        category="camat",
        led_region_id="35.75.01",
        position="Camat Gadingrejo",
    )
    exported = logged_in.get(reverse("staff:export", args=[signatory.event_id, "xlsx"]))
    following = make_event(unit, pasuruan, signatory.event.template, title="Kegiatan berikutnya")
    upload(logged_in, following, SimpleUploadedFile("ekspor.xlsx", exported.content))
    commit(logged_in, following)
    copied = {s.full_name: s for s in following.signatories.all()}
    assert copied["Rudiyanto"].nip == signatory.nip and copied["Rudiyanto"].category == "sekda"
    assert copied["Dewi"].led_region_id == "35.75.01"
