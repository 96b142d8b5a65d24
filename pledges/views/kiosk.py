"""The tablet at the venue: one full-screen page and the small JSON API it calls.

Every view but `bind` goes through `station_required`, so a browser reaches
only the one event of the station it is bound to.
"""

import json
import uuid
from functools import cache

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.decorators import ratelimit

from pledges.access import (
    bind_station,
    json_refusal,
    rate_from_setting,
    station_rate_key,
    station_refusal,
    station_required,
)
from pledges.errors import Code, PledgeError
from pledges.models import Event, Signatory
from pledges.nip import mask_nip
from pledges.signing import (
    SignatureSubmission,
    authenticate_station,
    record_signature,
    register_walk_in,
    unsigned_signatories,
)

# Checked before parsing: a real signature is a few dozen kilobytes.
MAX_BODY_BYTES = 256 * 1024
SEARCH_LIMIT = 30
# Statuses for refusals the tablet should show and not retry.
STATUS_FOR_CODE = {
    "signatory_unknown": 404,
    "already_signed": 409,
    "idempotency_conflict": 409,
    "nip_duplicate": 409,
    "event_closed": 403,
    "event_not_open": 403,
    "station_revoked": 403,
    "walk_in_not_allowed": 403,
}


@never_cache
@require_GET
def bind(request, token):
    try:
        station = authenticate_station(token)
    except PledgeError as error:
        status = 404 if error.code == "station_unknown" else 403
        return station_refusal(request, error, status=status)
    response = redirect("kiosk:home")
    bind_station(request, response, station)
    return response


@never_cache
@ensure_csrf_cookie
@require_GET
@station_required(page=True)
def home(request, station):
    # API calls load only the few event fields they need; the page shows them all.
    event = Event.objects.select_related("region").get(pk=station.event_id)
    return render(
        request,
        "pledges/kiosk/home.html",
        {
            "station": station,
            "event": event,
            "pledge": event.frozen_pledge,
            "categories": Signatory.Category.choices,
        },
    )


@require_GET
@ratelimit(key=station_rate_key, rate=rate_from_setting("KIOSK_SEARCH_RATE"), block=True)
@station_required
def signatories(request, station):
    """Unsigned signatories of the station's event; all of them, or those matching `q`."""
    query = request.GET.get("q", "")[:100]
    found = unsigned_signatories(station, query, limit=SEARCH_LIMIT if query.strip() else None)
    return JsonResponse(
        {"signatories": [_public_signatory(signatory) for signatory in found]},
        headers={"Cache-Control": "no-store"},
    )


@require_GET
@station_required
def status(request, station):
    """A heartbeat: the decorator has noted the contact; the tablet learns it may go on."""
    return JsonResponse({"station": station.label, "event": station.event.title})


@require_POST
@ratelimit(key=station_rate_key, rate=rate_from_setting("KIOSK_SIGN_RATE"), block=True)
@station_required
def walk_in(request, station):
    data, refusal = _json_body(request)
    if refusal:
        return refusal
    try:
        signatory = register_walk_in(station, data)
    except PledgeError as error:
        return _refusal(error)
    return JsonResponse({"signatory": _public_signatory(signatory)}, status=201)


@require_POST
@ratelimit(key=station_rate_key, rate=rate_from_setting("KIOSK_SIGN_RATE"), block=True)
@station_required
def sign(request, station):
    data, refusal = _json_body(request)
    if refusal:
        return refusal
    try:
        submission = _submission_from(request, data)
        signature = record_signature(station, submission)
    except PledgeError as error:
        return _refusal(error)
    return JsonResponse(
        {
            "status": "signed",
            "signature": signature.pk,
            "signatory": signature.signatory_id,
            "name": signature.signatory.full_name,
            "signed_at": signature.signed_at.isoformat(),
        }
    )


@cache
def _service_worker_source() -> bytes:
    return (settings.BASE_DIR / "static" / "js" / "kiosk-sw.js").read_bytes()


@require_GET
def service_worker(request):
    # Served from /meja/ (not /static/) so that its scope covers the kiosk pages.
    return HttpResponse(
        _service_worker_source(),
        content_type="text/javascript; charset=utf-8",
        headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/meja/"},
    )


def _public_signatory(signatory) -> dict:
    # Only what a signer needs to recognise themself; never a full NIP.
    return {
        "id": signatory.pk,
        "name": signatory.full_name,
        "position": signatory.position,
        "agency": signatory.agency,
        "nip": mask_nip(signatory.nip),
    }


def _json_body(request):
    too_large = PledgeError(_("Data yang dikirim terlalu besar."), code=Code.TOO_LARGE)
    length = request.headers.get("Content-Length", "")
    if length.isdigit() and int(length) > MAX_BODY_BYTES:
        return None, _refusal(too_large, status=413)
    # Read at most one byte past the limit, whatever the header claimed.
    body = request.read(MAX_BODY_BYTES + 1)
    if len(body) > MAX_BODY_BYTES:
        return None, _refusal(too_large, status=413)
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        data = None
    if not isinstance(data, dict):
        return None, _refusal(
            PledgeError(_("Data yang dikirim tidak dikenali."), code=Code.BAD_JSON)
        )
    return data, None


def _submission_from(request, data) -> SignatureSubmission:
    try:
        key = uuid.UUID(str(data.get("idempotency_key")))
    except ValueError:
        raise PledgeError(
            _("Kunci pengiriman tidak sah."), code=Code.IDEMPOTENCY_KEY_INVALID
        ) from None
    signatory_id = data.get("signatory_id")
    if not isinstance(signatory_id, int) or isinstance(signatory_id, bool):
        raise PledgeError(_("Penanda tangan tidak dikenali."), code=Code.SIGNATORY_UNKNOWN)
    pledge_sha256 = data.get("pledge_sha256")
    return SignatureSubmission(
        idempotency_key=key,
        signatory_id=signatory_id,
        strokes=data.get("strokes"),
        canvas_width=data.get("canvas_width"),
        canvas_height=data.get("canvas_height"),
        pledge_sha256=pledge_sha256 if isinstance(pledge_sha256, str) else "",
        client_ip=request.META.get("REMOTE_ADDR"),
        user_agent=request.headers.get("User-Agent", ""),
    )


def _refusal(error: PledgeError, status=None) -> JsonResponse:
    return json_refusal(error, status or STATUS_FOR_CODE.get(error.code, 422))
