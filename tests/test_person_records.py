"""A person's record (rekam jejak ikrar): every pledge one NIP signed, as a sealed PDF."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from pypdf import PdfReader

from pledges.models import AuditEntry, Document
from pledges.rendering import sealing
from pledges.services.events import open_event
from tests.conftest import VALID_NIP, make_event, make_signatory, make_signature, make_staff

OTHER_NIP = "197001011995031001"


@pytest.fixture
def history(unit, other_unit, pasuruan, gorontalo, template):
    """The same NIP signed twice in Pasuruan (two events), once in Gorontalo; another NIP once."""
    first = open_event(
        make_event(
            unit,
            pasuruan,
            template,
            title="Apel Siaga Netralitas",
            starts_at=datetime(2024, 3, 4, 8, 0, tzinfo=ZoneInfo("Asia/Jakarta")),
        )
    )
    second = open_event(make_event(unit, pasuruan, template, title="Deklarasi Netralitas ASN"))
    elsewhere = open_event(
        make_event(other_unit, gorontalo, template, title="Sosialisasi di Gorontalo")
    )
    rows = {
        "first": make_signatory(first, full_name="Rudiyanto", position="Asisten Pemerintahan"),
        "second": make_signatory(second, full_name="Rudiyanto, S.H.", position="Sekretaris Daerah"),
        "elsewhere": make_signatory(elsewhere, full_name="Rudiyanto"),
        "other": make_signatory(second, full_name="Yang Lain", nip=OTHER_NIP, category="camat"),
        "unsigned": make_signatory(first, full_name="Belum", nip=OTHER_NIP, category="camat"),
    }
    for key in ("first", "second", "elsewhere", "other"):
        make_signature(rows[key])
    return rows


def search(client, nip):
    return client.post(reverse("staff:person_search"), {"nip": nip})


def record_text(document) -> str:
    with document.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_search_lists_every_pledge_of_the_nip_in_events_the_staff_may_see(client, staff, history):
    client.force_login(staff)
    response = search(client, "1980 0512 200501 1 002")  # as printed, with spaces
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row["event"] for row in rows] == ["Apel Siaga Netralitas", "Deklarasi Netralitas ASN"]
    page = response.content.decode()
    assert "Sosialisasi di Gorontalo" not in page  # another unit's event
    assert "Yang Lain" not in page
    assert "2 penandatanganan" in page


def test_the_national_unit_sees_the_pledges_of_every_unit(client, unit_ri, history):
    client.force_login(make_staff(unit_ri, "petugas_ri"))
    rows = search(client, VALID_NIP).context["rows"]
    assert {row["event"] for row in rows} == {
        "Apel Siaga Netralitas",
        "Deklarasi Netralitas ASN",
        "Sosialisasi di Gorontalo",
    }


def test_a_bad_nip_is_refused_in_indonesian_and_nothing_is_made(client, staff, history):
    client.force_login(staff)
    response = search(client, "12345")
    assert response.context["rows"] is None
    assert "18 digit" in response.content.decode()
    response = client.post(reverse("staff:person_record_make"), {"nip": "abc"})
    assert response.status_code == 200
    assert "NIP" in response.content.decode()
    assert not Document.objects.filter(kind=Document.Kind.REKAM_JEJAK).exists()
    assert not AuditEntry.objects.filter(action="lookup").exists()


def test_a_nip_without_pledges_gets_no_pdf(client, staff, history):
    client.force_login(staff)
    response = client.post(reverse("staff:person_record_make"), {"nip": "198501012010012003"})
    assert "Tidak ada ikrar yang ditandatangani" in response.content.decode()
    assert not Document.objects.filter(kind=Document.Kind.REKAM_JEJAK).exists()


def test_one_click_makes_a_sealed_record_listing_every_pledge(client, staff, history):
    client.force_login(staff)
    response = client.post(reverse("staff:person_record_make"), {"nip": VALID_NIP})
    document = Document.objects.get(kind=Document.Kind.REKAM_JEJAK)
    # The NIP is never in a URL: access logs keep URLs.
    assert response.url == reverse("staff:person_record", args=[document.pk])
    assert VALID_NIP not in response.url
    assert document.status == Document.Status.READY
    assert document.unit == staff.unit and document.event is None
    assert document.seal_valid is True
    with document.file.open("rb") as handle:
        assert sealing.check_seal(handle.read()).valid

    text = record_text(document)
    assert "REKAM JEJAK IKRAR NETRALITAS" in text
    assert "19800512 200501 1 002" in text
    assert "Apel Siaga Netralitas" in text and "Deklarasi Netralitas ASN" in text
    assert text.index("Apel Siaga Netralitas") < text.index("Deklarasi Netralitas ASN")
    assert "Sosialisasi di Gorontalo" not in text
    assert "Rudiyanto / Rudiyanto, S.H." in text  # both names as recorded
    assert "Diterbitkan oleh Bawaslu Kota Pasuruan" in text
    assert document.verification_code in text

    page = client.get(response.url).content.decode()
    assert "Unduh PDF" in page
    download = client.get(reverse("staff:person_record_download", args=[document.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_asking_twice_makes_one_pdf(client, staff, history):
    client.force_login(staff)
    client.post(reverse("staff:person_record_make"), {"nip": VALID_NIP})
    client.post(reverse("staff:person_record_make"), {"nip": VALID_NIP})
    assert Document.objects.filter(kind=Document.Kind.REKAM_JEJAK).count() == 1


def test_search_pdf_and_download_are_audited_with_a_masked_nip(client, staff, history):
    client.force_login(staff)
    search(client, VALID_NIP)
    client.post(reverse("staff:person_record_make"), {"nip": VALID_NIP})
    document = Document.objects.get(kind=Document.Kind.REKAM_JEJAK)
    client.get(reverse("staff:person_record_download", args=[document.pk]))
    entries = AuditEntry.objects.filter(actor=staff).exclude(action="login")
    assert {entry.action for entry in entries} >= {"lookup", "pdf", "download"}
    lookup = entries.get(action="lookup")
    assert lookup.changes["found"] == 2
    for entry in entries:
        assert VALID_NIP not in entry.object_repr + str(entry.changes)
    assert "1980" in lookup.changes["nip"] and "•" in lookup.changes["nip"]


def test_another_unit_can_neither_open_nor_download_the_record(client, staff, other_staff, history):
    client.force_login(staff)
    client.post(reverse("staff:person_record_make"), {"nip": VALID_NIP})
    document = Document.objects.get(kind=Document.Kind.REKAM_JEJAK)
    client.force_login(other_staff)
    assert client.get(reverse("staff:person_record", args=[document.pk])).status_code == 404
    response = client.get(reverse("staff:person_record_download", args=[document.pk]))
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(actor=other_staff, action="download").exists()


def test_the_public_page_verifies_the_record_without_showing_who_or_where(client, staff, history):
    client.force_login(staff)
    client.post(reverse("staff:person_record_make"), {"nip": VALID_NIP})
    document = Document.objects.get(kind=Document.Kind.REKAM_JEJAK)
    client.logout()
    page = client.get(document.verification_path()).content.decode()
    assert "Rekam jejak ikrar" in page
    assert "Bawaslu Kota Pasuruan" in page
    assert "1980•••••••••••002" in page
    assert VALID_NIP not in page and "Rudiyanto" not in page and "Apel Siaga" not in page
    with document.file.open("rb") as handle:
        response = client.post(document.verification_path(), {"pdf": handle})
    assert "Cocok." in response.content.decode()


def test_a_superuser_without_a_unit_issues_in_the_name_of_bawaslu_ri(client, superuser, history):
    client.force_login(superuser)
    client.post(reverse("staff:person_record_make"), {"nip": VALID_NIP})
    document = Document.objects.get(kind=Document.Kind.REKAM_JEJAK)
    assert document.unit.level == "ri"
    assert "Sosialisasi di Gorontalo" in record_text(document)


def test_the_admin_lists_the_record_for_its_unit_only(client, staff, other_staff, history):
    client.force_login(staff)
    client.post(reverse("staff:person_record_make"), {"nip": VALID_NIP})
    document = Document.objects.get(kind=Document.Kind.REKAM_JEJAK)
    url = reverse("admin:pledges_document_changelist")
    assert document.verification_code in client.get(url).content.decode()
    page = client.get(reverse("admin:pledges_document_change", args=[document.pk]))
    assert page.status_code == 200
    client.force_login(other_staff)
    assert document.verification_code not in client.get(url).content.decode()


def test_a_record_without_an_issuer_is_refused_by_the_database(db, history):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Document.objects.create(kind=Document.Kind.REKAM_JEJAK, subject_nip=VALID_NIP)
    with pytest.raises(IntegrityError), transaction.atomic():
        Document.objects.create(kind=Document.Kind.DEKLARASI)
