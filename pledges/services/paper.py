"""Paper beside pixels: a wet-ink signature, scanned or photographed, uploaded by staff.

When the tablets fail, officials sign the paper sheet; staff then upload
each signature's scan for its signatory. It is stored byte for byte with
its SHA-256, as a `Signature` without strokes and a `PaperSignature`
holding the image, in one transaction with its "sign" audit entry: it
counts as signed everywhere, and every document and page marks it
"tanda tangan basah (pindaian)".
"""

import hashlib
import io
import uuid

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pledges.db.signatures import store_signature
from pledges.errors import Code, PledgeError
from pledges.models import PaperSignature, Signatory, Signature
from pledges.services import audit, rulebook, tasks
from pledges.services.signing import signatory_unknown

MAX_SCAN_BYTES = 15 * 1024 * 1024
# What Pillow calls the formats a PDF can draw as they are, and their types.
FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png")}
# A phone photo is about 12 megapixels; a 600 dpi A4 scan about 35.
MAX_PIXELS = 60_000_000
LABEL = "tanda tangan basah (pindaian)"


def read_scan(upload) -> tuple[bytes, str, str]:
    """The uploaded file's bytes, content type and extension, if it is a JPEG or PNG picture.

    Raises PledgeError "scan_too_large" or "scan_not_image".
    """
    if upload.size > MAX_SCAN_BYTES:
        raise PledgeError(
            _("Berkas pindaian lebih besar dari 15 MB; perkecil dulu, lalu unggah lagi."),
            code=Code.SCAN_TOO_LARGE,
        )
    data = b"".join(upload.chunks())
    if not data:
        raise PledgeError(_("Berkas pindaian kosong."), code=Code.SCAN_NOT_IMAGE)
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as picture:
            kind = picture.format
            width, height = picture.size
            picture.verify()
    except Exception:
        kind = None
    if kind not in FORMATS:
        raise PledgeError(
            _(
                "Berkas ini bukan foto atau pindaian JPG/PNG yang dapat dibaca. "
                "Pindai atau foto lembar tanda tangan, lalu unggah berkas JPG atau PNG."
            ),
            code=Code.SCAN_NOT_IMAGE,
        )
    if width * height > MAX_PIXELS:
        raise PledgeError(
            _("Gambar terlalu besar (%(w)d × %(h)d piksel); perkecil dulu, lalu unggah lagi.")
            % {"w": width, "h": height},
            code=Code.SCAN_TOO_LARGE,
        )
    return data, *FORMATS[kind]


def record_paper_signature(
    signatory: Signatory, upload, *, user=None, client_ip: str | None = None
) -> Signature:
    """Store the uploaded scan of `signatory`'s wet-ink signature as their signature. Audited.

    Raises PledgeError: "event_closed" / "event_not_open" (`rulebook.check_signing_open`),
    "already_signed", "signatory_unknown", and those of `read_scan`.
    """
    event = signatory.event
    rulebook.check_signing_open(event)
    data, content_type, extension = read_scan(upload)
    digest = hashlib.sha256(data).hexdigest()
    values = {
        "signatory_id": signatory.pk,
        "station_id": None,
        "signed_at": timezone.now(),
        "strokes": [],
        "svg": "",
        "pledge_sha256": event.frozen_pledge_sha256,
        "client_ip": client_ip,
        "user_agent": "",
        "idempotency_key": uuid.uuid4(),
    }
    signature = Signature(**values)
    signature.signatory = signatory
    entry = audit.entry_values(
        "sign",
        signature,
        event,
        {
            "signatory": signatory.pk,
            "signed_at": values["signed_at"],
            "paper": LABEL,
            "scan_sha256": digest,
            "scan_size": len(data),
            "pledge_sha256": event.frozen_pledge_sha256,
        },
        at=values["signed_at"],
    )
    paper = PaperSignature(
        sha256=digest,
        content_type=content_type,
        size=len(data),
        original_name=(getattr(upload, "name", "") or "")[:200],
        uploaded_by=user,
    )
    paper.scan.save(f"{uuid.uuid4().hex}.{extension}", ContentFile(data), save=False)
    try:
        with transaction.atomic():
            stored = store_signature(values, event.pk, entry)
            if stored.name is None:
                raise signatory_unknown()
            if stored.pk is None:
                raise PledgeError(
                    _("%(name)s sudah menandatangani; pindaian tidak disimpan.")
                    % {"name": signatory.full_name},
                    code=Code.ALREADY_SIGNED,
                )
            paper.signature_id = stored.pk
            paper.save()
    except BaseException:
        # Nothing of a refused upload stays behind, not even its file.
        paper.scan.storage.delete(paper.scan.name)
        raise
    signature.pk = stored.pk
    tasks.queue_documents_after_signature(event.pk)
    return signature
