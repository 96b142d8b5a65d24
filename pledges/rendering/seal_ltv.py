"""The parts of a seal that reach outside: the RFC 3161 timestamp and the validation data.

Contract:

- ``timestamps_configured()`` says whether ``settings.PADES_TSA_URL`` names a
  timestamp authority (TSA). Without one a seal is PAdES B-B: its time is the
  server's clock, and the documents say so.
- ``sign_with_timestamp(writer, metadata, signer)`` seals PAdES B-LTA: the
  signature carries a timestamp token from the TSA, the certificate chains of
  the seal and of the TSA with their CRLs/OCSP responses are embedded in the
  document's DSS (B-LT), and a document timestamp covers the whole file
  (B-LTA; ``PADES_DOCUMENT_TIMESTAMP = False`` stops at B-LT, one TSA token
  per document instead of two, for a TSA that charges by the token). Every
  request has a timeout (``PADES_NETWORK_TIMEOUT`` seconds) and the whole
  seal a bound; a TSA that does not answer is asked once more, then
  ``PledgeError(code=Code.PADES_TIMESTAMP_FAILED)`` says what failed, in
  Indonesian. A document is then not made rather than sealed without the
  timestamp it was configured to carry.
- ``trust_roots(signer)`` are the anchors that chains are validated against:
  the self-signed certificates of the unit's PKCS#12 and those of the PEM
  file(s) in ``PADES_TRUST_ROOTS`` (the CA of the unit's certificate, the TSA's).
- ``timestamp_context(reader, roots)`` validates timestamps from the data
  embedded in the document only: no fetching, as a reader years later would.
"""

import asyncio
import contextvars
import dataclasses
import logging
import ssl
import time
from functools import lru_cache

import aiohttp
import certifi
from django.conf import settings
from django.utils.translation import gettext as _
from pyhanko.keys import load_certs_from_pemder
from pyhanko.sign import signers
from pyhanko.sign.signers.pdf_signer import (
    DSSContentSettings,
    SigDSSPlacementPreference,
    TimestampDSSContentSettings,
)
from pyhanko.sign.timestamps.aiohttp_client import HTTPTimeStamper
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko.sign.validation.dss import DocumentSecurityStore, NoDSSFoundError
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.fetchers.aiohttp_fetchers import AIOHttpFetcherBackend
from pyhanko_certvalidator.fetchers.aiohttp_fetchers.util import LazySession

from pledges.errors import Code, PledgeError

logger = logging.getLogger(__name__)

# Requests of one seal: the signature's token (plus one, once per process, to
# size it), the revocation data of each chain, the document timestamp.
TIMEOUTS_PER_SEAL = 6
TSA_ATTEMPTS = 2
RETRY_PAUSE_SECONDS = 1.0


def timestamps_configured() -> bool:
    return bool(settings.PADES_TSA_URL)


def sign_with_timestamp(writer, metadata: signers.PdfSignatureMetadata, signer) -> bytes:
    """Seal PAdES B-LTA through the configured TSA; raises PledgeError if that fails."""
    roots = trust_roots(signer)
    for attempt in range(1, TSA_ATTEMPTS + 1):
        try:
            return asyncio.run(_sign(writer, metadata, signer, roots)).getvalue()
        except (TimestampRequestError, TimeoutError) as error:
            # Worth a second try: the TSA or the network may have hiccuped.
            logger.warning("Timestamp attempt %s failed: %s", attempt, error)
            if attempt == TSA_ATTEMPTS:
                raise PledgeError(
                    _timeout_or_tsa_message(error), Code.PADES_TIMESTAMP_FAILED
                ) from error
            time.sleep(RETRY_PAUSE_SECONDS)
        except PledgeError:
            raise
        except Exception as error:
            # Not a passing fault: a chain that does not validate against the
            # trust roots, revocation data that cannot be had, a revoked certificate.
            logger.exception("Validation data for the seal could not be embedded")
            raise PledgeError(
                _(
                    "Data validasi segel (rantai sertifikat, CRL/OCSP) tidak dapat dikumpulkan: "
                    "%(error)s. Periksa PADES_TRUST_ROOTS dan sambungan server ke CA dan TSA, "
                    "lalu buat ulang dokumen ini."
                )
                % {"error": error},
                Code.PADES_TIMESTAMP_FAILED,
            ) from error
    raise AssertionError("unreachable")  # pragma: no cover


