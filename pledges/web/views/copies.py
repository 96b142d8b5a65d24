"""The signer's own copy: the code the tablet shows, and the page the signer's phone opens.

No account: the code is the key, so every answer about it is rate-limited
per address (a wrong code costs the same as a right one), the download is
audited, and an expired or used link says what to do instead.
"""

import orjson
import segno
from django.http import FileResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.decorators import ratelimit

from pledges.core.dates import clock_time
from pledges.errors import PledgeError
from pledges.models import Document
from pledges.services import rulebook
from pledges.services.copies import copy_document, find_copy, issue_copy, spaced, take_download
from pledges.web.access import rate_from_setting
from pledges.web.kiosk_auth import station_rate_key, station_required
from pledges.web.refusals import json_refusal

# Seconds between the waiting page's reloads while the PDF is being made.
WAIT_REFRESH_SECONDS = 3


def copy_url(request, code: str) -> str:
    return request.build_absolute_uri(reverse("copies:copy", args=[spaced(code)]))


@require_POST
@ratelimit(key=station_rate_key, rate=rate_from_setting("KIOSK_SIGN_RATE"), block=True)
@station_required
def issue(request, station):
    """The copy code of the signature this tablet has just sent: `{"signature": id}`."""
    try:
        data = orjson.loads(request.body[:200])
    except orjson.JSONDecodeError:
        data = {}
    signature_id = data.get("signature") if isinstance(data, dict) else None
    if type(signature_id) is not int or not 1 <= signature_id < 2**63:
        signature_id = None  # names no signature: refused by the rulebook like another's
    try:
        copy = issue_copy(station, signature_id)
    except PledgeError as error:
        return json_refusal(error, 403)
    url = copy_url(request, copy.code)
    return JsonResponse(
        {
            "code": spaced(copy.code),
            "url": url,
            "qr": segno.make(url, error="m").svg_inline(scale=4, border=2, omitsize=True),
            # What is left of it: the tablet may ask again a moment later.
            "minutes": max(1, round((copy.expires_at - timezone.now()).total_seconds() / 60)),
        },
        status=201,
    )


def _copy_or_page(request, code):
    copy = find_copy(code)
    if copy is None:
        return None, render(request, "pledges/public/copy.html", {"state": "unknown"}, status=404)
    return copy, None


@never_cache
@require_GET
@ratelimit(group="signer-copy", key="ip", rate=rate_from_setting("COPY_RATE"), block=True)
def copy(request, code):
    """What the signer's phone opens: the download when ready, a polite wait until then."""
    with translation.override("id"):
        copy, refusal = _copy_or_page(request, code)
        if refusal:
            return refusal
        document = copy_document(copy)
        context = {
            "copy": copy,
            "code": spaced(copy.code),
            "signatory": copy.signatory,
            "document": document,
            "refresh": WAIT_REFRESH_SECONDS,
            "expires": clock_time(copy.expires_at, copy.signatory.event.region),
        }
        try:
            rulebook.check_copy_downloadable(copy, timezone.now())
        except PledgeError as error:
            return render(
                request,
                "pledges/public/copy.html",
                {**context, "state": "closed", "error": error},
                status=410,
            )
        if document is None or document.status == Document.Status.PENDING:
            state = "waiting"
        elif document.status == Document.Status.FAILED:
            state = "failed"
        else:
            state = "ready"
        return render(request, "pledges/public/copy.html", {**context, "state": state})


@never_cache
@require_GET
@ratelimit(group="signer-copy", key="ip", rate=rate_from_setting("COPY_RATE"), block=True)
def download(request, code):
    """The signer's sealed PDF itself, counted against the link's few tries."""
    with translation.override("id"):
        copy, refusal = _copy_or_page(request, code)
        if refusal:
            return refusal
        document = copy_document(copy)
        if document is None or document.status != Document.Status.READY:
            return redirect("copies:copy", code=spaced(copy.code))
        try:
            take_download(copy, document, request.META.get("REMOTE_ADDR"))
        except PledgeError as error:
            context = {"state": "closed", "error": error, "code": spaced(copy.code)}
            return render(request, "pledges/public/copy.html", context, status=410)
        response = FileResponse(
            document.file.open("rb"),
            as_attachment=True,
            filename=document.file.name.rsplit("/", 1)[-1],
            content_type="application/pdf",
        )
        response["Cache-Control"] = "private, no-store"
        return response
