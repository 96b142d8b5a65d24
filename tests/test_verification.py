"""The public verification page: anyone can check a PDF, nobody learns more than it shows."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pledges.models import Document
from pledges.services import documents
from tests.conftest import VALID_NIP, make_signatory, make_signature

SIGNED_AT = datetime(2024, 9, 23, 9, 41, tzinfo=ZoneInfo("Asia/Jakarta"))


@pytest.fixture
def pakta(signatory):
    make_signature(signatory, signed_at=SIGNED_AT)
    return documents.make_document(signatory.event, Document.Kind.PAKTA_INTEGRITAS, signatory)


def pdf_of(document):
    with document.file.open("rb") as handle:
        return handle.read()


def upload(client, document, content: bytes, name="deklarasi.pdf"):
    return client.post(
        document.verification_path(),
        {"pdf": SimpleUploadedFile(name, content, content_type="application/pdf")},
    )


def test_page_shows_document_event_signer_and_hash_without_login(client, pakta):
    response = client.get(f"/verifikasi/{pakta.verification_code}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Pakta integritas perorangan" in html
    assert "Sosialisasi Netralitas ASN" in html
    assert "Bawaslu Kota Pasuruan" in html
    assert "Rudiyanto" in html
    assert "Senin, 23 September 2024, 09.41 WIB" in html
    assert pakta.sha256 in html
    assert "Utuh dan sah" in html


def test_page_never_shows_a_full_nip(client, pakta):
    html = client.get(pakta.verification_path()).content.decode()

    assert VALID_NIP not in html
    assert "19800512 200501 1 002" not in html
    assert "1980•••••••••••002" in html


def test_page_speaks_indonesian_whatever_the_browser_asks(client, pakta):
    html = client.get(pakta.verification_path(), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Senin, 23 September 2024" in html
    assert "Monday" not in html


def test_development_certificate_is_announced(client, pakta):
    html = client.get(pakta.verification_path()).content.decode()

    assert "Sertifikat pengembangan" in html


def test_upload_of_the_original_matches(client, pakta):
    response = upload(client, pakta, pdf_of(pakta))

    assert response.status_code == 200
    assert "Cocok." in response.content.decode()


def test_upload_of_a_copy_changed_by_one_byte_does_not_match(client, pakta):
    changed = bytearray(pdf_of(pakta))
    changed[len(changed) // 2] ^= 0x01

    response = upload(client, pakta, bytes(changed))

    html = response.content.decode()
    assert "Tidak cocok." in html
    assert "Cocok." not in html.replace("Tidak cocok.", "")


def test_upload_without_a_file_asks_for_one(client, pakta):
    response = client.post(pakta.verification_path(), {})

    html = response.content.decode()
    assert "Pilih berkas PDF yang ingin diperiksa." in html
    assert "Cocok." not in html


def test_unknown_code_is_a_plain_not_found(client, pakta):
    response = client.get("/verifikasi/ZZZZZZZZZZZZ/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "tidak ditemukan" in html
    assert "Pasuruan" not in html and "Rudiyanto" not in html and "<form" not in html


def test_document_not_ready_is_not_found(client, signatory):
    make_signature(signatory, signed_at=SIGNED_AT)
    pending, _ = documents.prepare_document(
        signatory.event, Document.Kind.PAKTA_INTEGRITAS, signatory
    )

    response = client.get(pending.verification_path())

    assert response.status_code == 404


def test_collective_page_lists_who_had_signed_when_it_was_made(client, signatory):
    make_signature(signatory, signed_at=SIGNED_AT)
    deklarasi = documents.make_document(signatory.event, Document.Kind.DEKLARASI)
    make_signature(make_signatory(signatory.event, full_name="Datang Terlambat", nip=""))

    html = client.get(deklarasi.verification_path()).content.decode()

    assert "Rudiyanto" in html
    assert "Datang Terlambat" not in html
    assert "Yang menandatangani (1)" in html


def test_public_cannot_download_documents(client, pakta):
    url = f"/kegiatan/{pakta.event.pk}/dokumen/{pakta.pk}/unduh/"

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/masuk/")
