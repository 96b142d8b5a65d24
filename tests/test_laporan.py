"""The laporan kegiatan staff write after every event, drafted by Netralitas (seed 001's event)."""

import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from pledges.core.numbers import spelled, with_words
from pledges.models import AuditEntry, Document, EventPhoto
from pledges.services import reports
from pledges.services.documents import make_document
from tests.conftest import make_region, make_signatory, make_signature

SEED_001 = (
    "dihadiri Sekretaris Daerah, 8 (delapan) kepala OPD, 4 (empat) camat dan "
    "34 (tiga puluh empat) lurah se-Kota Pasuruan"
)


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (0, "nol"),
        (8, "delapan"),
        (11, "sebelas"),
        (17, "tujuh belas"),
        (34, "tiga puluh empat"),
        (100, "seratus"),
        (118, "seratus delapan belas"),
        (1000, "seribu"),
        (2456, "dua ribu empat ratus lima puluh enam"),
        (1_000_000, "satu juta"),
    ],
)
def test_numbers_are_spelled_as_indonesian_press_writes_them(number, words):
    assert spelled(number) == words


def test_a_figure_comes_with_its_words():
    assert with_words(8) == "8 (delapan)"
    assert with_words(1250) == "1.250 (seribu dua ratus lima puluh)"


@pytest.fixture
def seed_001(open_event, pasuruan):
    """Kota Pasuruan's 4 kecamatan and 34 kelurahan; the sekda, 8 kepala OPD, 4 camat and
    34 lurah signed, as seed 001 reports; the sekda read the pledge."""
    event = open_event
    event.chair_name = "Vita Suci Rahayu"
    event.reader_name = "Rudiyanto, AP, MM"
    event.save()
    make_region("35.75.03", "Bugul Kidul")
    make_region("35.75.04", "Panggungrejo")
    villages = ["35.75.01.1001", "35.75.01.1002", "35.75.02.1001"]
    for number in range(len(villages), 34):
        code = f"35.75.0{number % 4 + 1}.{2001 + number}"
        make_region(code, f"Kelurahan {number + 1}")
        villages.append(code)
    signers = [make_signatory(event, "Rudiyanto", position="Sekretaris Daerah")]
    nip = 198001012005011000
    for number in range(8):
        nip += 1
        signers.append(
            make_signatory(
                event,
                f"Kepala Dinas {number + 1}",
                nip=str(nip),
                category="kepala_opd",
                position=f"Kepala Dinas {number + 1}",
            )
        )
    for number, code in enumerate(["35.75.01", "35.75.02", "35.75.03", "35.75.04"]):
        nip += 1
        signers.append(
            make_signatory(
                event,
                f"Camat {number + 1}",
                nip=str(nip),
                category="camat",
                position="Camat",
                led_region_id=code,
            )
        )
    for number, code in enumerate(villages):
        nip += 1
        signers.append(
            make_signatory(
                event,
                f"Lurah {number + 1}",
                nip=str(nip),
                category="lurah",
                position="Lurah",
                led_region_id=code,
            )
        )
    for signer in signers:
        make_signature(signer)
    return event


def test_the_laporan_counts_who_came_as_seed_001_reports_it(seed_001):
    text = reports.laporan_text(seed_001)
    assert SEED_001 in text
    assert "Bawaslu Kota Pasuruan menggelar Sosialisasi Netralitas ASN di Ascent" in text
    assert "Ascent Premier Hotel, Kota Pasuruan, pada Senin, 23 September 2024" in text
    assert "dalam rangka Pemilihan Serentak 2024." in text
    assert "Kegiatan dipimpin oleh Vita Suci Rahayu." in text
    assert "dibacakan oleh Rudiyanto, AP, MM dan diikuti seluruh peserta." in text
    points = seed_001.frozen_pledge["points"]
    assert f"Terdapat {with_words(len(points))} poin ikrar. Pertama, " in text
    assert f"Ke{spelled(len(points))}, " in text
    assert "Sebanyak 47 (empat puluh tujuh) dari 47 (empat puluh tujuh) peserta" in text
    assert (
        "Seluruh camat dari 4 (empat) kecamatan dan lurah atau kepala desa dari "
        "34 (tiga puluh empat) desa/kelurahan se-Kota Pasuruan telah menandatangani." in text
    )


def test_the_laporan_names_the_regions_whose_leader_did_not_sign(open_event, pasuruan):
    make_signature(
        make_signatory(
            open_event,
            "Camat Gadingrejo",
            category="camat",
            position="Camat",
            led_region_id="35.75.01",
        )
    )
    make_signatory(
        open_event,
        "Lurah Bukir",
        nip="198001012005011009",
        category="lurah",
        position="Lurah",
        led_region_id="35.75.01.1002",
    )
    text = reports.laporan_text(open_event)
    assert "dihadiri 1 (satu) camat se-Kota Pasuruan." in text
    assert (
        "Dari 2 (dua) kecamatan dan 3 (tiga) desa/kelurahan se-Kota Pasuruan, camat dari "
        "1 (satu) kecamatan (Purworejo) dan lurah atau kepala desa dari 3 (tiga) "
        "desa/kelurahan (Krapyakrejo, Bukir dan Purworejo) belum menandatangani." in text
    )
    assert "Sebanyak 1 (satu) dari 2 (dua) peserta" in text


