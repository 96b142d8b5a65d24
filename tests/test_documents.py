"""Generated PDFs: what they show, when they are made again, and how they fail."""

import errno
import hashlib
import re
from datetime import datetime
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.urls import reverse
from pypdf import PdfReader

from pledges.errors import PledgeError
from pledges.models import AuditEntry, Document
from pledges.services import documents, tasks
from pledges.services.events import open_event
from tests.conftest import make_event, make_signatory, make_signature

SIGNED_AT = datetime(2024, 9, 23, 9, 41, tzinfo=ZoneInfo("Asia/Jakarta"))


def pdf_of(document):
    with document.file.open("rb") as handle:
        return handle.read()


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)


def link_uris(pdf: bytes) -> set[str]:
    uris = set()
    for page in PdfReader(BytesIO(pdf)).pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action and action.get("/URI"):
                uris.add(str(action["/URI"]))
    return uris


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def signed(signatory):
    make_signature(signatory, signed_at=SIGNED_AT)
    return signatory


def test_pakta_integritas_shows_pledge_signer_nip_and_indonesian_date(signed, settings):
    settings.SITE_URL = "https://netralitas.example.id"
    document = documents.make_document(signed.event, Document.Kind.PAKTA_INTEGRITAS, signed)

    assert document.status == Document.Status.READY
    pdf = pdf_of(document)
    text = flat(text_of(pdf))
    for point in signed.event.frozen_pledge["points"]:
        assert point in text
    assert "Rudiyanto" in text
    assert "19800512 200501 1 002" in text
    assert "Sekretaris Daerah" in text and "Pemkot Pasuruan" in text
    assert "Pasuruan, Senin, 23 September 2024" in text
    assert "09.41 WIB" in text
    url = f"https://netralitas.example.id/verifikasi/{document.verification_code}/"
    assert url in "".join(text.split())  # the printed URL may wrap over two lines
    assert url in link_uris(pdf)
    assert document.sha256 == hashlib.sha256(pdf).hexdigest()
    assert document.pades_signed


def test_qr_code_encodes_the_verification_url(signed, settings):
    import segno

    settings.SITE_URL = "https://netralitas.example.id"
    document, _ = documents.prepare_document(signed.event, Document.Kind.PAKTA_INTEGRITAS, signed)
    verification = documents.Verification.of(document)

    assert verification.url == (
        f"https://netralitas.example.id/verifikasi/{document.verification_code}/"
    )
    expected = segno.make(verification.url, error="m").svg_inline(omitsize=True)
    assert verification.qr_svg == expected


def test_time_and_date_follow_the_event_region_time_zone(gorontalo, other_unit, template):
    event = open_event(
        make_event(
            other_unit,
            gorontalo,
            template,
            starts_at=datetime(2024, 9, 21, 9, 0, tzinfo=ZoneInfo("Asia/Makassar")),
        )
    )
    signatory = make_signatory(event)
    # 23.30 in Jakarta is already Sunday 00.30 in Gorontalo.
    make_signature(
        signatory, signed_at=datetime(2024, 9, 21, 23, 30, tzinfo=ZoneInfo("Asia/Jakarta"))
    )

    document = documents.make_document(event, Document.Kind.PAKTA_INTEGRITAS, signatory)

    text = flat(text_of(pdf_of(document)))
    assert "Gorontalo, Minggu, 22 September 2024" in text
    assert "00.30 WITA" in text


def test_long_and_non_ascii_names_do_not_break_the_layout(open_event):
    long_name = (
        "Prof. Dr. Hj. Nur'aini Şahin Ṣāliḥ Muhammad Abdurrahman Wahid Kusumaningrat, S.H., M.Si."
    )
    signatory = make_signatory(
        open_event,
        full_name=long_name,
        position="Kepala Dinas Pemberdayaan Perempuan, Perlindungan Anak, Pengendalian "
        "Penduduk dan Keluarga Berencana",
    )
    make_signature(signatory, signed_at=SIGNED_AT)

    document = documents.make_document(open_event, Document.Kind.PAKTA_INTEGRITAS, signatory)

    assert document.status == Document.Status.READY
    pages = PdfReader(BytesIO(pdf_of(document))).pages
    assert len(pages) == 1
    assert "Nur'aini Şahin" in flat(pages[0].extract_text())


