"""The rough edges a newcomer met on the back office, each as they would notice it."""

import time
from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.urls import reverse

from pledges.models import AuditEntry, Document, Event, PledgeTemplate
from pledges.services.exports import export_signatories
from tests.conftest import make_event, make_signatory, make_signature
from tests.test_import import HEADER, csv_file, upload


def test_documents_tab_drops_the_waiting_banner_once_the_pdf_is_ready(client, staff, open_event):
    client.force_login(staff)
    asked_at = int(time.time()) - 1
    url = reverse("staff:documents_status", args=[open_event.pk])
    waiting = client.get(url, {"menunggu": 30, "sejak": asked_at}).content.decode()
    assert "Dokumen sedang dibuat" in waiting  # no worker has started yet
    Document.objects.create(event=open_event, kind="deklarasi", status="ready", sha256="0" * 64)
    ready = client.get(url, {"menunggu": 29, "sejak": asked_at}).content.decode()
    assert "Dokumen sedang dibuat" not in ready
    assert "hx-trigger" not in ready  # and it stops polling


def test_import_preview_shows_what_each_row_matched(client, staff, event):
    client.force_login(staff)
    rows = [
        HEADER,
        "Yuliana Putri,199007232015032004,Lurah Krapyakrejo,LURAH,Kelurahan,kel. krapyakrejo",
        "Dewi Lestari,198604112008012002,Camat Gadingrejo,camat,Kecamatan,35.75.01",
    ]
    page = upload(client, event, csv_file(rows)).content.decode()
    assert "Kel. Krapyakrejo (35.75.01.1001)" in page
    assert "ditulis: kel. krapyakrejo" in page
    assert "Kec. Gadingrejo (35.75.01)" in page
    assert "<td>Lurah</td>" in page and "LURAH" not in page  # the category as it is named


def test_login_error_names_the_username_once(client, staff):
    page = client.post(reverse("login"), {"username": "petugas", "password": "salah"})
    text = page.content.decode()
    assert "Nama pengguna atau sandi salah" in text
    assert "nama pengguna nama pengguna" not in text.lower()
    admin = client.post(reverse("admin:login"), {"username": "petugas", "password": "salah"})
    assert "Nama pengguna atau sandi salah, atau akun ini bukan akun staf" in admin.content.decode()


def test_admin_speaks_indonesian_about_libraries_and_audit_objects(
    client, superuser, signatory, station
):
    client.force_login(superuser)
    index = client.get(reverse("admin:index")).content.decode()
    for english in ("Tasks Database Backend", "Task Results", ">Axes<", "Access attempts"):
        assert english not in index
    assert "Antrean tugas latar" in index and "Hasil tugas latar" in index
    assert "Percobaan masuk" in index
    make_signature(signatory, station=station)
    assert AuditEntry.objects.filter(object_type="Signature").exists()
    audit = client.get(reverse("admin:pledges_auditentry_changelist")).content.decode()
    for english in (">Signatory<", ">Signature<", ">SigningStation<", ">Event<"):
        assert english not in audit
    assert ">penanda tangan<" in audit and ">meja tanda tangan<" in audit


def test_template_picker_counts_points_and_tells_near_twins_apart(client, staff, template):
    client.force_login(staff)
    page = client.get(reverse("staff:event_create")).content.decode()
    pasuruan = PledgeTemplate.objects.get(slug="ikrar-netralitas-asn-pasuruan", is_current=True)
    assert (
        f"{pasuruan.title} — 4 butir · Ikrar netralitas ASN, sosialisasi Bawaslu Kota Pasuruan"
        in (page)
    )
    assert "Tahun 2024 — 6 butir · Ikrar netralitas ASN, sosialisasi Bawaslu Kota Gorontalo" in page


def test_event_page_shows_who_chairs_and_who_reads_the_pledge(client, staff, unit, template):
    event = make_event(
        unit, unit.region, template, chair_name="Vita Suci Rahayu", reader_name="Sekda Pasuruan"
    )
    client.force_login(staff)
    page = client.get(event.get_absolute_url()).content.decode()
    assert "Pimpinan acara: <strong>Vita Suci Rahayu</strong>" in page
    assert "Pembaca ikrar: <strong>Sekda Pasuruan</strong>" in page


def test_downloads_are_named_after_the_event_and_the_kind(
    client, staff, open_event, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(staff)
    document = Document(event=open_event, kind="deklarasi", status="ready", sha256="0" * 64)
    document.file.save(
        "deklarasi-sosialisasi-netralit_zoxZLd3.pdf", ContentFile(b"%PDF"), save=True
    )
    response = client.get(reverse("staff:download_document", args=[open_event.pk, document.pk]))
    disposition = response["Content-Disposition"]
    assert 'filename="deklarasi-bersama-sosialisasi-netralitas-asn-2024-09-23.pdf"' in disposition
    # A title cut at its limit leaves no "--" before what follows.
    Event.objects.filter(pk=open_event.pk).update(
        title="Sosialisasi Pengawasan Netralitas ASN pada Pemilihan Serentak — Kota Pasuruan"
    )
    open_event.refresh_from_db()
    name, _type, _content = export_signatories(open_event, "csv")
    assert (
        name == "penanda-tangan-sosialisasi-pengawasan-netralitas-asn-pada-pemilihan-2024-09-23.csv"
    )
    assert "--" not in name


def test_every_page_finds_its_favicon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"


def test_pakta_download_names_the_signer(client, staff, open_event, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    signer = make_signatory(open_event, "Drs. Bambang Setiawan, M.Si.")
    document = Document(
        event=open_event, signatory=signer, kind="pakta_integritas", status="ready", sha256="1" * 64
    )
    document.file.save("x_AbCdEf1.pdf", ContentFile(b"%PDF"), save=True)
    client.force_login(staff)
    response = client.get(reverse("staff:download_document", args=[open_event.pk, document.pk]))
    assert (
        "pakta-integritas-drs-bambang-setiawan-msi-sosialisasi-netralitas-asn-2024-09-23.pdf"
        in response["Content-Disposition"]
    )


def test_demo_event_is_dated_with_its_election(db, settings):
    from django.core.management import call_command

    from tests.conftest import make_region

    make_region("35", "Jawa Timur")
    make_region("35.75", "Kota Pasuruan")
    make_region("35.75.01", "Gadingrejo")
    make_region("35.75.02", "Purworejo")
    make_region("35.75.01.1007", "Krapyakrejo")
    from pledges.services.templates import load_shipped_templates

    load_shipped_templates()
    call_command("seed_demo")
    event = Event.objects.get()
    assert "2024" in event.title
    assert event.starts_at == datetime(2024, 9, 23, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
