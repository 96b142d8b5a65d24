"""The staff documents tab: generate, follow progress, download — only for one's own events."""

import zipfile
from io import BytesIO

import pytest
from django.urls import reverse

from pledges.models import AuditEntry, Document, DocumentArchive
from pledges.services import documents, tasks
from tests.conftest import make_signatory, make_signature


@pytest.fixture
def signed_event(open_event):
    for name in ("Rudiyanto", "Siti Nur'aini", "Bambang Haryono"):
        make_signature(make_signatory(open_event, full_name=name, nip=""))
    return open_event


def generate(client, event, kind):
    return client.post(reverse("staff:generate_document", args=[event.pk, kind]))


def test_documents_tab_is_on_the_event_page(client, staff, signed_event):
    client.force_login(staff)

    response = client.get(reverse("staff:event", args=[signed_event.pk]))

    assert reverse("staff:event_documents", args=[signed_event.pk]) in response.content.decode()


def test_staff_generates_the_collective_deklarasi_and_downloads_it(client, staff, signed_event):
    client.force_login(staff)

    response = generate(client, signed_event, "deklarasi")

    assert response.status_code == 302
    document = Document.objects.get(event=signed_event, kind="deklarasi")
    assert document.status == Document.Status.READY
    page = client.get(reverse("staff:event_documents", args=[signed_event.pk])).content.decode()
    download_url = reverse("staff:download_document", args=[signed_event.pk, document.pk])
    assert download_url in page and document.verification_code in page

    download = client.get(download_url)

    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith('attachment; filename="deklarasi-')
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert AuditEntry.objects.filter(
        action="download", object_type="Document", object_id=str(document.pk), actor=staff
    ).exists()


def test_daftar_hadir_is_generated_from_the_tab(client, staff, signed_event):
    client.force_login(staff)
    make_signatory(signed_event, full_name="Belum Datang", nip="")

    generate(client, signed_event, "daftar_hadir")

    assert Document.objects.get(event=signed_event, kind="daftar_hadir").status == "ready"


def test_generating_twice_without_changes_makes_one_document(client, staff, signed_event):
    client.force_login(staff)

    generate(client, signed_event, "deklarasi")
    generate(client, signed_event, "deklarasi")

    assert Document.objects.filter(event=signed_event, kind="deklarasi").count() == 1


def test_deklarasi_without_signatures_shows_why(client, staff, open_event):
    client.force_login(staff)
    make_signatory(open_event)

    response = generate(client, open_event, "deklarasi")

    follow = client.get(response["Location"]).content.decode()
    assert "Belum ada yang menandatangani" in follow
    assert not Document.objects.exists()


def test_all_individual_pdfs_in_one_zip(client, staff, signed_event):
    client.force_login(staff)
    generate(client, signed_event, "pakta_integritas")

    response = client.post(reverse("staff:build_zip", args=[signed_event.pk]))

    page = client.get(response["Location"]).content.decode()
    archive = DocumentArchive.objects.get(event=signed_event)
    download_url = reverse("staff:download_zip", args=[signed_event.pk, archive.pk])
    assert download_url in page and "Unduh ZIP (3 PDF)" in page
    download = client.get(download_url)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    bundle = zipfile.ZipFile(BytesIO(b"".join(download.streaming_content)))
    names = bundle.namelist()
    assert len(names) == 3
    assert all(name.startswith("pakta-integritas-") for name in names)
    assert any("siti-nuraini" in name for name in names)
    assert AuditEntry.objects.filter(
        action="download", object_type="DocumentArchive", object_id=str(archive.pk), actor=staff
    ).exists()


def test_zip_without_any_ready_pdf_says_to_wait(client, staff, signed_event):
    client.force_login(staff)

    response = client.post(reverse("staff:build_zip", args=[signed_event.pk]))

    page = client.get(response["Location"]).content.decode()
    assert "Belum ada pakta integritas perorangan yang siap" in page
    assert not DocumentArchive.objects.exists()


def test_zip_is_assembled_in_the_background_with_progress_on_the_page(
    client, staff, signed_event, settings
):
    client.force_login(staff)
    generate(client, signed_event, "pakta_integritas")
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}

    response = client.post(reverse("staff:build_zip", args=[signed_event.pk]))

    html = client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 2s"' in html
    assert "ZIP sedang disusun: 0 dari 3 PDF" in html
    assert "Dokumen sedang dibuat" not in html  # no PDF is being made, only the ZIP
    archive = DocumentArchive.objects.get()
    assert archive.status == Document.Status.PENDING and not archive.file
    assert "staff:download_zip" not in html and "Unduh ZIP" not in html


