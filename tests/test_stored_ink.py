"""A signature is drawn for the lists once, when it is recorded: the lists print that drawing,
the database keeps it as it keeps the strokes, and a drawing rewritten later is found."""

import hashlib
import importlib

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from pledges.models import AuditEntry, Document, Signature
from pledges.rendering import ink, inkhelper, pdfink
from pledges.rendering.ink import LIST_BOX_MM, pdf_path, stored_ink, stored_path
from pledges.services.integrity import check_signature_drawings
from tests.test_audit_chain import verify
from tests.test_document_layout import add_signers, render
from tests.test_document_layout import long_event as long_event  # noqa: F401 (the fixture)
from tests.test_ink_helper import PLACED, page_contents
from tests.test_signing import post, submission

SIGNERS = pdfink.PARALLEL_FROM + 20
# Strokes of a different signature: what a forger would put in.
OTHER = [[[0, 0, 0, 0.5], [300, 200, 40, 0.5], [700, 20, 90, 0.5]]]


@pytest.fixture
def strokes_read(monkeypatch):
    """The ids whose strokes documents read, and every batch handed to the ink helper."""
    read = []
    strokes_texts = pdfink._strokes_texts
    submit = inkhelper.InkHelper.submit

    def reading(ids):
        read.extend(ids)
        return strokes_texts(ids)

    def submitting(helper, texts, box_mm):
        read.append(("helper", sorted(texts)))
        return submit(helper, texts, box_mm)

    monkeypatch.setattr(pdfink, "_strokes_texts", reading)
    monkeypatch.setattr(inkhelper.InkHelper, "submit", submitting)
    return read


def signed_at_the_kiosk(kiosk, signatory) -> Signature:
    assert post(kiosk, submission(signatory)).status_code == 200
    return Signature.objects.get(signatory=signatory)


def test_recording_stores_the_drawing_for_the_lists_and_its_sha256_in_the_audit_entry(
    kiosk, signatory
):
    signature = signed_at_the_kiosk(kiosk, signatory)

    path = stored_path(signature.ink, *LIST_BOX_MM)
    assert path == pdf_path(signature.strokes, *LIST_BOX_MM)
    assert path.endswith("f\n") and path.count("f\n") == 1  # one filled path
    entry = AuditEntry.objects.get(action="sign", object_id=str(signature.pk))
    assert entry.changes["ink_sha256"] == hashlib.sha256(signature.ink.encode()).hexdigest()
    assert list(check_signature_drawings()) == []


def test_a_stored_drawing_is_used_only_by_the_drawing_and_for_the_box_it_was_made_for(
    monkeypatch,
):
    strokes = OTHER
    stored = stored_ink(strokes)
    assert stored_path(stored, *LIST_BOX_MM) == pdf_path(strokes, *LIST_BOX_MM)
    assert stored_path(stored, 45, 16) is None  # the pakta's box
    assert stored_path(None, *LIST_BOX_MM) is None  # stored before drawings were kept
    monkeypatch.setattr(ink, "DRAWING", "pena-lain")
    assert stored_path(stored, *LIST_BOX_MM) is None


@pytest.mark.parametrize("split", [False, True], ids=["one part", "two parts"])
@pytest.mark.parametrize("kind", [Document.Kind.DEKLARASI, Document.Kind.DAFTAR_HADIR])
def test_a_list_prints_the_stored_drawings_without_reading_a_stroke(
    long_event, kind, split, strokes_read, monkeypatch
):
    if split:
        monkeypatch.setattr(pdfink, "SPLIT_FROM", 20)
    add_signers(long_event, SIGNERS)

    printed = page_contents(render(long_event, kind))

    assert strokes_read == []
    assert sum(len(PLACED.findall(page)) for page in printed) == SIGNERS
    # As if every drawing were an older drawing's: drawn from the strokes again, the same ink.
    monkeypatch.setattr(ink, "DRAWING", "pena-lama")
    assert page_contents(render(long_event, kind)) == printed
    assert strokes_read


def test_the_pakta_draws_its_larger_box_from_the_strokes(long_event, strokes_read):
    [signatory] = add_signers(long_event, 1)

    pdf = render(long_event, Document.Kind.PAKTA_INTEGRITAS, signatory)

    assert strokes_read == [signatory.signature.pk]
    assert sum(len(PLACED.findall(page)) for page in page_contents(pdf)) == 1


def test_the_database_refuses_to_change_a_stored_drawing(kiosk, signatory):
    signature = signed_at_the_kiosk(kiosk, signatory)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE pledges_signature SET ink = '' WHERE id = %s", [signature.pk])
    assert Signature.objects.get(pk=signature.pk).ink == signature.ink


def rewrite_behind_the_apps_back(pk: int, value: str) -> None:
    """Whoever holds the database: the immutability trigger set aside for one UPDATE."""
    triggers = importlib.import_module("pledges.migrations.0002_signature_immutable_and_templates")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A superuser's session that fires no ordinary trigger.
            cursor.execute("SET session_replication_role = replica")
        else:
            cursor.execute(triggers.SQLITE_BACKWARD)
        cursor.execute("UPDATE pledges_signature SET ink = %s WHERE id = %s", [value, pk])
        if connection.vendor == "postgresql":
            cursor.execute("RESET session_replication_role")
        else:
            cursor.execute(triggers.SQLITE_FORWARD)


def test_verify_integrity_names_a_drawing_rewritten_behind_the_apps_back(kiosk, signatory):
    signature = signed_at_the_kiosk(kiosk, signatory)
    ok, report = verify()
    assert ok and "1 gambar tanda tangan" in report

    rewrite_behind_the_apps_back(signature.pk, stored_ink(OTHER))

    ok, report = verify()
    assert not ok
    assert f"Tanda tangan #{signature.pk}: gambar cetaknya tidak cocok" in report
    assert "1 masalah ditemukan" in report


def test_verify_integrity_names_a_drawing_no_audit_entry_recorded(signatory):
    from tests.conftest import make_signature

    signature = make_signature(signatory, ink=stored_ink(OTHER))

    ok, report = verify()
    assert not ok
    assert f"Tanda tangan #{signature.pk}: gambar cetaknya tidak tercatat" in report


def test_an_admin_with_every_permission_cannot_change_a_stored_drawing(
    client, superuser, kiosk, signatory
):
    signature = signed_at_the_kiosk(kiosk, signatory)
    client.force_login(superuser)
    url = reverse("admin:pledges_signature_change", args=[signature.pk])

    page = client.get(url)
    response = client.post(url, {"ink": stored_ink(OTHER), "strokes": "[]"})

    assert page.status_code == 200 and "pena-1" not in page.content.decode()
    assert response.status_code == 403
    stored = Signature.objects.get(pk=signature.pk)
    assert (stored.ink, stored.strokes) == (signature.ink, signature.strokes)
