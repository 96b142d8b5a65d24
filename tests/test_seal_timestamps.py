"""Seals that outlive their certificate: an RFC 3161 timestamp and the validation data (LTV).

Against a real CA and timestamp authority (certomancer, served on a loopback
port by the `local_pki` fixture), never a stand-in: the tokens, CRLs and OCSP
responses are real, and pyHanko validates them with the local trust root.
"""

import datetime
import socket
from io import BytesIO

import pytest
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pypdf import PdfReader
from weasyprint import HTML

from pledges.errors import PledgeError
from pledges.models import Document
from pledges.rendering import seal_ltv, sealing
from pledges.services import documents
from tests.conftest import make_signature

NO_TSA_LINE = "bukan dari otoritas cap waktu (TSA)"


@pytest.fixture
def plain_pdf():
    return HTML(string="<h1>Deklarasi</h1><p>Netralitas ASN</p>").write_pdf()


@pytest.fixture
def timestamped(timestamping, plain_pdf):
    return sealing.seal_pdf(plain_pdf, reason="Uji", location="Kota Pasuruan")


def local_root(pki):
    return load_cert_from_pemder(str(pki.trust_roots_pem))


def offline_context(pdf: bytes, pki):
    """What a reader has years later: the local root and the document's own DSS, no network."""
    reader = PdfFileReader(BytesIO(pdf), strict=False)
    dss = DocumentSecurityStore.read_dss(reader)
    options = {"trust_roots": [local_root(pki)], "allow_fetching": False}
    # Hard-fail: every certificate that names a CRL or OCSP responder must
    # find its answer in the file, or validation fails.
    return reader, dss, dss.as_validation_context({**options, "revocation_mode": "hard-fail"})


def text_of(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(pdf)).pages)


def test_seal_carries_a_valid_timestamp_from_the_tsa(timestamped, timestamping):
    reader, _dss, context = offline_context(timestamped, timestamping)
    seal = reader.embedded_signatures[0]

    status = validate_pdf_signature(
        seal, signer_validation_context=context, ts_validation_context=context
    )

    assert status.intact and status.valid and status.trusted
    token = status.timestamp_validity
    assert token is not None and token.intact and token.valid and token.trusted
    assert "TSA Uji Lokal" in token.signing_cert.subject.human_friendly
    now = datetime.datetime.now(datetime.UTC)
    assert abs(token.timestamp - now) < datetime.timedelta(minutes=2)
    assert status.signing_cert.subject.human_friendly.startswith(
        "Common Name: Segel Bawaslu Kota Pasuruan"
    )


def test_validation_data_is_embedded_and_suffices_offline(timestamped, timestamping):
    reader, dss, context = offline_context(timestamped, timestamping)

    subjects = {cert.subject.human_friendly for cert in dss.load_certs()}
    assert any("Segel Bawaslu Kota Pasuruan" in subject for subject in subjects)
    assert any("CA Antara Uji Lokal" in subject for subject in subjects)
    assert any("TSA Uji Lokal" in subject for subject in subjects)
    assert dss.ocsps and dss.crls
    # The chain validates with revocation checked from the file alone.
    seal = reader.embedded_signatures[0]
    status = validate_pdf_signature(seal, signer_validation_context=context)
    assert status.bottom_line


def test_a_document_timestamp_covers_the_whole_file(timestamped, timestamping):
    reader, _dss, context = offline_context(timestamped, timestamping)
    kinds = [item.sig_object_type for item in reader.embedded_signatures]

    assert kinds == ["/Sig", "/DocTimeStamp"]
    archive = reader.embedded_signatures[-1]
    status = validate_pdf_timestamp(archive, validation_context=context)
    assert status.intact and status.valid and status.trusted
    assert archive.coverage.name == "ENTIRE_FILE"


def test_our_check_reports_the_timestamp(timestamped):
    check = sealing.check_seal(timestamped)

    assert check.valid
    assert check.level == "PAdES B-LTA"
    assert "TSA Uji Lokal" in check.timestamp_authority
    assert check.timestamped_at is not None and check.signed_at is not None
    assert check.signed_at <= check.timestamped_at


