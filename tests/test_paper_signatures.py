"""Paper beside pixels: a wet-ink signature's scan, uploaded by staff, is stored as evidence
(byte for byte, hashed, audited), counts as signed, and is marked on every document and page."""

import hashlib
import io
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.urls import reverse
from django.utils import timezone
from PIL import Image, ImageDraw
from pypdf import PdfReader

from pledges.errors import Code, PledgeError
from pledges.models import AuditEntry, Document, PaperSignature, Signature
from pledges.services import paper, representation
from pledges.services.documents import make_document
from pledges.services.events import close_event
from pledges.services.personal_data import purge_event_personal_data
from pledges.services.trail import check_audit_chains
from tests.conftest import make_signatory, make_signature

MARK = "tanda tangan basah (pindaian)"


def scan_bytes(kind="JPEG") -> bytes:
    picture = Image.new("RGB", (1200, 500), "white")
    ImageDraw.Draw(picture).line([(80, 400), (400, 90), (700, 380), (1100, 120)], "navy", 14)
    out = io.BytesIO()
    picture.save(out, kind)
    return out.getvalue()


def upload(client, signatory, data, name="ttd.jpg", content_type="image/jpeg"):
    url = reverse("staff:paper_signature", args=[signatory.event.pk, signatory.pk])
    return client.post(url, {"scan": SimpleUploadedFile(name, data, content_type)})


def stored_files() -> set[str]:
    found = set()

    def walk(path):
        folders, files = default_storage.listdir(path)
        found.update(f"{path}/{name}".lstrip("/") for name in files)
        for folder in folders:
            walk(f"{path}/{folder}".lstrip("/"))

    if default_storage.exists("tanda_tangan_basah"):
        walk("tanda_tangan_basah")
    return found


def pdf_of(document) -> PdfReader:
    with document.file.open("rb") as handle:
        return PdfReader(io.BytesIO(handle.read()))


def text_of(reader) -> str:
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_a_scan_is_kept_as_uploaded_and_counts_as_signed_on_every_page(client, staff, signatory):
    event = signatory.event
    client.force_login(staff)
    data = scan_bytes()
    response = upload(client, signatory, data)
    assert response.status_code == 302
    signature = Signature.objects.get(signatory=signatory)
    assert signature.strokes == [] and signature.station is None
    scan = signature.paper_scan
    assert scan.sha256 == hashlib.sha256(data).hexdigest()
    assert (scan.content_type, scan.size, scan.uploaded_by) == ("image/jpeg", len(data), staff)
    with scan.scan.open("rb") as handle:
        assert handle.read() == data
    entry = AuditEntry.objects.get(action="sign", object_id=str(signature.pk))
    assert entry.changes["scan_sha256"] == scan.sha256 and entry.changes["paper"] == MARK
    assert AuditEntry.objects.filter(action="create", object_type="PaperSignature").exists()
    assert list(check_audit_chains()) == []

    listing = client.get(event.get_absolute_url()).content.decode()
    assert MARK in listing
    shown = client.get(reverse("staff:paper_scan", args=[event.pk, signatory.pk]))
    assert b"".join(shown.streaming_content) == data
    assert "no-store" in shown["Cache-Control"] and "private" in shown["Cache-Control"]
    progress = client.get(reverse("staff:progress", args=[event.pk])).content.decode()
    assert "1 tanda tangan basah" in progress
    exported = client.get(reverse("staff:export", args=[event.pk, "csv"])).content.decode()
    assert MARK in exported

    for kind in (Document.Kind.DEKLARASI, Document.Kind.DAFTAR_HADIR):
        reader = pdf_of(make_document(event, kind))
        assert MARK in text_of(reader)
        assert any(page.images for page in reader.pages)  # the scan is drawn, not only named
    pakta = make_document(event, Document.Kind.PAKTA_INTEGRITAS, signatory)
    assert pakta.status == Document.Status.READY and pakta.seal_valid
    text = text_of(pdf_of(pakta))
    assert MARK in text
    # Honest about how it was signed: on paper, not "secara elektronik".
    assert "tanda tangan basah di atas kertas" in text and "secara elektronik" not in text
    public = client.get(f"/verifikasi/{pakta.verification_code}/").content.decode()
    assert MARK in public


def test_the_scan_sits_inside_the_signature_box_of_the_pakta(client, staff, signatory):
    import pdfplumber

    client.force_login(staff)
    upload(client, signatory, scan_bytes("PNG"), "ttd.png", "image/png")
    document = make_document(signatory.event, Document.Kind.PAKTA_INTEGRITAS, signatory)
    with document.file.open("rb") as handle, pdfplumber.open(io.BytesIO(handle.read())) as pdf:
        page = pdf.pages[0]
        (image,) = page.images
        mark = page.search(MARK, regex=False)[0]
        name = page.search(signatory.full_name, regex=False)[-1]
    # Above its label and the signer's name, and inside the page.
    assert image["bottom"] <= mark["top"] + 1 and image["bottom"] <= name["top"]
    assert 0 < image["x0"] < image["x1"] < page.width
    assert image["x1"] - image["x0"] > 50  # points: big enough to be seen


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"%PDF-1.7\n1 0 obj<<>>endobj\n", "scan.pdf", "bukan foto atau pindaian JPG/PNG"),
        (b"hello", "ttd.jpg", "bukan foto atau pindaian JPG/PNG"),
        (scan_bytes()[:400], "ttd.jpg", "bukan foto atau pindaian JPG/PNG"),
    ],
)
def test_a_file_that_is_not_a_readable_picture_is_refused_and_nothing_is_kept(
    client, staff, signatory, data, name, message
):
    client.force_login(staff)
    page = upload(client, signatory, data, name).content.decode()
    assert message in page
    assert not Signature.objects.exists() and not PaperSignature.objects.exists()
    assert stored_files() == set()


