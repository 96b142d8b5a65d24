"""Staff in a real browser: log in, create an event, import a file, see coverage."""

import pytest
from playwright.sync_api import expect

from pledges.models import Event, Signatory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CSV = (
    "nama_lengkap;nip;jabatan;kategori;instansi;wilayah\n"
    "Dewi Lestari;198604112008012002;Camat Gadingrejo;camat;Kecamatan Gadingrejo;Gadingrejo\n"
    "Yuliana Putri;199007232015032004;Lurah Krapyakrejo;lurah;Kelurahan;Krapyakrejo\n"
    "Salah Ketik;1986;Staf;asn_lainnya;;\n"
)


def test_staff_create_an_event_import_a_list_and_see_coverage(
    live_server, page, staff, pasuruan, template, tmp_path
):
    page.goto(f"{live_server.url}/")
    page.get_by_label("Nama pengguna").fill("petugas")
    page.get_by_label("Sandi").fill("rahasia-uji-123")
    page.get_by_role("button", name="Masuk").click()
    page.get_by_role("link", name="+ Kegiatan baru").click()

    page.get_by_label("Jenis kegiatan").select_option("sosialisasi")
    page.locator("#id_title").fill("Sosialisasi Netralitas ASN Kota Pasuruan")
    page.locator("#id_election").fill("Pemilihan Serentak 2024")
    with page.expect_response(lambda response: "/wilayah/cari/" in response.url):
        page.get_by_label("Cari kabupaten/kota").fill("Pasuruan")
    page.locator("#id_region").select_option("35.75")
    page.get_by_label("Tanggal").fill("2024-09-23")
    page.get_by_label("Jam mulai").fill("09:00")
    page.locator("#id_venue").fill("Ascent Premier Hotel")
    # Each choice says how many points it has, and where its near twin comes from.
    page.locator("#id_template").select_option(str(template.pk))
    chosen = page.locator("#id_template option:checked").inner_text()
    assert chosen.startswith(
        "Ikrar Netralitas Aparatur Sipil Negara pada Pemilihan Serentak 2024 — 4 butir · "
    )
    # The template picker shows the whole pledge before the event is saved.
    page.locator("#template-preview li").first.wait_for()
    assert page.locator("#template-preview li").count() == 4
    page.get_by_role("button", name="Simpan").click()

    page.get_by_text("Kegiatan dibuat sebagai draf.").wait_for()
    assert "Senin, 23 September 2024 09.00 WIB" in page.content()
    event = Event.objects.get()

    page.get_by_role("link", name="Impor CSV/XLSX").click()
    upload = tmp_path / "peserta.csv"
    upload.write_text(CSV, encoding="utf-8")
    page.get_by_label("Berkas CSV atau XLSX").set_input_files(str(upload))
    page.get_by_role("button", name="Unggah dan periksa").click()
    page.get_by_text("2 sah").wait_for()
    assert "NIP harus 18 digit" in page.content()
    page.get_by_label("Hanya baris yang sah; baris bermasalah dilewati").check()
    page.get_by_role("button", name="Simpan ke daftar penanda tangan").click()
    page.get_by_text("2 penanda tangan diimpor dari peserta.csv.").wait_for()
    assert Signatory.objects.filter(event=event).count() == 2

    page.get_by_role("link", name="Cakupan").click()
    row = page.locator("tr", has_text="Kecamatan Gadingrejo")
    expect(row.locator("[data-status]")).to_have_text("Terdaftar")
    missing = page.locator("tr", has_text="Kecamatan Purworejo")
    expect(missing.locator("[data-status]")).to_have_text("Belum terdaftar")