def test_collective_deklarasi_of_120_signers_lists_every_row_over_several_pages(open_event):
    open_event.chair_name = "Vita Suci Rahayu"
    open_event.reader_name = "Rudiyanto"
    open_event.save()
    for number in range(120):
        signatory = make_signatory(
            open_event, full_name=f"Peserta Nomor {number + 1:03d}", nip="", category="lurah"
        )
        make_signature(signatory)

    document = documents.make_document(open_event, Document.Kind.DEKLARASI)

    pages = PdfReader(BytesIO(pdf_of(document))).pages
    texts = [page.extract_text() for page in pages]
    assert len(pages) >= 4
    whole = flat("\n".join(texts))
    assert all(f"Peserta Nomor {n:03d}" in whole for n in range(1, 121))
    row_numbers = re.findall(r"(?m)^(\d+)\. Peserta Nomor", "\n".join(texts))
    assert [int(n) for n in row_numbers] == list(range(1, 121))
    # The table header is repeated on every page the table runs over.
    pages_with_rows = [t for t in texts if "Peserta Nomor" in t]
    assert all("Nama / NIP" in t for t in pages_with_rows)
    assert whole.count(open_event.frozen_pledge["points"][0]) == 1
    assert "Vita Suci Rahayu" in whole


def test_daftar_hadir_lists_signed_and_unsigned_by_category(open_event):
    camat = make_signatory(open_event, full_name="Camat Gadingrejo", nip="", category="camat")
    make_signature(camat, signed_at=SIGNED_AT)
    make_signatory(open_event, full_name="Lurah Bukir", nip="", category="lurah")

    document = documents.make_document(open_event, Document.Kind.DAFTAR_HADIR)

    text = flat(text_of(pdf_of(document)))
    assert "Camat (1)" in text and "Lurah (1)" in text
    assert text.index("Camat Gadingrejo") < text.index("Lurah Bukir")
    assert "Hadir, 09.41 WIB" in text
    assert "Belum menandatangani" in text
    assert "Terdaftar 2 orang; 1 orang telah menandatangani" in text


def test_document_is_made_again_only_when_what_it_shows_changed(signed):
    event = signed.event
    first = documents.make_document(event, Document.Kind.DEKLARASI)
    again = documents.make_document(event, Document.Kind.DEKLARASI)
    assert again.pk == first.pk

    make_signature(make_signatory(event, full_name="Penanda Tangan Baru", nip=""))
    newer = documents.make_document(event, Document.Kind.DEKLARASI)

    assert newer.pk != first.pk
    assert "Penanda Tangan Baru" in text_of(pdf_of(newer))
    first.refresh_from_db()
    assert first.status == Document.Status.READY  # the old one stays verifiable


def test_unsigned_signatory_has_no_pakta_integritas(open_event):
    signatory = make_signatory(open_event)
    with pytest.raises(PledgeError) as raised:
        documents.make_document(open_event, Document.Kind.PAKTA_INTEGRITAS, signatory)
    assert raised.value.code == "not_signed"
    assert not Document.objects.exists()


def test_draft_event_has_no_documents(event):
    make_signatory(event)
    with pytest.raises(PledgeError) as raised:
        documents.make_document(event, Document.Kind.DAFTAR_HADIR)
    assert raised.value.code == "not_open"


def test_collective_deklarasi_needs_a_signature(open_event):
    make_signatory(open_event)
    with pytest.raises(PledgeError) as raised:
        documents.make_document(open_event, Document.Kind.DEKLARASI)
    assert raised.value.code == "no_signatures"


