"""Documents are made only in tasks: the seal is checked once, signatures queue their PDF,
the ZIP is assembled from stored PDFs, and the public page never opens a file."""

import hashlib
import json
import uuid
import zipfile
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models.fields.files import FieldFile
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from pledges.models import Document, DocumentArchive, Signatory, Signature
from pledges.rendering import sealing
from pledges.services import documents, tasks
from tests.conftest import make_signatory, make_signature, make_strokes

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
SIGN_URL = "/meja/api/tanda-tangan/"


def sign(client, signatory):
    body = {
        "idempotency_key": str(uuid.uuid4()),
        "signatory_id": signatory.pk,
        "strokes": make_strokes(),
        "pledge_sha256": signatory.event.frozen_pledge_sha256,
        "canvas_width": 800,
        "canvas_height": 320,
    }
    return client.post(SIGN_URL, json.dumps(body), content_type="application/json")


def forbid_rendering(monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("a PDF was rendered or sealed")

    for kind in list(documents.RENDERERS):
        monkeypatch.setitem(documents.RENDERERS, kind, fail)
    monkeypatch.setattr(sealing, "seal_pdf", fail)


def forbid_opening_files(monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("a stored file was opened")

    monkeypatch.setattr(FieldFile, "open", fail)
    monkeypatch.setattr(type(default_storage._wrapped), "open", fail, raising=False)


# --- The seal, checked once ----------------------------------------------------


@pytest.fixture
def pakta(signatory):
    make_signature(signatory)
    return documents.make_document(signatory.event, Document.Kind.PAKTA_INTEGRITAS, signatory)


def test_seal_check_is_recorded_when_the_pdf_is_stored(pakta):
    pakta.refresh_from_db()

    assert pakta.seal_valid is True
    assert "Netralitas" in pakta.seal_signer


def test_verification_page_answers_without_opening_the_pdf(client, pakta, monkeypatch):
    default_storage.delete(pakta.file.name)
    forbid_opening_files(monkeypatch)

    response = client.get(pakta.verification_path())

    assert response.status_code == 200
    html = response.content.decode()
    assert "Utuh dan sah" in html and "Netralitas sertifikat pengembangan" in html
    assert "disegel secara elektronik (PAdES)" in html


def test_collective_verification_page_does_not_open_the_pdf_either(client, signatory, monkeypatch):
    make_signature(signatory)
    deklarasi = documents.make_document(signatory.event, Document.Kind.DEKLARASI)
    forbid_opening_files(monkeypatch)

    response = client.get(deklarasi.verification_path())

    assert response.status_code == 200
    assert "Utuh dan sah" in response.content.decode()


def test_upload_is_compared_by_hash_without_reading_the_stored_pdf(client, pakta, monkeypatch):
    with pakta.file.open("rb") as handle:
        original = handle.read()
    forbid_opening_files(monkeypatch)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        pakta.verification_path(),
        {"pdf": SimpleUploadedFile("x.pdf", original, content_type="application/pdf")},
    )

    assert "Cocok." in response.content.decode()


def test_document_stored_before_seals_were_recorded_says_not_checked(client, pakta):
    Document.objects.filter(pk=pakta.pk).update(seal_valid=None, seal_signer="")

    html = client.get(pakta.verification_path()).content.decode()

    assert "Belum diperiksa" in html
    assert "belum diperiksa oleh server" in html
    assert "Utuh dan sah" not in html


def test_seal_that_failed_its_check_is_shown_as_not_valid(client, pakta):
    Document.objects.filter(pk=pakta.pk).update(seal_valid=False)

    html = client.get(pakta.verification_path()).content.decode()

    assert "Tidak sah" in html and "tidak lolos pemeriksaan" in html


# --- Each signature queues its pakta integritas -----------------------------


def test_kiosk_signature_leads_to_its_ready_pakta_integritas(
    kiosk, signatory, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = sign(kiosk, signatory)

    assert response.status_code == 200
    document = Document.objects.get(signatory=signatory, kind=Document.Kind.PAKTA_INTEGRITAS)
    assert document.status == Document.Status.READY
    assert document.seal_valid is True
    assert default_storage.exists(document.file.name)


def test_signature_queues_nothing_before_it_is_committed(
    kiosk, signatory, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        sign(kiosk, signatory)

    assert len(callbacks) == 1
    assert not Document.objects.exists()


def test_signatures_with_a_real_queue_render_nothing_and_queue_one_task_per_window(
    kiosk, open_event, django_capture_on_commit_callbacks, monkeypatch
):
    forbid_rendering(monkeypatch)
    people = [make_signatory(open_event, full_name=f"Peserta {n}", nip="") for n in range(5)]

    with override_settings(TASKS=DATABASE_TASKS), django_capture_on_commit_callbacks(execute=True):
        for person in people:
            assert sign(kiosk, person).status_code == 200

    task = DBTaskResult.objects.get()
    assert task.task_path == "pledges.services.tasks.build_individual_documents_task"
    assert task.args_kwargs == {"args": [open_event.pk], "kwargs": {"only_missing": True}}
    # Deferred past the window, so it sees every signature the window skipped.
    assert task.run_after > timezone.now() + tasks.SIGNATURE_BATCH_WINDOW
    assert not Document.objects.exists()


def test_next_window_queues_the_next_run(
    kiosk, open_event, django_capture_on_commit_callbacks, monkeypatch
):
    forbid_rendering(monkeypatch)
    first, second = (make_signatory(open_event, full_name=n, nip="") for n in ("Ani", "Budi"))

    with override_settings(TASKS=DATABASE_TASKS):
        with django_capture_on_commit_callbacks(execute=True):
            sign(kiosk, first)
        cache.clear()  # the window's key has lapsed
        with django_capture_on_commit_callbacks(execute=True):
            sign(kiosk, second)

    assert DBTaskResult.objects.count() == 2


def test_queued_run_builds_only_the_missing_pakta_integritas(open_event):
    done = make_signatory(open_event, full_name="Sudah Ada", nip="")
    make_signature(done)
    existing = documents.make_document(open_event, Document.Kind.PAKTA_INTEGRITAS, done)
    failed = make_signatory(open_event, full_name="Pernah Gagal", nip="")
    make_signature(failed)
    Document.objects.create(
        event=open_event, kind="pakta_integritas", signatory=failed, status="failed"
    )
    fresh = make_signatory(open_event, full_name="Baru Tanda Tangan", nip="")
    make_signature(fresh)

    built = tasks.build_individual_documents_task.enqueue(open_event.pk, only_missing=True)

    assert built.return_value == 1
    assert Document.objects.filter(signatory=done).get() == existing
    assert Document.objects.filter(signatory=failed).count() == 1
    assert Document.objects.get(signatory=fresh).status == Document.Status.READY


# --- The ZIP, from stored PDFs -----------------------------------------------


def fake_ready_pdfs(event, count):
    """`count` signers, each with a small stored PDF marked ready (nothing rendered)."""
    now = timezone.now()
    people = Signatory.objects.bulk_create(
        [
            Signatory(event=event, full_name=f"Peserta {n:03d}", position="Staf", category="pppk")
            for n in range(count)
        ]
    )
    Signature.objects.bulk_create(
        [
            Signature(
                signatory=person,
                signed_at=now,
                strokes=[],
                svg="<svg/>",
                pledge_sha256=event.frozen_pledge_sha256,
                idempotency_key=uuid.uuid4(),
            )
            for person in people
        ]
    )
    contents = {}
    rows = []
    for person in people:
        content = f"%PDF-1.7 pakta {person.pk}\n%%EOF\n".encode()
        name = default_storage.save(
            f"documents/pakta-integritas-{person.pk}.pdf", ContentFile(content)
        )
        contents[name.rsplit("/", 1)[-1]] = content
        rows.append(
            Document(
                event=event,
                signatory=person,
                kind=Document.Kind.PAKTA_INTEGRITAS,
                status=Document.Status.READY,
                file=name,
                sha256=hashlib.sha256(content).hexdigest(),
                seal_valid=True,
            )
        )
    Document.objects.bulk_create(rows)
    return contents


def test_zip_for_600_signatures_is_built_from_stored_pdfs_without_rendering_any(
    open_event, staff, monkeypatch
):
    contents = fake_ready_pdfs(open_event, 600)
    forbid_rendering(monkeypatch)

    archive = tasks.enqueue_archive(open_event, staff)

    assert archive.status == Document.Status.READY
    assert (archive.total, archive.done) == (600, 600)
    assert archive.file.name.startswith("zips/")
    with archive.file.open("rb") as handle:
        data = handle.read()
    assert hashlib.sha256(data).hexdigest() == archive.sha256
    with zipfile.ZipFile(archive.file.path) as bundle:
        assert sorted(bundle.namelist()) == sorted(contents)
        assert all(bundle.read(name) == content for name, content in contents.items())


def test_zip_leaves_out_pdfs_not_ready_and_is_no_evidence_document(open_event, monkeypatch):
    fake_ready_pdfs(open_event, 3)
    waiting = make_signatory(open_event, full_name="Masih Dibuat", nip="")
    make_signature(waiting)
    documents.prepare_document(open_event, Document.Kind.PAKTA_INTEGRITAS, waiting)
    forbid_rendering(monkeypatch)
    before = Document.objects.count()

    archive = tasks.enqueue_archive(open_event)

    assert archive.done == 3
    assert Document.objects.count() == before
    assert DocumentArchive.objects.get() == archive


def test_a_stale_zip_request_is_assembled_anew(open_event, settings):
    fake_ready_pdfs(open_event, 2)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    lost = tasks.enqueue_archive(open_event)
    DocumentArchive.objects.filter(pk=lost.pk).update(
        created_at=timezone.now() - documents.STALE_PENDING - timedelta(minutes=1)
    )
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

    again = tasks.enqueue_archive(open_event)

    assert again.pk != lost.pk and again.status == Document.Status.READY


def test_deklarasi_page_lists_its_signers_a_page_at_a_time(client, open_event):
    for number in range(60):
        make_signature(make_signatory(open_event, full_name=f"Peserta {number:02d}", nip=""))
    deklarasi = documents.make_document(open_event, Document.Kind.DEKLARASI)

    first = client.get(deklarasi.verification_path()).content.decode()
    second = client.get(deklarasi.verification_path() + "?halaman=2").content.decode()

    assert "Yang menandatangani (60)" in first
    assert "Peserta 00" in first and "Peserta 49" in first and "Peserta 50" not in first
    assert "Halaman 1 dari 2" in first and "?halaman=2" in first
    assert "Peserta 50" in second and "Peserta 59" in second and "Peserta 00" not in second
