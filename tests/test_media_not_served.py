"""Stored PDFs are reached only through the download view, which checks who asks.

Development too: with DEBUG on, Django's static() helper used to serve all of
MEDIA_ROOT to anyone who knew or guessed a document's path.
"""

import importlib
from pathlib import Path

import pytest
from django.urls import clear_url_caches, reverse

from pledges.models import Document
from pledges.services import documents
from tests.conftest import make_signature


@pytest.fixture
def debug_urls(settings):
    """The project's URLconf as it is built in development, DEBUG on."""
    import netralitas.urls

    settings.DEBUG = True
    importlib.reload(netralitas.urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(netralitas.urls)
    clear_url_caches()


@pytest.fixture
def stored_pdf(signatory, settings):
    make_signature(signatory)
    document = documents.make_document(signatory.event, Document.Kind.PAKTA_INTEGRITAS, signatory)
    assert (Path(settings.MEDIA_ROOT) / document.file.name).is_file()
    return document


def test_stored_pdf_is_not_served_from_media_url_with_debug_on(
    debug_urls, client, staff, stored_pdf, settings
):
    media_url = settings.MEDIA_URL + stored_pdf.file.name
    assert media_url.startswith("/media/documents/") and media_url.endswith(".pdf")
    assert client.get(media_url).status_code == 404
    # Not for the event's own staff either: their way is the download view.
    client.force_login(staff)
    assert client.get(media_url).status_code == 404
    download = client.get(
        reverse("staff:download_document", args=[stored_pdf.event_id, stored_pdf.pk])
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_download_view_refuses_staff_of_another_unit(client, other_staff, stored_pdf):
    client.force_login(other_staff)
    url = reverse("staff:download_document", args=[stored_pdf.event_id, stored_pdf.pk])
    assert client.get(url).status_code == 404