async def _sign(writer, metadata, signer, roots):
    timeout = settings.PADES_NETWORK_TIMEOUT
    # One HTTP session for the seal's requests, to the TSA as to the CA: a
    # session of its own per request cost ~80 ms each in loading CA bundles.
    session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=_tls_context()))
    token = _SESSION.set(session)
    context = ValidationContext(
        trust_roots=roots,
        allow_fetching=True,
        fetcher_backend=AIOHttpFetcherBackend(session, per_request_timeout=timeout),
        # A chain that names a CRL or OCSP responder must have it embedded.
        revocation_mode="hard-fail",
    )
    archive = settings.PADES_DOCUMENT_TIMESTAMP
    metadata = dataclasses.replace(
        metadata,
        embed_validation_info=True,
        validation_context=context,
        use_pades_lta=archive,
        # The validation data go in with the last signature of the file (the
        # document timestamp, else the seal itself), which then covers every
        # byte: nothing can be appended unnoticed. (A document timestamp's
        # own data join the DSS when the archive is next renewed.)
        dss_settings=DSSContentSettings(
            include_vri=False,
            placement=SigDSSPlacementPreference.TOGETHER_WITH_NEXT_TS
            if archive
            else SigDSSPlacementPreference.TOGETHER_WITH_SIGNATURE,
            next_ts_settings=TimestampDSSContentSettings(include_vri=False, update_before_ts=True),
        ),
    )
    try:
        async with asyncio.timeout(timeout * TIMEOUTS_PER_SEAL):
            return await signers.async_sign_pdf(
                writer, metadata, signer=signer, timestamper=_timestamper()
            )
    finally:
        _SESSION.reset(token)
        await session.close()


_SESSION: contextvars.ContextVar[aiohttp.ClientSession] = contextvars.ContextVar("seal_session")


class _SealSession(LazySession):
    """The HTTP session of the seal under way, whichever thread or event loop it runs in."""

    def get_session(self):
        return _SESSION.get()

    async def close(self):
        pass  # the seal closes its own


@lru_cache(maxsize=1)
def _tls_context() -> ssl.SSLContext:
    return ssl.create_default_context(cafile=certifi.where())


@lru_cache(maxsize=4)
def _cached_timestamper(url: str, username: str, password: str, timeout: int) -> HTTPTimeStamper:
    # Kept: it remembers the size of a token, which costs a request to learn.
    auth = (username, password) if username else None
    return HTTPTimeStamper(url, timeout=timeout, auth=auth, session=_SealSession())


def _timestamper() -> HTTPTimeStamper:
    return _cached_timestamper(
        settings.PADES_TSA_URL,
        settings.PADES_TSA_USERNAME,
        settings.PADES_TSA_PASSWORD,
        settings.PADES_NETWORK_TIMEOUT,
    )


def _timeout_or_tsa_message(error: Exception) -> str:
    if isinstance(error, TimeoutError):
        reason = _("tidak ada jawaban dalam batas waktu")
    else:
        cause = error.__cause__ or error
        reason = str(cause) or cause.__class__.__name__
    return _(
        "Cap waktu dari otoritas cap waktu (TSA) %(url)s tidak dapat diperoleh (%(reason)s), "
        "juga setelah dicoba ulang. Dokumen tidak disegel tanpa cap waktu; coba buat ulang "
        "dokumen ini nanti atau hubungi pengelola server."
    ) % {"url": settings.PADES_TSA_URL, "reason": reason}


def trust_roots(signer) -> list:
    roots = [cert for cert in signer.cert_registry if cert.self_signed == "maybe"]
    if signer.signing_cert.self_signed == "maybe":
        roots.append(signer.signing_cert)
    return roots + list(_configured_roots(settings.PADES_TRUST_ROOTS))


@lru_cache(maxsize=4)
def _configured_roots(paths: str) -> tuple:
    files = [path.strip() for path in paths.split(",") if path.strip()]
    if not files:
        return ()
    try:
        return tuple(load_certs_from_pemder(files))
    except (OSError, ValueError) as error:
        raise PledgeError(
            _("Akar sertifikat PADES_TRUST_ROOTS (%(paths)s) tidak dapat dibaca: %(error)s")
            % {"paths": paths, "error": error},
            Code.PADES_BAD_CERTIFICATE,
        ) from error


def embedded_data(reader) -> DocumentSecurityStore | None:
    try:
        return DocumentSecurityStore.read_dss(reader)
    except NoDSSFoundError:
        return None


def timestamp_context(dss: DocumentSecurityStore | None, roots: list) -> ValidationContext:
    """Validates timestamps with the document's own validation data, fetching nothing."""
    options = {"trust_roots": roots, "allow_fetching": False, "revocation_mode": "soft-fail"}
    if dss is None:
        return ValidationContext(**options)
    return dss.as_validation_context(options)