def jpeg(width=1600, height=1000, color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, "JPEG")
    return out.getvalue()


def test_staff_upload_photos_kept_byte_for_byte_and_the_sealed_pdf_shows_them(
    client, staff, seed_001
):
    client.force_login(staff)
    data = jpeg()
    url = reverse("staff:laporan", args=[seed_001.pk])
    response = client.post(
        url,
        {"image": SimpleUploadedFile("apel.jpg", data, "image/jpeg"), "caption": "Pembacaan ikrar"},
    )
    assert response.status_code == 302
    photo = EventPhoto.objects.get()
    assert photo.sha256 == hashlib.sha256(data).hexdigest()
    with photo.image.open("rb") as handle:
        assert handle.read() == data
    assert AuditEntry.objects.filter(action="create", object_type="EventPhoto").exists()

    page = client.get(url).content.decode()
    assert SEED_001 in page and "Pembacaan ikrar" in page
    reports.add_photo(seed_001, SimpleUploadedFile("b.jpg", jpeg(800, 1200), "image/jpeg"))

    document = make_document(seed_001, Document.Kind.LAPORAN)
    assert document.status == Document.Status.READY and document.seal_valid
    with document.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    assert len(reader.pages) == 1  # one page, as the seeds' reports
    text = " ".join(reader.pages[0].extract_text().split())
    assert "LAPORAN KEGIATAN" in text
    assert "8 (delapan) kepala OPD, 4 (empat) camat dan 34 (tiga puluh empat) lurah" in text
    assert "Pembacaan ikrar" in text
    assert len(reader.pages[0].images) >= 1


def test_the_plain_text_downloads_for_a_press_release(client, staff, seed_001):
    client.force_login(staff)
    response = client.get(reverse("staff:laporan_text", args=[seed_001.pk]))
    assert response["Content-Type"].startswith("text/plain")
    assert "attachment" in response["Content-Disposition"]
    assert SEED_001 in response.content.decode()


def test_a_file_that_is_not_a_photo_is_refused_and_nothing_is_kept(client, staff, seed_001):
    client.force_login(staff)
    response = client.post(
        reverse("staff:laporan", args=[seed_001.pk]),
        {"image": SimpleUploadedFile("foto.jpg", b"%PDF-1.7 not a photo", "image/jpeg")},
    )
    assert response.status_code == 200
    assert "bukan foto yang dapat dibaca" in response.content.decode()
    assert not EventPhoto.objects.exists()


def test_photos_wait_until_the_event_is_opened(client, staff, event):
    client.force_login(staff)
    with pytest.raises(Exception) as refused:
        reports.add_photo(event, SimpleUploadedFile("a.jpg", jpeg(), "image/jpeg"))
    assert "setelah kegiatan dibuka" in str(refused.value)
    client.post(
        reverse("staff:laporan", args=[event.pk]),
        {"image": SimpleUploadedFile("a.jpg", jpeg(), "image/jpeg")},
    )
    assert not EventPhoto.objects.exists()


def test_another_unit_sees_neither_the_laporan_nor_its_photos(client, staff, other_staff, seed_001):
    reports.add_photo(seed_001, SimpleUploadedFile("a.jpg", jpeg(), "image/jpeg"), user=staff)
    photo = EventPhoto.objects.get()
    client.force_login(other_staff)
    assert client.get(reverse("staff:laporan", args=[seed_001.pk])).status_code == 404
    assert (
        client.get(reverse("staff:laporan_photo", args=[seed_001.pk, photo.pk])).status_code == 404
    )
    response = client.post(reverse("staff:laporan_photo_delete", args=[seed_001.pk, photo.pk]))
    assert response.status_code == 404
    assert EventPhoto.objects.filter(pk=photo.pk).exists()


def test_removing_a_photo_is_audited_and_a_sealed_laporan_keeps_its_copy(client, staff, seed_001):
    client.force_login(staff)
    reports.add_photo(seed_001, SimpleUploadedFile("a.jpg", jpeg(), "image/jpeg"), "Apel", staff)
    document = make_document(seed_001, Document.Kind.LAPORAN)
    photo = EventPhoto.objects.get()
    client.post(reverse("staff:laporan_photo_delete", args=[seed_001.pk, photo.pk]))
    assert not EventPhoto.objects.exists()
    assert AuditEntry.objects.filter(action="delete", object_type="EventPhoto").exists()
    with document.file.open("rb") as handle:
        assert "Apel" in PdfReader(io.BytesIO(handle.read())).pages[0].extract_text()
    # The next laporan no longer shows it: what it shows changed, so it is made anew.
    assert make_document(seed_001, Document.Kind.LAPORAN).pk != document.pk