def test_without_the_document_timestamp_the_seal_is_b_lt_and_still_covers_the_file(
    timestamping, settings, plain_pdf
):
    settings.PADES_DOCUMENT_TIMESTAMP = False
    sealed = sealing.seal_pdf(plain_pdf, reason="Uji", location="Kota Pasuruan")

    reader, dss, context = offline_context(sealed, timestamping)
    assert [item.sig_object_type for item in reader.embedded_signatures] == ["/Sig"]
    assert dss.ocsps and dss.crls
    seal = reader.embedded_signatures[0]
    status = validate_pdf_signature(
        seal, signer_validation_context=context, ts_validation_context=context
    )
    assert status.bottom_line and status.timestamp_validity.trusted
    assert seal.coverage.name == "ENTIRE_FILE"
    assert sealing.check_seal(sealed).level == "PAdES B-LT"
    assert not sealing.check_seal(sealed + b"\n%%tambahan\n").valid


def test_one_changed_byte_still_breaks_a_timestamped_seal(timestamped, timestamping, plain_pdf):
    tampered = bytearray(timestamped)
    tampered[len(plain_pdf) // 2] ^= 0x01

    assert not sealing.check_seal(bytes(tampered)).valid
    reader, _dss, context = offline_context(bytes(tampered), timestamping)
    seal = reader.embedded_signatures[0]
    status = validate_pdf_signature(seal, signer_validation_context=context)
    assert not (status.intact and status.valid)


def test_bytes_appended_after_the_document_timestamp_are_detected(timestamped):
    assert not sealing.check_seal(timestamped + b"\n%%tambahan\n").valid


def test_without_a_tsa_the_seal_is_plain_and_says_nothing_of_a_timestamp(plain_pdf):
    sealed = sealing.seal_pdf(plain_pdf, reason="Uji", location="Kota Pasuruan")

    check = sealing.check_seal(sealed)
    assert check.valid and check.level == "PAdES B-B"
    assert check.timestamped_at is None and check.timestamp_authority == ""


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def no_retry_pause(monkeypatch):
    monkeypatch.setattr(seal_ltv, "RETRY_PAUSE_SECONDS", 0)


def test_a_tsa_that_cannot_be_reached_refuses_in_indonesian(
    timestamping, settings, plain_pdf, no_retry_pause
):
    settings.PADES_TSA_URL = f"http://127.0.0.1:{closed_port()}/tsa"

    with pytest.raises(PledgeError) as raised:
        sealing.seal_pdf(plain_pdf, reason="Uji", location="Kota Pasuruan")

    assert raised.value.code == "pades_timestamp_failed"
    assert "Cap waktu dari otoritas cap waktu (TSA)" in raised.value.message
    assert "juga setelah dicoba ulang" in raised.value.message


def test_a_tsa_that_never_answers_times_out(timestamping, settings, plain_pdf, no_retry_pause):
    # A listening socket nobody reads: the connection opens, no answer ever comes.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        settings.PADES_TSA_URL = f"http://127.0.0.1:{silent.getsockname()[1]}/tsa"
        settings.PADES_NETWORK_TIMEOUT = 1

        with pytest.raises(PledgeError) as raised:
            sealing.seal_pdf(plain_pdf, reason="Uji", location="Kota Pasuruan")

    assert raised.value.code == "pades_timestamp_failed"


def test_a_tsa_outside_the_trust_roots_is_refused(timestamping, settings, plain_pdf):
    # The development certificate, and no root for the TSA's chain.
    settings.PADES_PKCS12_PATH = ""
    settings.PADES_TRUST_ROOTS = ""

    with pytest.raises(PledgeError) as raised:
        sealing.seal_pdf(plain_pdf, reason="Uji", location="Kota Pasuruan")

    assert raised.value.code == "pades_timestamp_failed"
    assert "PADES_TRUST_ROOTS" in raised.value.message


def test_an_unreadable_trust_root_file_is_a_clear_error(timestamping, settings, plain_pdf):
    settings.PADES_TRUST_ROOTS = "/tidak/ada/akar.pem"

    with pytest.raises(PledgeError) as raised:
        sealing.seal_pdf(plain_pdf, reason="Uji", location="Kota Pasuruan")

    assert raised.value.code == "pades_bad_certificate"
    assert "PADES_TRUST_ROOTS (/tidak/ada/akar.pem) tidak dapat dibaca" in raised.value.message


# --- Documents and the public page ---------------------------------------------


@pytest.fixture
def pakta(signatory):
    make_signature(signatory)
    return documents.make_document(signatory.event, Document.Kind.PAKTA_INTEGRITAS, signatory)


def pdf_of(document):
    with document.file.open("rb") as handle:
        return handle.read()


def test_without_a_tsa_documents_say_so_and_are_sealed(pakta):
    assert pakta.status == Document.Status.READY and pakta.seal_valid
    assert pakta.seal_level == "PAdES B-B" and pakta.seal_timestamp_at is None
    assert "jam server" in text_of(pdf_of(pakta))
    assert NO_TSA_LINE in text_of(pdf_of(pakta))


def test_with_a_tsa_documents_are_timestamped_and_say_nothing_of_the_server_clock(
    timestamping, signatory
):
    make_signature(signatory)
    pakta = documents.make_document(signatory.event, Document.Kind.PAKTA_INTEGRITAS, signatory)

    assert pakta.status == Document.Status.READY and pakta.seal_valid
    assert pakta.seal_level == "PAdES B-LTA"
    assert "TSA Uji Lokal" in pakta.seal_timestamp_authority
    assert pakta.seal_timestamp_at is not None
    assert NO_TSA_LINE not in text_of(pdf_of(pakta))


def test_setting_up_a_tsa_later_makes_documents_anew(pakta, settings, timestamping):
    again, needs_building = documents.prepare_document(
        pakta.event, Document.Kind.PAKTA_INTEGRITAS, pakta.signatory
    )

    assert needs_building and again.pk != pakta.pk


def test_a_document_that_cannot_be_timestamped_fails_with_the_reason(
    timestamping, settings, signatory, no_retry_pause
):
    settings.PADES_TSA_URL = f"http://127.0.0.1:{closed_port()}/tsa"
    make_signature(signatory)

    pakta = documents.make_document(signatory.event, Document.Kind.PAKTA_INTEGRITAS, signatory)

    assert pakta.status == Document.Status.FAILED and not pakta.file
    assert "Cap waktu dari otoritas cap waktu (TSA)" in pakta.error


def test_verification_page_shows_the_timestamped_seal_in_indonesian(
    client, timestamping, signatory
):
    make_signature(signatory)
    pakta = documents.make_document(signatory.event, Document.Kind.PAKTA_INTEGRITAS, signatory)

    html = client.get(pakta.verification_path(), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Penyegel" in html
    assert "Segel Bawaslu Kota Pasuruan" in html
    assert "Unit kerja:</span> Sekretariat" in html
    assert "Negara:</span> Indonesia" in html
    assert "Otoritas cap waktu:</span> TSA Uji Lokal" in html
    assert "(PAdES B-LTA)" in html
    assert "Sertifikat unit yang dipasang" in html
    assert "Sertifikat pengembangan" not in html
    assert "segel elektronik Bawaslu Kota Pasuruan" in html
    assert "bukan tanda tangan elektronik tersertifikasi (TTE)" in html
    assert "BSrE" in html
    for english in ("Common Name", "Organization", "Country"):
        assert english not in html


def test_verification_page_says_when_there_is_no_timestamp(client, pakta):
    html = client.get(pakta.verification_path()).content.decode()

    assert "Cap waktu (TSA)" in html
    assert "Tidak ada: waktu penyegelan berasal dari jam server" in html
    assert "Sertifikat pengembangan" in html
    assert "Nama:</span> Netralitas sertifikat pengembangan" in html
    assert "Common Name" not in html
