"""Rate limits on the kiosk and the public upload, and the client address behind a proxy."""

from django.core.files.uploadedfile import SimpleUploadedFile

from pledges.models import Document, Signature
from pledges.services import documents
from tests.conftest import bind_client, make_signatory, make_signature
from tests.test_signing import post, submission


def test_tablet_submitting_too_fast_gets_429_and_its_signature_is_not_lost(
    kiosk, open_event, settings
):
    from django.test import Client

    settings.KIOSK_SIGN_RATE = "2/m"
    people = [make_signatory(open_event, f"Pejabat {n}", nip="") for n in range(4)]
    assert post(kiosk, submission(people[0])).status_code == 200
    assert post(kiosk, submission(people[1])).status_code == 200
    refused = post(kiosk, submission(people[2]))
    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited" and "Tunggu sebentar" in refused.json()["error"]
    assert Signature.objects.count() == 2  # the tablet keeps it queued and sends it later

    # A second tablet at the same venue (same public address) is not affected.
    other = Client()
    bind_client(other, open_event, label="Meja 2")
    assert post(other, submission(people[3])).status_code == 200


def test_verification_uploads_are_limited_per_address(client, signatory, settings):
    settings.VERIFY_UPLOAD_RATE = "2/m"
    make_signature(signatory)
    document = documents.make_document(signatory.event, Document.Kind.PAKTA_INTEGRITAS, signatory)

    def upload(address):
        pdf = SimpleUploadedFile("x.pdf", b"%PDF-1.7 bukan", content_type="application/pdf")
        return client.post(document.verification_path(), {"pdf": pdf}, REMOTE_ADDR=address)

    assert [upload("10.0.0.1").status_code for _ in range(3)] == [200, 200, 429]
    assert "Terlalu banyak permintaan" in upload("10.0.0.1").content.decode()
    assert upload("10.0.0.2").status_code == 200
    assert client.get(document.verification_path(), REMOTE_ADDR="10.0.0.1").status_code == 200


def test_client_address_comes_from_the_trusted_proxy_only(kiosk, signatory, settings):
    settings.PROXY_COUNT = 1
    forwarded = {"HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.7", "REMOTE_ADDR": "127.0.0.1"}
    assert post(kiosk, submission(signatory), **forwarded).status_code == 200
    # The address our nginx appended, not the one the client claimed.
    assert Signature.objects.get().client_ip == "203.0.113.7"


def test_forwarded_header_is_ignored_without_a_proxy(kiosk, signatory, settings):
    settings.PROXY_COUNT = 0
    post(kiosk, submission(signatory), HTTP_X_FORWARDED_FOR="6.6.6.6", REMOTE_ADDR="10.1.1.1")
    assert Signature.objects.get().client_ip == "10.1.1.1"