def test_failed_render_leaves_a_failed_document_without_file(signed, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("fontconfig rusak")

    monkeypatch.setattr("weasyprint.HTML.write_pdf", broken)

    document = documents.make_document(signed.event, Document.Kind.DEKLARASI)

    document.refresh_from_db()
    assert document.status == Document.Status.FAILED
    assert "PDF tidak dapat dibuat" in document.error
    assert not document.file and not document.sha256


def half_written_then_disk_full(monkeypatch):
    """Storage that writes half the PDF, then runs out of space, as a full disk does."""
    real_save = FileSystemStorage._save

    def save(storage, name, content):
        data = content.read()
        real_save(storage, name, ContentFile(data[: len(data) // 2]))
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(FileSystemStorage, "_save", save)


def stored_files(settings):
    return [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]


def test_full_disk_fails_the_document_clearly_and_leaves_no_file(
    signed, monkeypatch, settings, client, staff
):
    half_written_then_disk_full(monkeypatch)

    document = documents.make_document(signed.event, Document.Kind.DEKLARASI)

    document.refresh_from_db()
    assert document.status == Document.Status.FAILED
    assert document.error.startswith("Berkas PDF tidak dapat disimpan: ruang penyimpanan")
    assert not document.file and not document.sha256
    assert stored_files(settings) == []
    assert not AuditEntry.objects.filter(action="pdf", object_id=str(document.pk)).exists()
    client.force_login(staff)
    page = client.get(reverse("staff:event_documents", args=[signed.event.pk]))
    assert "ruang penyimpanan server penuh" in page.content.decode()


def test_document_is_made_once_the_disk_has_room_again(signed, monkeypatch, settings):
    half_written_then_disk_full(monkeypatch)
    failed = documents.make_document(signed.event, Document.Kind.DEKLARASI)
    monkeypatch.undo()

    retried = documents.make_document(signed.event, Document.Kind.DEKLARASI)

    assert retried.pk != failed.pk
    assert retried.status == Document.Status.READY
    assert hashlib.sha256(pdf_of(retried)).hexdigest() == retried.sha256
    assert stored_files(settings) == [Path(retried.file.path)]


def test_building_a_document_twice_keeps_the_first_file(signed, settings):
    document, _needs_building = documents.prepare_document(signed.event, Document.Kind.DEKLARASI)
    # A second worker holding its own copy of the still-pending row.
    stale_copy = Document.objects.get(pk=document.pk)
    first = documents.build_document(document)

    second = documents.build_document(stale_copy)

    assert second.status == Document.Status.READY
    assert (second.file.name, second.sha256) == (first.file.name, first.sha256)
    assert stored_files(settings) == [Path(first.file.path)]
    assert AuditEntry.objects.filter(action="pdf", object_id=str(document.pk)).count() == 1


def test_a_failed_document_is_tried_again(signed, monkeypatch):
    monkeypatch.setattr("weasyprint.HTML.write_pdf", lambda *a, **k: 1 / 0)
    failed = documents.make_document(signed.event, Document.Kind.DEKLARASI)
    monkeypatch.undo()

    retried = documents.make_document(signed.event, Document.Kind.DEKLARASI)

    assert retried.pk != failed.pk
    assert retried.status == Document.Status.READY


def test_queued_pakta_integritas_is_built_sealed_and_audited(signed):
    document = tasks.enqueue_document(signed.event, Document.Kind.PAKTA_INTEGRITAS, signed)

    document.refresh_from_db()
    assert document.status == Document.Status.READY
    assert document.signatory == signed
    assert AuditEntry.objects.filter(action="pdf", object_id=str(document.pk)).exists()


def test_unit_logo_and_address_appear_in_the_kop_surat(signed):
    from django.core.files.base import ContentFile
    from PIL import Image

    unit = signed.event.unit
    image = BytesIO()
    Image.new("RGB", (40, 40), "red").save(image, "PNG")
    unit.logo.save("logo.png", ContentFile(image.getvalue()))
    unit.address = "Jl. Pahlawan No. 12, Kota Pasuruan"
    unit.save()

    document = documents.make_document(signed.event, Document.Kind.PAKTA_INTEGRITAS, signed)

    pdf = pdf_of(document)
    assert "Jl. Pahlawan No. 12" in text_of(pdf)
    page = PdfReader(BytesIO(pdf)).pages[0]
    assert len(page.images) >= 1


def zigzag(turns: int) -> list:
    return [[[10 + 40 * n, 20 + 60 * (n % 2), 80 * n, 0.5] for n in range(turns + 1)]]


def test_signature_is_drawn_as_vectors_from_its_strokes_not_a_picture(open_event):
    # The same verification for both, so only the signatures differ. Both keep
    # the same stored SVG: the PDF draws the stored strokes, with a pen.
    verification = documents.Verification("KODEUJI23456", "https://contoh.id/verifikasi/K/")
    line_counts = []
    for name, turns in (("Pendek", 3), ("Panjang", 13)):
        signatory = make_signatory(open_event, full_name=name, nip="")
        make_signature(signatory, signed_at=SIGNED_AT, strokes=zigzag(turns))
        facts = documents.document_facts(open_event, Document.Kind.PAKTA_INTEGRITAS, signatory)
        _name, mimetype, pdf = documents.render_pakta_integritas(facts, verification)
        assert mimetype == "application/pdf"
        page = PdfReader(BytesIO(pdf)).pages[0]
        assert len(page.images) == 0  # no raster picture at all (this unit has no logo)
        line_counts.append(page.get_contents().get_data().count(b" l\n"))

    # Each turn of the pen is a corner on both edges of its filled outline.
    assert line_counts[1] - line_counts[0] == 2 * 10
