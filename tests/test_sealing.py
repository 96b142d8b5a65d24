"""PAdES seals: every PDF is sealed, and any change afterwards is detected."""

import datetime
from io import BytesIO

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from weasyprint import HTML

from pledges.errors import PledgeError
from pledges.rendering import sealing


@pytest.fixture
def plain_pdf():
    return HTML(string="<h1>Deklarasi</h1><p>Netralitas ASN</p>").write_pdf()


def flip_byte(pdf: bytes, position: int) -> bytes:
    changed = bytearray(pdf)
    changed[position] ^= 0x01
    return bytes(changed)


def pyhanko_status(pdf: bytes, trust_root):
    signature = PdfFileReader(BytesIO(pdf), strict=False).embedded_signatures[0]
    context = ValidationContext(trust_roots=[trust_root], allow_fetching=False)
    return validate_pdf_signature(signature, signer_validation_context=context)


@pytest.fixture
def unit_certificate(settings, tmp_path):
    """A unit certificate configured like production; returns it for pyHanko's trust roots."""
    cert = make_pkcs12(tmp_path / "unit.p12", b"rahasia", "Bawaslu Kota Pasuruan")
    settings.PADES_PKCS12_PATH = str(tmp_path / "unit.p12")
    settings.PADES_PKCS12_PASSWORD = "rahasia"
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def test_sealed_pdf_validates_with_pyhanko(unit_certificate, plain_pdf):
    sealed = sealing.seal_pdf(plain_pdf, reason="Uji", location="Kota Pasuruan")

    status = pyhanko_status(sealed, unit_certificate)
    assert status.intact and status.valid and status.trusted
    assert status.coverage.name == "ENTIRE_FILE"
    assert sealing.check_seal(sealed).valid


def test_one_changed_byte_breaks_the_seal(unit_certificate, plain_pdf):
    sealed = sealing.seal_pdf(plain_pdf, reason="Uji", location="Kota Pasuruan")
    # A byte of the original content, which the seal's digest covers.
    tampered = flip_byte(sealed, len(plain_pdf) // 2)

    status = pyhanko_status(tampered, unit_certificate)
    assert not (status.intact and status.valid)
    assert not sealing.check_seal(tampered).valid


def test_anything_appended_after_the_seal_is_detected(plain_pdf):
    sealed = sealing.seal_pdf(plain_pdf, reason="Uji", location="Kota Pasuruan")

    assert not sealing.check_seal(sealed + b"\n%%tambahan\n").valid


def test_unsealed_pdf_is_not_valid(plain_pdf):
    check = sealing.check_seal(plain_pdf)
    assert not check.sealed and not check.valid


def test_development_certificate_is_made_on_first_use(settings, tmp_path, plain_pdf):
    settings.PADES_DEV_CERT_DIR = tmp_path / "dev-certs"

    sealing.seal_pdf(plain_pdf, reason="Uji", location="Kota Pasuruan")

    assert (tmp_path / "dev-certs" / sealing.DEV_CERT_FILE).exists()
    assert sealing.current_certificate().is_development


def make_pkcs12(path, password: bytes, common_name: str):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"unit", key, cert, None, serialization.BestAvailableEncryption(password)
        )
    )
    return cert


def test_configured_unit_certificate_is_used(unit_certificate, plain_pdf):
    sealed = sealing.seal_pdf(plain_pdf, reason="Uji", location="Kota Pasuruan")

    check = sealing.check_seal(sealed)
    assert check.valid
    assert "Bawaslu Kota Pasuruan" in check.signer
    assert not sealing.current_certificate().is_development


def test_wrong_certificate_password_is_a_clear_error(settings, tmp_path, plain_pdf):
    make_pkcs12(tmp_path / "unit.p12", b"rahasia", "Bawaslu Kota Pasuruan")
    settings.PADES_PKCS12_PATH = str(tmp_path / "unit.p12")
    settings.PADES_PKCS12_PASSWORD = "salah"

    with pytest.raises(PledgeError) as raised:
        sealing.seal_pdf(plain_pdf, reason="Uji", location="Kota Pasuruan")
    assert raised.value.code == "pades_bad_certificate"


def test_production_without_certificate_refuses_to_seal(settings, plain_pdf):
    settings.PRODUCTION = True

    with pytest.raises(PledgeError) as raised:
        sealing.seal_pdf(plain_pdf, reason="Uji", location="Kota Pasuruan")
    assert raised.value.code == "pades_not_configured"


def test_a_pdf_sealed_by_another_certificate_is_not_trusted(settings, tmp_path, plain_pdf):
    make_pkcs12(tmp_path / "other.p12", b"lain", "Bukan Bawaslu")
    settings.PADES_PKCS12_PATH = str(tmp_path / "other.p12")
    settings.PADES_PKCS12_PASSWORD = "lain"
    forged = sealing.seal_pdf(plain_pdf, reason="Palsu", location="Entah")
    settings.PADES_PKCS12_PATH = ""

    check = sealing.check_seal(forged)
    assert check.sealed and not check.valid


def test_sealing_works_inside_a_running_event_loop(plain_pdf):
    import asyncio

    async def seal_and_check():
        sealed = sealing.seal_pdf(plain_pdf, reason="Uji", location="Kota Pasuruan")
        return sealing.check_seal(sealed)

    assert asyncio.run(seal_and_check()).valid