def test_a_second_zip_request_while_one_is_assembled_queues_nothing(
    client, staff, signed_event, settings
):
    client.force_login(staff)
    generate(client, signed_event, "pakta_integritas")
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}

    client.post(reverse("staff:build_zip", args=[signed_event.pk]))
    client.post(reverse("staff:build_zip", args=[signed_event.pk]))

    assert DocumentArchive.objects.count() == 1


def test_individual_pdf_is_served_once_ready(client, staff, signed_event):
    client.force_login(staff)
    signatory = signed_event.signatories.get(full_name="Rudiyanto")
    url = reverse("staff:signatory_document", args=[signed_event.pk, signatory.pk])

    first = client.get(url)
    second = client.get(url)

    document = Document.objects.get(signatory=signatory)
    assert first["Location"] == second["Location"]
    assert first["Location"] == reverse(
        "staff:download_document", args=[signed_event.pk, document.pk]
    )


def test_individual_pdf_not_ready_is_queued_not_rendered_in_the_request(
    client, staff, signed_event, settings, monkeypatch
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    for kind in documents.RENDERERS:
        monkeypatch.setitem(documents.RENDERERS, kind, _no_rendering)
    client.force_login(staff)
    signatory = signed_event.signatories.get(full_name="Rudiyanto")

    response = client.get(reverse("staff:signatory_document", args=[signed_event.pk, signatory.pk]))

    assert response["Location"].startswith(reverse("staff:event_documents", args=[signed_event.pk]))
    page = client.get(response["Location"]).content.decode()
    assert "Pakta integritas Rudiyanto sedang dibuat di latar belakang" in page
    assert Document.objects.get(signatory=signatory).status == Document.Status.PENDING


def _no_rendering(*args, **kwargs):
    raise AssertionError("rendered inside a web request")


def test_progress_polls_while_a_document_is_pending(client, staff, signed_event):
    client.force_login(staff)
    documents.prepare_document(signed_event, Document.Kind.DEKLARASI)

    status = client.get(reverse("staff:documents_status", args=[signed_event.pk]))

    html = status.content.decode()
    assert 'hx-trigger="every 2s"' in html
    assert "Sedang dibuat" in html


def test_staff_of_another_unit_gets_404(client, other_staff, signed_event):
    client.force_login(other_staff)
    document = documents.make_document(signed_event, Document.Kind.DEKLARASI)
    documents.build_individual_documents(signed_event)
    archive = tasks.enqueue_archive(signed_event)
    assert archive.status == Document.Status.READY
    urls = [
        reverse("staff:event_documents", args=[signed_event.pk]),
        reverse("staff:documents_status", args=[signed_event.pk]),
        reverse("staff:download_document", args=[signed_event.pk, document.pk]),
        reverse("staff:download_zip", args=[signed_event.pk, archive.pk]),
    ]

    for url in urls:
        assert client.get(url).status_code == 404, url
    assert generate(client, signed_event, "daftar_hadir").status_code == 404
    assert client.post(reverse("staff:build_zip", args=[signed_event.pk])).status_code == 404
    assert DocumentArchive.objects.count() == 1
    assert not AuditEntry.objects.filter(action="download").exists()


def test_document_of_another_event_cannot_be_fetched_through_own_event(
    client, staff, signed_event, other_unit, gorontalo, template
):
    from pledges.services.events import open_event
    from tests.conftest import make_event

    foreign = open_event(make_event(other_unit, gorontalo, template))
    make_signature(make_signatory(foreign, nip=""))
    document = documents.make_document(foreign, Document.Kind.DEKLARASI)
    client.force_login(staff)

    response = client.get(reverse("staff:download_document", args=[signed_event.pk, document.pk]))

    assert response.status_code == 404


def test_anonymous_is_sent_to_login(client, signed_event):
    response = client.get(reverse("staff:event_documents", args=[signed_event.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_page_keeps_polling_while_a_background_worker_has_not_started(
    client, staff, signed_event, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    client.force_login(staff)

    response = generate(client, signed_event, "pakta_integritas")

    assert "menunggu=" in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 2s"' in page
    assert "Dokumen sedang dibuat" in page


def test_page_stops_polling_once_everything_is_made(client, staff, signed_event):
    client.force_login(staff)

    response = generate(client, signed_event, "pakta_integritas")

    page = client.get(response["Location"]).content.decode()
    assert "hx-trigger" not in page
    assert "3 siap dari 3" in page