def test_a_second_signature_for_the_same_person_is_refused_and_its_file_not_kept(
    client, staff, signatory
):
    make_signature(signatory)
    before = list(Signature.objects.values_list("pk", flat=True))
    with pytest.raises(PledgeError) as refused:
        paper.record_paper_signature(
            signatory, SimpleUploadedFile("a.jpg", scan_bytes(), "image/jpeg"), user=staff
        )
    assert refused.value.code == Code.ALREADY_SIGNED
    assert list(Signature.objects.values_list("pk", flat=True)) == before
    assert not PaperSignature.objects.exists() and stored_files() == set()


def test_paper_signatures_wait_for_an_open_event_and_stop_when_it_closes(client, staff, event):
    person = make_signatory(event)
    client.force_login(staff)
    assert "belum dibuka" in upload(client, person, scan_bytes()).content.decode()
    from pledges.services.events import open_event

    open_event(event)
    close_event(event)
    assert "sudah ditutup" in upload(client, person, scan_bytes()).content.decode()
    assert not Signature.objects.exists() and stored_files() == set()


def test_another_unit_neither_uploads_nor_sees_a_scan(client, staff, other_staff, signatory):
    client.force_login(staff)
    upload(client, signatory, scan_bytes())
    client.force_login(other_staff)
    event = signatory.event
    assert upload(client, make_signatory(event, "Lain", ""), scan_bytes()).status_code == 404
    assert client.get(reverse("staff:paper_scan", args=[event.pk, signatory.pk])).status_code == 404
    assert Signature.objects.count() == 1


def test_a_paper_signature_cannot_be_changed_or_deleted_by_anyone(client, staff, signatory):
    client.force_login(staff)
    upload(client, signatory, scan_bytes())
    scan = PaperSignature.objects.get()
    before = list(PaperSignature.objects.values())
    for attempt in (
        lambda: PaperSignature.objects.update(sha256="0" * 64),
        lambda: PaperSignature.objects.all().delete(),
        lambda: scan.delete(),
        lambda: scan.save(),
    ):
        with pytest.raises(PledgeError):
            attempt()
    # Below the ORM too: the database refuses an UPDATE.
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE pledges_papersignature SET sha256 = %s", ["0" * 64])
    assert list(PaperSignature.objects.values()) == before


def test_past_retention_scans_and_representatives_are_erased_and_the_chain_still_holds(
    client, staff, signatory, settings
):
    event = signatory.event
    lurah = make_signatory(
        event,
        "Yuliana",
        "199007232015032004",
        category="lurah",
        led_region_id="35.75.01.1001",
        position="Lurah Krapyakrejo",
    )
    representation.represent(
        lurah,
        {"full_name": "Bambang", "position": "Sekretaris Kelurahan", "letter_number": "800/1"},
    )
    make_signature(lurah)
    client.force_login(staff)
    upload(client, signatory, scan_bytes())
    assert len(stored_files()) == 1
    close_event(event)
    later = timezone.now() + timedelta(days=settings.PERSONAL_DATA_RETENTION_DAYS + 1)
    with django_capture_on_commit():
        purge_event_personal_data(event, now=later)
    assert not PaperSignature.objects.exists() and not Signature.objects.exists()
    assert not event.signatories.filter(representation__isnull=False).exists()
    assert stored_files() == set()
    assert "Bambang" not in str(list(AuditEntry.objects.values_list("changes", flat=True)))
    assert list(check_audit_chains()) == []


def django_capture_on_commit():
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)


def test_the_admin_shows_a_paper_signature_for_what_it_is_and_cannot_change_it(
    client, staff, superuser, signatory
):
    client.force_login(staff)
    upload(client, signatory, scan_bytes())
    signature = Signature.objects.get()
    before = list(PaperSignature.objects.values()), list(Signature.objects.values("pk", "strokes"))
    client.force_login(superuser)
    listing = client.get("/admin/pledges/signature/")
    assert listing.status_code == 200 and MARK in listing.content.decode()
    page = client.get(f"/admin/pledges/signature/{signature.pk}/change/")
    assert page.status_code == 200 and signature.paper_scan.sha256 in page.content.decode()
    client.post(f"/admin/pledges/signature/{signature.pk}/delete/", {"post": "yes"})
    after = list(PaperSignature.objects.values()), list(Signature.objects.values("pk", "strokes"))
    assert after == before


def test_a_persons_export_holds_their_paper_scan_and_where_they_represented_someone(
    client, staff, signatory, tmp_path
):
    import json

    from django.core.management import call_command

    lurah = make_signatory(
        signatory.event,
        "Yuliana",
        "199007232015032004",
        category="lurah",
        led_region_id="35.75.01.1001",
        position="Lurah Krapyakrejo",
    )
    # Rudiyanto signed on paper himself, and stands in for the lurah.
    representation.represent(
        lurah,
        {
            "full_name": "Rudiyanto",
            "nip": signatory.nip,
            "position": "Sekda",
            "letter_number": "800/9",
        },
    )
    client.force_login(staff)
    data = scan_bytes()
    upload(client, signatory, data)
    call_command("export_person", signatory.nip, ke=str(tmp_path / "data.json"))
    held = json.loads((tmp_path / "data.json").read_text())
    paper_record = held["pendaftaran"][0]["tanda_tangan"]["tanda_tangan_basah"]
    assert paper_record["sha256"] == hashlib.sha256(data).hexdigest()
    assert [(r["pejabat_yang_diwakili"], r["nomor_surat_tugas"]) for r in held["mewakili"]] == [
        ("Yuliana", "800/9")
    ]
