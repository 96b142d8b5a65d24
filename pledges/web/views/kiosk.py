"""The tablet at the venue: one full-screen page and the small JSON API it calls.

Every view but `bind` and `old_link` goes through `station_required`, so a
browser reaches only the one event of the station it is bound to.

The station's secret never travels in a URL the server sees: the link staff
give the tablet is /meja/hubungkan/#<token>, and the fragment stays in the
browser until the page's script POSTs it (access logs record paths, never
bodies). Whatever a body holds, the API answers JSON: a whole result or an
Indonesian refusal with its code, never a server error.
"""

import mimetypes
import re
import uuid
from functools import cache, wraps

import orjson
from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from pledges.core.nip import mask_nip
from pledges.errors import Code, PledgeError
from pledges.models import BawasluUnit, Event, Region, Signatory
from pledges.models.templates import INDIVIDUAL, pledge_form
from pledges.services.signatories import leadable_regions
from pledges.services.signing import (
    SignatureSubmission,
    authenticate_station,
    record_signature,
    register_walk_in,
    unsigned_signatories,
    walk_in_max_lengths,
)
from pledges.web.access import rate_from_setting
from pledges.web.kiosk_auth import (
    bind_station,
    station_rate_key,
    station_refusal,
    station_required,
)
from pledges.web.refusals import json_refusal

# Checked before parsing: a real signature is a few dozen kilobytes.
MAX_BODY_BYTES = 256 * 1024
SEARCH_LIMIT = 30
# Primary keys are 64-bit signed integers in both databases; a number outside
# names nobody, and must not reach a query (SQLite overflows, PostgreSQL
# raises DataError).
MAX_ID = 2**63 - 1
# PostgreSQL stores no NUL character in text or jsonb, and no field a tablet
# sends can hold one; in JSON it can only come as the escape \u0000 (an odd
# number of backslashes before the u: an even number is a literal backslash).
JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
# Statuses for refusals the tablet should show and not retry.
STATUS_FOR_CODE = {
    "bad_request": 400,
    "station_unknown": 404,
    "signatory_unknown": 404,
    "already_signed": 409,
    "idempotency_conflict": 409,
    "nip_duplicate": 409,
    "event_closed": 403,
    "event_not_open": 403,
    "station_revoked": 403,
    "walk_in_not_allowed": 403,
}


def _json_call(view):
    """Run `view(request, station, data)` with the request's JSON object as `data`.

    A body that is too large or not a JSON object, and any PledgeError the
    view raises, are answered as the kiosk's JSON refusal.
    """

    @wraps(view)
    def wrapper(request, station):
        data, refusal = _json_body(request)
        if refusal:
            return refusal
        try:
            return view(request, station, data)
        except PledgeError as error:
            return _refusal(error)

    return wrapper


@never_cache
@ensure_csrf_cookie
@require_http_methods(["GET", "POST"])
def bind(request):
    """Bind this browser to the station whose token it POSTs; GET is the page that does it.

    The page's script (static/js/kiosk-bind.js) reads the token from the
    link's fragment, takes it out of the address bar and sends it here once.
    """
    with translation.override("id"):
        if request.method == "GET":
            return render(request, "pledges/kiosk/bind.html")
        data, refusal = _json_body(request)
        if refusal:
            return refusal
        token = data.get("token")
        try:
            station = authenticate_station(token if isinstance(token, str) else "")
        except PledgeError as error:
            return _refusal(error)
        response = JsonResponse({"next": reverse("kiosk:home")})
        bind_station(request, response, station)
        return response


@never_cache
def old_link(request, token):
    """A link of the old form, /meja/<token>/: refused, and the token never looked at.

    Its token has been written to the access logs on the way here, so it
    must not bind a tablet; staff open a new station instead.
    """
    error = PledgeError(
        _(
            "Tautan meja ini tidak berlaku lagi. Minta petugas membuka meja baru, "
            "lalu pindai kode QR yang ditampilkan."
        ),
        code=Code.STATION_UNKNOWN,
    )
    return station_refusal(request, error, status=410)


@never_cache
@ensure_csrf_cookie
@require_GET
@station_required(page=True)
def home(request, station):
    # API calls load only the few event fields they need; the page shows them all.
    event = Event.objects.select_related("region", "unit").get(pk=station.event_id)
    return render(
        request,
        "pledges/kiosk/home.html",
        {
            "station": station,
            "event": event,
            # One person signs at a tablet: the pledge in its individual form.
            "pledge": pledge_form(event.frozen_pledge, INDIVIDUAL) if event.frozen_pledge else None,
            "unit": event.unit,
            "categories": Signatory.Category.choices,
            "max_length": walk_in_max_lengths(),
        },
    )


@require_GET
@ratelimit(key=station_rate_key, rate=rate_from_setting("KIOSK_SEARCH_RATE"), block=True)
@station_required
def signatories(request, station):
    """Unsigned signatories of the station's event; all of them, or those matching `q`."""
    query = request.GET.get("q", "")[:100]
    if "\x00" in query:
        return _refusal(_bad_request())
    found = unsigned_signatories(station, query, limit=SEARCH_LIMIT if query.strip() else None)
    # Each tablet asks for the whole list every 30 s: rows as tuples and
    # orjson took a 2,000-person list from 42 ms of the server's CPU to 6 ms.
    rows = found.values_list(
        "pk", "full_name", "position", "agency", "nip", "representation__full_name"
    )
    return HttpResponse(
        orjson.dumps(
            {
                "signatories": [
                    {
                        "id": pk,
                        "name": name,
                        "position": position,
                        "agency": agency,
                        "nip": mask_nip(nip),
                        # Recorded by staff: the one who signs "mewakili" this official.
                        "representative": representative or "",
                    }
                    for pk, name, position, agency, nip, representative in rows
                ]
            }
        ),
        content_type="application/json",
        headers={"Cache-Control": "no-store"},
    )


