"""Web access: staff views fetch their objects here, tablets are bound and refused here.

What a user may see is decided by `pledges.visibility`; this module turns it
into 404s for staff pages and into the tablet's signed-cookie binding.
"""

from functools import wraps

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.utils.translation import gettext as _

from pledges import audit
from pledges.errors import Code, PledgeError
from pledges.models import BawasluUnit, Event, SigningStation
from pledges.rows import fetch_loaded
from pledges.signing import check_station_usable, hand_over_station, note_station_contact
from pledges.visibility import events_visible_to, is_unit_staff


def get_event_for(user, pk) -> Event:
    """The event `pk` if `user` may see it; Http404 otherwise (never a hint that it exists)."""
    return get_object_or_404(
        events_visible_to(user).select_related("region", "template", "unit"), pk=pk
    )


def get_signatory_for(user, event_pk, pk):
    """Signatory `pk` of event `event_pk` if `user` may see that event; Http404 otherwise."""
    event = get_event_for(user, event_pk)
    return event, get_object_or_404(event.signatories.select_related("led_region"), pk=pk)


def unit_for_new_events(user) -> BawasluUnit | None:
    """The unit a new event of `user` belongs to, or None if they may not create events."""
    return user.unit if is_unit_staff(user) else None


# --- Signing stations (tablets) ---------------------------------------------

# The tablet's binding is a signed cookie, not a session row: every kiosk call
# would otherwise start with a session query. Revoking the station (checked on
# every request) is what ends a binding; the signature keeps it unforgeable.
STATION_COOKIE = "netralitas_meja"
STATION_COOKIE_SALT = "pledges.station"
PENDING_HEADER = "X-Pending-Signatures"
# Signatures the tablet holds that this station's answers refused for good. A
# revoked station's tablet still reports them (the count is noted before the
# station is checked), though it can sign nothing.
UNDELIVERABLE_HEADER = "X-Undeliverable-Signatures"
# "1" when the tablet's storage is nearly full (or full), "0" when it has room.
STORAGE_LOW_HEADER = "X-Storage-Low"


def bind_station(request, response, station) -> None:
    """Make this browser (which `response` answers) the tablet of `station`, and audit it.

    The session is emptied: a tablet must never also carry a staff login. The
    audit entry names the station and the tablet's address and browser, and
    no user (whoever was logged in on it is logged out here).
    """
    previous = bound_station_id(request)
    request.session.flush()
    if previous is not None:
        hand_over_station(previous, station)
    with audit.acting_as(None, station):
        audit.record(
            "bind",
            station,
            client_ip=request.META.get("REMOTE_ADDR"),
            user_agent=request.headers.get("User-Agent", "")[:300],
        )
    response.set_signed_cookie(
        STATION_COOKIE,
        str(station.pk),
        salt=STATION_COOKIE_SALT,
        max_age=settings.SESSION_COOKIE_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def bound_station_id(request) -> int | None:
    """The id of the station this browser was bound to, if its cookie is genuine and fresh.

    Verified once per request: the rate limit and the station check both ask.
    """
    if not hasattr(request, "_bound_station_id"):
        value = request.get_signed_cookie(
            STATION_COOKIE,
            default="",
            salt=STATION_COOKIE_SALT,
            max_age=settings.SESSION_COOKIE_AGE,
        )
        request._bound_station_id = int(value) if value.isdigit() else None
    return request._bound_station_id


# The first query of every kiosk call, written out: the ORM took four times
# longer to build it than the database to answer it. It loads the station and
# just the event fields a kiosk call reads; any other is loaded if read.
STATION_FIELDS = (
    "id",
    "event_id",
    "label",
    "last_seen_at",
    "pending_signatures",
    "undeliverable_signatures",
    "storage_low",
    "revoked_at",
)
STATION_EVENT_FIELDS = ("id", "status", "title", "allow_walk_ins", "frozen_pledge_sha256")
STATION_SQL = (
    "SELECT {}, {} FROM pledges_signingstation st"
    " JOIN pledges_event e ON e.id = st.event_id WHERE st.id = %s"
).format(
    ", ".join(f"st.{name}" for name in STATION_FIELDS),
    ", ".join(f"e.{name}" for name in STATION_EVENT_FIELDS),
)


def _bound_station(request) -> SigningStation | None:
    station_id = bound_station_id(request)
    found = station_id is not None and fetch_loaded(
        STATION_SQL,
        [station_id],
        (SigningStation, STATION_FIELDS),
        (Event, STATION_EVENT_FIELDS),
    )
    if not found:
        return None
    station, station.event = found
    return station


def station_required(view=None, *, page=False):
    """Run `view(request, station, ...)` for the station bound to this browser.

    Refuses a browser without a station, a revoked station and an event that
    is not open: as an Indonesian page when `page`, else as JSON (the kiosk's
    API calls). Notes the tablet's contact and pending count on the way.
    """
    if view is None:
        return lambda view: station_required(view, page=page)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        station = _bound_station(request)
        try:
            if station is None:
                raise PledgeError(
                    _(
                        "Tablet ini belum terhubung ke meja tanda tangan. "
                        "Pindai kode QR atau buka tautan meja dari petugas."
                    ),
                    code=Code.NO_STATION,
                )
            note_station_contact(
                station,
                _reported_count(request, PENDING_HEADER),
                _reported_count(request, UNDELIVERABLE_HEADER),
                {"1": True, "0": False}.get(request.headers.get(STORAGE_LOW_HEADER, "")),
            )
            check_station_usable(station)
        except PledgeError as error:
            return station_refusal(request, error, page=page)
        request.station = station
        # Signers read Indonesian whatever language the tablet's browser asks for.
        with audit.acting_as(None, station), translation.override("id"):
            return view(request, station, *args, **kwargs)

    return wrapper


def rate_from_setting(name: str):
    """A django-ratelimit rate read from settings when a request comes (so it can change)."""
    return lambda group, request: getattr(settings, name)


def station_rate_key(group, request) -> str:
    """Rate limits count per tablet: a venue's tablets often share one public address."""
    return f"station:{bound_station_id(request)}"


def _reported_count(request, header) -> int | None:
    value = request.headers.get(header, "")
    # ASCII only: "²" is a digit to str.isdigit() and no number to int().
    return int(value) if value.isascii() and value.isdigit() and len(value) < 7 else None


def station_refusal(request, error: PledgeError, status=403, page=True):
    """The tablet's answer to a refused request: a full-screen page or JSON."""
    if not page:
        return json_refusal(error, status)
    with translation.override("id"):
        return render(request, "pledges/kiosk/refused.html", {"error": error}, status=status)


def json_refusal(error: PledgeError, status: int) -> JsonResponse:
    """A refusal as the kiosk's script reads it: the Indonesian message and its code."""
    return JsonResponse({"error": error.message, "code": error.code}, status=status)
