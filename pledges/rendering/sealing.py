"""PAdES seals on generated PDFs (pyHanko).

Contract:

- ``seal_pdf(pdf_bytes, reason, location)`` returns the PDF sealed by the
  configured certificate, added as incremental updates at the end: any byte
  changed afterwards breaks the seal. With a timestamp authority configured
  (``PADES_TSA_URL``) the seal is PAdES B-LTA: an RFC 3161 timestamp, the
  validation data (chains, CRLs/OCSP) and a document timestamp, or a
  ``PledgeError`` if those cannot be had (see ``seal_ltv``). Without one it is
  PAdES B-B and its time is the server's clock.
- The certificate is the PKCS#12 file of ``settings.PADES_PKCS12_PATH``
  (password ``PADES_PKCS12_PASSWORD``). Without it, development creates a
  self-signed certificate under ``PADES_DEV_CERT_DIR`` on first use; production
  raises ``PledgeError(code=Code.PADES_NOT_CONFIGURED)``. A file that cannot be
  opened raises ``PledgeError(code=Code.PADES_BAD_CERTIFICATE)``.
- ``check_seal(pdf_bytes)`` says whether a PDF carries an intact seal by that
  certificate, with a valid timestamp if it has one, and what the public page
  shows of it: signer, signing time, TSA, timestamp time, PAdES level.
  ``current_certificate()`` describes the certificate for the public page.
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
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from pledges.errors import Code, PledgeError
from pledges.rendering import seal_ltv

DEV_CERT_FILE = "pades-dev.p12"
DEV_CERT_PASSWORD = b"netralitas-dev"
DEV_CERT_MARK = "sertifikat pengembangan"
SEAL_FIELD = "SegelBawaslu"
timestamps_configured = seal_ltv.timestamps_configured


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
    signed_at: datetime.datetime | None = None
    # The signature's RFC 3161 timestamp: when and by which authority (TSA).
    timestamped_at: datetime.datetime | None = None
    timestamp_authority: str = ""
    level: str = ""

    @property
    def valid(self) -> bool:
        return self.sealed and self.intact and self.trusted


def seal_pdf(pdf_bytes: bytes, reason: str, location: str) -> bytes:
    """Seal `pdf_bytes` (B-LTA with a TSA, else B-B); raises PledgeError if that cannot be done."""
    signer = _current_signer()
    writer = IncrementalPdfFileWriter(BytesIO(pdf_bytes), strict=False)
    metadata = signers.PdfSignatureMetadata(
        field_name=SEAL_FIELD,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location=location,
    )
    if seal_ltv.timestamps_configured():
        return _outside_event_loop(seal_ltv.sign_with_timestamp, writer, metadata, signer)
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
    """Validate the seal of `pdf_bytes` against the configured certificate; never raises.

    Timestamps are validated with the validation data embedded in the file
    and the trust roots only, fetching nothing.
    """
    try:
        reader = PdfFileReader(BytesIO(pdf_bytes), strict=False)
        embedded = reader.embedded_signatures
    except Exception:
        return SealCheck(sealed=False, intact=False, trusted=False)
    seals = [index for index, item in enumerate(embedded) if item.sig_object_type == "/Sig"]
    if not seals:
        return SealCheck(sealed=False, intact=False, trusted=False)
    seal, later = embedded[seals[-1]], embedded[seals[-1] + 1 :]
    signer = _current_signer()
    try:
        roots = seal_ltv.trust_roots(signer)
    except PledgeError:
        # An unreadable PADES_TRUST_ROOTS fails timestamped seals when they
        # are made; a plain seal is still checked.
        roots = [signer.signing_cert]
    try:
        dss = seal_ltv.embedded_data(reader)
        stamps = seal_ltv.timestamp_context(dss, roots)
        context = ValidationContext(
            trust_roots=[signer.signing_cert], allow_fetching=False, revocation_mode="soft-fail"
        )
        status = _outside_event_loop(
            validate_pdf_signature,
            seal,
            signer_validation_context=context,
            ts_validation_context=stamps,
        )
        # Only document timestamps may follow the seal, each valid.
        later_ok = all(
            item.sig_object_type == "/DocTimeStamp" and _document_timestamp_ok(item, stamps)
            for item in later
        )
    except Exception:
        return SealCheck(sealed=True, intact=False, trusted=False)
    # A seal covers the whole file only if nothing was appended after the last
    # revision it (or a document timestamp after it) signed.
    covers_all = embedded[-1].coverage.name == "ENTIRE_FILE"
    token = status.timestamp_validity
    token_ok = token is None or (token.intact and token.valid)
    return SealCheck(
        sealed=True,
        intact=status.intact
        and status.valid
        and token_ok
        and status.docmdp_ok is not False
        and later_ok
        and covers_all,
        trusted=status.trusted and (token is None or token.trusted),
        signer=status.signing_cert.subject.human_friendly,
        signed_at=status.signer_reported_dt,
        timestamped_at=token.timestamp if token else None,
        timestamp_authority=token.signing_cert.subject.human_friendly if token else "",
        level=_level(token is not None, dss is not None, bool(later)),
    )


def _document_timestamp_ok(item, context) -> bool:
    status = _outside_event_loop(validate_pdf_timestamp, item, validation_context=context)
    return status.intact and status.valid and status.trusted


def _level(timestamped: bool, validation_data: bool, archived: bool) -> str:
    if not timestamped:
        return "PAdES B-B"
    if archived:
        return "PAdES B-LTA"
    return "PAdES B-LT" if validation_data else "PAdES B-T"


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
