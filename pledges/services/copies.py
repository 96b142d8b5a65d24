"""The signer's own copy: a short code on the thank-you screen, scanned with their phone.

The tablet asks for the code right after the signature is stored
(`issue_copy`), which also puts the signer's pakta integritas first in the
task queue, so the PDF is usually ready before the phone opens the link. The
link downloads that one PDF, for a short while and a few tries
(`rulebook.check_copy_downloadable`); every download is audited. The code
itself keeps naming the document on the public verification page.
"""

import secrets
from contextlib import suppress

from django.db import transaction
from django.utils import timezone

from pledges.errors import PledgeError
from pledges.models import Document, Signature, SignerCopy, SigningStation
from pledges.services import audit, rulebook, tasks
from pledges.services.documents import is_in_progress

# The verification code's alphabet: no 0/O, 1/I/L to misread from a screen.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = SignerCopy._meta.get_field("code").max_length


def new_copy_code() -> str:
    # 10 letters of 31: about 50 bits, and every guess is rate-limited.
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def spaced(code: str) -> str:
    """The code as written out for people: ABCDE-FGHJK."""
    return f"{code[:5]}-{code[5:]}"


def normalize_code(text: str) -> str | None:
    """The stored form of a code as someone typed it (any case, dashes, spaces), or None."""
    code = "".join(ch for ch in (text or "")[:40].upper() if ch not in "- ")
    if len(code) != CODE_LENGTH or not set(code) <= set(ALPHABET):
        return None
    return code


@transaction.atomic
def issue_copy(station: SigningStation, signature_id: int) -> SignerCopy:
    """The copy code of a signature this station has just taken (the same one if asked again).

    Queues the signer's pakta integritas at once (not in the batch after
    signatures) so that it is ready by the time a phone asks. Raises
    PledgeError "copy_not_issuable" for another station's or an old signature.
    """
    signature = (
        Signature.objects.select_related("signatory__event")
        .defer(*Signature.DRAWINGS)
        .filter(pk=signature_id, signatory__event_id=station.event_id)
        .first()
    )
    now = timezone.now()
    rulebook.check_copy_issuable(signature, station.pk, now)
    copy = SignerCopy.objects.filter(signatory_id=signature.signatory_id).first()
    if copy is None:
        copy = SignerCopy.objects.create(
            signatory=signature.signatory,
            code=new_copy_code(),
            expires_at=now + rulebook.COPY_LIFETIME,
        )
    signatory = signature.signatory
    transaction.on_commit(lambda: _queue_document(signatory))
    return copy


def _queue_document(signatory) -> None:
    # A refusal leaves no document: the phone's page says so, and staff can make it.
    with suppress(PledgeError):
        tasks.enqueue_document(signatory.event, Document.Kind.PAKTA_INTEGRITAS, signatory)


def find_copy(text: str) -> SignerCopy | None:
    code = normalize_code(text)
    if code is None:
        return None
    return SignerCopy.objects.select_related("signatory__event__region").filter(code=code).first()


def copy_document(copy: SignerCopy, queue_if_missing: bool = True) -> Document | None:
    """The signer's newest ready pakta integritas, else the one being made or failed.

    When there is none at all (the queuing after the signature was lost), one
    is queued now, so a waiting phone is not left waiting for nothing.
    """
    documents = Document.objects.filter(
        signatory_id=copy.signatory_id, kind=Document.Kind.PAKTA_INTEGRITAS
    ).order_by("-created_at", "-pk")
    ready = documents.filter(status=Document.Status.READY).first()
    if ready is not None:
        return ready
    latest = documents.first()
    lost = latest is None or (
        latest.status == Document.Status.PENDING and not is_in_progress(latest)
    )
    if lost and queue_if_missing:
        _queue_document(copy.signatory)
        return copy_document(copy, queue_if_missing=False)
    return latest


def take_download(copy: SignerCopy, document: Document, client_ip: str | None) -> None:
    """Count one download of `document` by the copy link, or refuse it; audited.

    Raises PledgeError "copy_used" or "copy_expired" (`rulebook.check_copy_downloadable`).
    """
    with transaction.atomic():
        current = SignerCopy.objects.select_for_update().get(pk=copy.pk)
        now = timezone.now()
        rulebook.check_copy_downloadable(current, now)
        current.downloads += 1
        current.first_download_at = current.first_download_at or now
        SignerCopy.objects.filter(pk=copy.pk).update(
            downloads=current.downloads, first_download_at=current.first_download_at
        )
        audit.record(
            "download",
            document,
            via="salinan penanda tangan",
            copy=current.pk,
            attempt=current.downloads,
            client_ip=client_ip,
            sha256=document.sha256,
        )
