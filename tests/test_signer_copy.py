"""The signer's own copy: the code on the thank-you screen and the link their phone opens."""

import hashlib
import json
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from pledges.models import AuditEntry, Document, SignerCopy
from tests.conftest import bind_client, make_signatory
from tests.test_signing import post, submission

COPY_API = "/meja/api/salinan/"


@pytest.fixture
def take_copy(django_capture_on_commit_callbacks):
    """Sign on the tablet, then ask for the copy code as the thank-you screen does.

    What runs after each request's commit (queuing the PDF) runs, as in production.
    """

    def take(kiosk, signatory):
        with django_capture_on_commit_callbacks(execute=True):
            signed = post(kiosk, submission(signatory))
        assert signed.status_code == 200, signed.content
        with django_capture_on_commit_callbacks(execute=True):
            response = kiosk.post(
                COPY_API, json.dumps({"signature": signed.json()["signature"]}), "application/json"
            )
        assert response.status_code == 201, response.content
        return response.json()

    return take


def path_of(copy):
    return copy["url"].split("testserver", 1)[1]


def test_thank_you_code_downloads_the_signers_own_sealed_pdf(kiosk, signatory, client, take_copy):
    copy = take_copy(kiosk, signatory)
    assert len(copy["code"]) == 11 and copy["code"][5] == "-"
    assert "<svg" in copy["qr"] and copy["minutes"] == 30

    phone = client.__class__()
    page = phone.get(path_of(copy))
    assert page.status_code == 200
    assert "Unduh PDF pakta integritas" in page.content.decode()
    download = phone.get(path_of(copy) + "unduh/", REMOTE_ADDR="10.9.9.9")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    pdf = b"".join(download.streaming_content)
    document = Document.objects.get(signatory=signatory, status=Document.Status.READY)
    assert hashlib.sha256(pdf).hexdigest() == document.sha256
    entry = AuditEntry.objects.get(action="download", object_type="Document")
    assert entry.changes["via"] == "salinan penanda tangan"
    assert entry.changes["client_ip"] == "10.9.9.9"


def test_copy_link_allows_a_few_retries_then_refuses_reuse(kiosk, signatory, client, take_copy):
    copy = take_copy(kiosk, signatory)
    download = path_of(copy) + "unduh/"
    assert [client.get(download).status_code for _ in range(4)] == [200, 200, 200, 410]
    refused = client.get(download)
    assert "sudah diunduh" in refused.content.decode()
    # The retry window closes too, even before the count is used up.
    SignerCopy.objects.update(downloads=1, first_download_at=timezone.now() - timedelta(minutes=6))
    assert client.get(download).status_code == 410


def test_copy_link_expires(kiosk, signatory, client, take_copy):
    copy = take_copy(kiosk, signatory)
    SignerCopy.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    page = client.get(path_of(copy))
    assert page.status_code == 410 and "kedaluwarsa" in page.content.decode()
    assert client.get(path_of(copy) + "unduh/").status_code == 410
    assert not AuditEntry.objects.filter(action="download").exists()


def test_wrong_code_finds_nothing_and_codes_are_rate_limited(
    kiosk, signatory, client, settings, take_copy
):
    settings.COPY_RATE = "3/m"
    assert client.get("/salinan/ABCDE-FGHJK/").status_code == 404
    assert client.get("/salinan/bukan-kode/").status_code == 404
    copy = take_copy(kiosk, signatory)
    assert client.get(path_of(copy)).status_code == 200
    # The fourth try from this address in a minute is refused, even with the right code.
    refused = client.get(path_of(copy) + "unduh/")
    assert refused.status_code == 429
    assert not AuditEntry.objects.filter(action="download").exists()
    assert client.get(path_of(copy), REMOTE_ADDR="10.0.0.2").status_code == 200


def test_code_is_typed_any_case_and_one_signers_code_never_gives_anothers_pdf(
    kiosk, open_event, client, take_copy
):
    first = make_signatory(open_event, "Rudiyanto")
    second = make_signatory(open_event, "Siti Aminah", nip="")
    copy_first = take_copy(kiosk, first)
    copy_second = take_copy(kiosk, second)
    assert copy_first["code"] != copy_second["code"]
    page = client.get(f"/salinan/{copy_second['code'].lower().replace('-', '')}/")
    assert "Siti Aminah" in page.content.decode() and "Rudiyanto" not in page.content.decode()


def test_tablet_gets_codes_only_for_its_own_fresh_signatures(kiosk, open_event, client):
    signatory = make_signatory(open_event)
    signed = post(kiosk, submission(signatory)).json()["signature"]
    other = client.__class__()
    bind_client(other, open_event, label="Meja 2")
    refused = other.post(COPY_API, json.dumps({"signature": signed}), "application/json")
    assert refused.status_code == 403 and refused.json()["code"] == "copy_not_issuable"
    for body in ({"signature": "1"}, {"signature": 2**70}, {}, []):
        answer = kiosk.post(COPY_API, json.dumps(body), "application/json")
        assert answer.json()["code"] == "copy_not_issuable"
    # Asked again, the tablet gets the same code: one per signer.
    again = [
        kiosk.post(COPY_API, json.dumps({"signature": signed}), "application/json").json()["code"]
        for _ in range(2)
    ]
    assert again[0] == again[1] and SignerCopy.objects.count() == 1
    # Minutes later it is too late for the tablet: staff print it instead.
    later = timezone.now() + timedelta(minutes=6)
    with mock.patch("django.utils.timezone.now", return_value=later):
        late = kiosk.post(COPY_API, json.dumps({"signature": signed}), "application/json")
    assert late.status_code == 403 and late.json()["code"] == "copy_not_issuable"


def test_copy_code_finds_the_document_on_the_verification_page(kiosk, signatory, client, take_copy):
    copy = take_copy(kiosk, signatory)
    document = Document.objects.get(signatory=signatory, status=Document.Status.READY)
    response = client.get(f"/verifikasi/{copy['code']}/")
    assert response.status_code == 302 and response["Location"] == document.verification_path()
    # Long after the download link has lapsed.
    SignerCopy.objects.update(expires_at=timezone.now() - timedelta(days=30))
    assert client.get(f"/verifikasi/{copy['code']}/", follow=True).status_code == 200
    assert client.get("/verifikasi/ZZZZZ-ZZZZZ/").status_code == 404


def test_waiting_page_reloads_politely_while_the_pdf_is_made(kiosk, signatory, client, take_copy):
    copy = take_copy(kiosk, signatory)
    Document.objects.filter(signatory=signatory).update(status=Document.Status.PENDING, file="")
    page = client.get(path_of(copy))
    text = page.content.decode()
    assert page.status_code == 200 and "sedang disiapkan" in text
    assert 'http-equiv="refresh"' in text
    # The download waits too, rather than fail.
    download = client.get(path_of(copy) + "unduh/")
    assert download.status_code == 302 and not AuditEntry.objects.filter(action="download")
