"""PAdES seals on generated PDFs (pyHanko).

Contract:

- ``seal_pdf(pdf_bytes, reason, location)`` returns the PDF with a PAdES
  B-B signature by the configured certificate, added as the last incremental
  update: any byte changed afterwards breaks the seal.
- The certificate is the PKCS#12 file of ``settings.PADES_PKCS12_PATH``
  (password ``PADES_PKCS12_PASSWORD``). Without it, development creates a
  self-signed certificate under ``PADES_DEV_CERT_DIR`` on first use; production
  raises ``PledgeError(code=Code.PADES_NOT_CONFIGURED)``. A file that cannot be
  opened raises ``PledgeError(code=Code.PADES_BAD_CERTIFICATE)``.
- ``check_seal(pdf_bytes)`` says whether a PDF carries an intact seal by that
  certificate. ``current_certificate()`` describes it for the public page.
"""

import asyncio
import datetime
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property, lru_cache
from io import BytesIO
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from pledges.errors import Code, PledgeError

DEV_CERT_FILE = "pades-dev.p12"
DEV_CERT_PASSWORD = b"netralitas-dev"
DEV_CERT_MARK = "sertifikat pengembangan"
SEAL_FIELD = "SegelBawaslu"


@dataclass(frozen=True)
class Certificate:
    subject: str
    is_development: bool
    not_after: datetime.datetime


@dataclass(frozen=True)
class SealCheck:
    sealed: bool
    intact: bool
    trusted: bool
    signer: str = ""

    @property
    def valid(self) -> bool:
        return self.sealed and self.intact and self.trusted


def seal_pdf(pdf_bytes: bytes, reason: str, location: str) -> bytes:
    """Add a PAdES B-B seal to `pdf_bytes`; raises PledgeError if no certificate is usable."""
    signer = _current_signer()
    writer = IncrementalPdfFileWriter(BytesIO(pdf_bytes), strict=False)
    metadata = signers.PdfSignatureMetadata(
        field_name=SEAL_FIELD,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location=location,
    )
    return _outside_event_loop(signers.sign_pdf, writer, metadata, signer=signer).getvalue()


def _outside_event_loop(function, *args, **kwargs):
    # pyHanko's synchronous API calls asyncio.run(), which refuses to run in
    # a thread that already has a running loop (ASGI, Playwright tests): then
    # it runs in a helper thread instead.
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as executor:
        return executor.submit(function, *args, **kwargs).result()


def check_seal(pdf_bytes: bytes) -> SealCheck:
    """Validate the seal of `pdf_bytes` against the configured certificate; never raises."""
    try:
        reader = PdfFileReader(BytesIO(pdf_bytes), strict=False)
        embedded = reader.embedded_signatures
    except Exception:
        return SealCheck(sealed=False, intact=False, trusted=False)
    if not embedded:
        return SealCheck(sealed=False, intact=False, trusted=False)
    signer = _current_signer()
    context = ValidationContext(
        trust_roots=[signer.signing_cert], allow_fetching=False, revocation_mode="soft-fail"
    )
    try:
        status = _outside_event_loop(
            validate_pdf_signature, embedded[-1], signer_validation_context=context
        )
    except Exception:
        return SealCheck(sealed=True, intact=False, trusted=False)
    # A seal covers the whole file only if nothing was appended after it.
    covers_all = embedded[-1].coverage.name in ("ENTIRE_FILE",)
    return SealCheck(
        sealed=True,
        intact=status.intact and status.valid and covers_all,
        trusted=status.trusted,
        signer=status.signing_cert.subject.human_friendly,
    )


def current_certificate() -> Certificate:
    signer = _current_signer()
    cert = signer.signing_cert
    subject = cert.subject.human_friendly
    return Certificate(
        subject=subject,
        is_development=DEV_CERT_MARK in subject,
        not_after=cert["tbs_certificate"]["validity"]["not_after"].native,
    )


def _current_signer() -> signers.SimpleSigner:
    path, password = _pkcs12_source()
    try:
        # Part of the cache key, so a replaced certificate file is picked up.
        modified = os.stat(path).st_mtime_ns
    except OSError:
        modified = 0
    return _signer(path, password, modified)


def _pkcs12_source() -> tuple[str, bytes]:
    if settings.PADES_PKCS12_PATH:
        return settings.PADES_PKCS12_PATH, settings.PADES_PKCS12_PASSWORD.encode()
    if getattr(settings, "PRODUCTION", False):
        raise PledgeError(
            _("Sertifikat segel PAdES belum dikonfigurasi (PADES_PKCS12_PATH)."),
            code=Code.PADES_NOT_CONFIGURED,
        )
    path = Path(settings.PADES_DEV_CERT_DIR) / DEV_CERT_FILE
    if not path.exists():
        _create_development_certificate(path)
    return str(path), DEV_CERT_PASSWORD


class _LoadedKeySigner(signers.SimpleSigner):
    """A SimpleSigner that parses its private key once.

    SimpleSigner re-reads the key from DER for every raw signature, twice per
    seal (a dry run sizes the signature); with cryptography's RSA checks that
    was ~90 ms each, nearly all of a seal's time (measured: bench/pdf.py).
    """

    @cached_property
    def _private_key(self):
        return serialization.load_der_private_key(self.signing_key.dump(), password=None)

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        if mechanism == "rsassa_pkcs1v15" and isinstance(self._private_key, RSAPrivateKey):
            return self._private_key.sign(
                data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm)
            )
        return super().sign_raw(data, digest_algorithm)


@lru_cache(maxsize=8)
def _signer(path: str, password: bytes, modified: int) -> signers.SimpleSigner:
    # Cached per file version: loading a PKCS#12 costs more than sealing.
    try:
        loaded = signers.SimpleSigner.load_pkcs12(path, passphrase=password or None)
    except Exception:
        loaded = None
    if loaded is None:
        raise PledgeError(
            _("Sertifikat segel PAdES (%(path)s) tidak dapat dibuka: berkas atau sandi salah.")
            % {"path": path},
            code=Code.PADES_BAD_CERTIFICATE,
        )
    return _LoadedKeySigner(
        signing_key=loaded.signing_key,
        signing_cert=loaded.signing_cert,
        cert_registry=loaded.cert_registry,
        signature_mechanism=loaded.signature_mechanism,
    )


def _create_development_certificate(path: Path) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Netralitas"),
            x509.NameAttribute(NameOID.COMMON_NAME, f"Netralitas {DEV_CERT_MARK}"),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    data = pkcs12.serialize_key_and_certificates(
        b"netralitas-dev",
        key,
        cert,
        None,
        serialization.BestAvailableEncryption(DEV_CERT_PASSWORD),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written aside, then linked into place: if two workers race, the first
    # certificate wins and both use it, so no seal is made by an orphan key.
    with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as handle:
        handle.write(data)
    os.chmod(handle.name, 0o600)
    try:
        os.link(handle.name, path)
    except FileExistsError:
        pass
    finally:
        os.unlink(handle.name)