@require_GET
@station_required
def status(request, station):
    """A heartbeat: the decorator has noted the contact; the tablet learns it may go on."""
    return JsonResponse({"station": station.label, "event": station.event.title})


@require_GET
@station_required
def regions(request, station):
    """The kecamatan of the event's kab/kota, each with its desa/kelurahan: walk-ins choose."""
    districts = {}
    villages = []
    for region in (
        leadable_regions(station.event).select_related(None).only("code", "name", "level")
    ):
        if region.level == Region.Level.DISTRICT:
            districts[region.code] = {"code": region.code, "name": region.name, "villages": []}
        else:
            villages.append(region)
    for village in villages:
        district = districts.get(village.code.rsplit(".", 1)[0])
        if district is not None:
            district["villages"].append(
                {"code": village.code, "name": village.name, "kelurahan": village.is_kelurahan}
            )
    return JsonResponse({"districts": list(districts.values())})


@require_POST
@ratelimit(key=station_rate_key, rate=rate_from_setting("KIOSK_SIGN_RATE"), block=True)
@station_required
@_json_call
def walk_in(request, station, data):
    signatory = register_walk_in(station, data)
    return JsonResponse({"signatory": _public_signatory(signatory)}, status=201)


@require_POST
@ratelimit(key=station_rate_key, rate=rate_from_setting("KIOSK_SIGN_RATE"), block=True)
@station_required(sends_queued=True)
@_json_call
def sign(request, station, data):
    signature = record_signature(station, _submission_from(request, data))
    return JsonResponse(
        {
            "status": "signed",
            "signature": signature.pk,
            "signatory": signature.signatory_id,
            "name": signature.signatory.full_name,
            "signed_at": signature.signed_at.isoformat(),
        }
    )


@require_GET
@station_required
def logo(request, station):
    """The logo of the event's Bawaslu unit, shown atop the tablet (media is not served)."""
    unit = BawasluUnit.objects.only("logo").get(events__pk=station.event_id)
    if not unit.logo:
        raise Http404
    try:
        handle = unit.logo.open("rb")
    except OSError:
        raise Http404 from None
    content_type = mimetypes.guess_type(unit.logo.name)[0] or "application/octet-stream"
    if not content_type.startswith("image/"):
        raise Http404
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response


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
    """The request's JSON object, or a refusal: too large, not JSON, not an object.

    orjson refuses what json.loads would let through to cause harm later:
    nesting deeper than 1024 (json.loads meets Python's recursion limit),
    NaN and Infinity (not JSON), lone surrogates (no database can store them).
    """
    too_large = PledgeError(_("Data yang dikirim terlalu besar."), code=Code.TOO_LARGE)
    length = request.headers.get("Content-Length", "")
    if length.isascii() and length.isdigit() and int(length) > MAX_BODY_BYTES:
        return None, _refusal(too_large, status=413)
    # Read at most one byte past the limit, whatever the header claimed.
    body = request.read(MAX_BODY_BYTES + 1)
    if len(body) > MAX_BODY_BYTES:
        return None, _refusal(too_large, status=413)
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        data = None
    # A byte search first: the pattern's scan of a 30 KB body cost more than parsing it.
    if not isinstance(data, dict) or (b"\\u0000" in body and JSON_NUL.search(body)):
        return None, _refusal(
            PledgeError(_("Data yang dikirim tidak dikenali."), code=Code.BAD_JSON)
        )
    return data, None


def _submission_from(request, data) -> SignatureSubmission:
    key = data.get("idempotency_key")
    try:
        key = uuid.UUID(key) if isinstance(key, str) else None
    except ValueError:
        key = None
    if key is None:
        raise PledgeError(_("Kunci pengiriman tidak sah."), code=Code.IDEMPOTENCY_KEY_INVALID)
    signatory_id = data.get("signatory_id")
    if type(signatory_id) is not int or not 1 <= signatory_id <= MAX_ID:
        raise PledgeError(_("Penanda tangan tidak dikenali."), code=Code.SIGNATORY_UNKNOWN)
    pledge_sha256 = data.get("pledge_sha256")
    taken_at = data.get("taken_at_station")
    representative = data.get("representative")
    return SignatureSubmission(
        idempotency_key=key,
        signatory_id=signatory_id,
        strokes=data.get("strokes"),
        canvas_width=data.get("canvas_width"),
        canvas_height=data.get("canvas_height"),
        pledge_sha256=pledge_sha256 if isinstance(pledge_sha256, str) else "",
        client_ip=request.META.get("REMOTE_ADDR"),
        user_agent=request.headers.get("User-Agent", ""),
        taken_at_station=taken_at if type(taken_at) is int and 1 <= taken_at <= MAX_ID else None,
        representative=representative if isinstance(representative, dict) else None,
    )


def _bad_request() -> PledgeError:
    return PledgeError(
        _("Permintaan tidak sah. Muat ulang halaman, lalu coba lagi."), code=Code.BAD_REQUEST
    )


def _refusal(error: PledgeError, status=None) -> JsonResponse:
    return json_refusal(error, status or STATUS_FOR_CODE.get(error.code, 422))
