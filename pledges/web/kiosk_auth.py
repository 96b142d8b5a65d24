"""Kiosk authentication: a tablet is bound to one station by a signed cookie, and refused here.

Every kiosk view but binding runs under `station_required`, which loads the
bound station (`pledges.db.stations`), checks it may still sign and answers a
refusal as the tablet shows it: a full-screen page or JSON.
"""

from functools import wraps

from django.conf import settings
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

from pledges.db.stations import station_with_event
from pledges.errors import Code, PledgeError
from pledges.models import SigningStation
from pledges.services import audit
from pledges.services.signing import (
    USER_AGENT_LENGTH,
    check_station_usable,
    hand_over_station,
    note_station_contact,
)
from pledges.web.refusals import json_refusal

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
            user_agent=request.headers.get("User-Agent", "")[:USER_AGENT_LENGTH],
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


def _bound_station(request) -> SigningStation | None:
    station_id = bound_station_id(request)
    return station_with_event(station_id) if station_id is not None else None


def station_required(view=None, *, page=False, sends_queued=False):
    """Run `view(request, station, ...)` for the station bound to this browser.

    Refuses a browser without a station, a revoked station and an event that
    is not open: as an Indonesian page when `page`, else as JSON (the kiosk's
    API calls). Notes the tablet's contact and pending count on the way.

    `sends_queued`: the request carries one of the signatures the tablet
    counts as pending; once the view has stored it (200) the tablet holds
    one fewer, and that is what is noted, after the view. A tablet signing
    person after person thus reports no change, and its station row is not
    written twice per signer (1 while sending, 0 on the next request).
    """
    if view is None:
        return lambda view: station_required(view, page=page, sends_queued=sends_queued)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        station = _bound_station(request)
        counts = (
            _reported_count(request, PENDING_HEADER),
            _reported_count(request, UNDELIVERABLE_HEADER),
            {"1": True, "0": False}.get(request.headers.get(STORAGE_LOW_HEADER, "")),
        )
        try:
            if station is None:
                raise PledgeError(
                    _(
                        "Tablet ini belum terhubung ke meja tanda tangan. "
                        "Pindai kode QR atau buka tautan meja dari petugas."
                    ),
                    code=Code.NO_STATION,
                )
            if not sends_queued:
                note_station_contact(station, *counts)
            check_station_usable(station)
        except PledgeError as error:
            if station is not None and sends_queued:
                note_station_contact(station, *counts)
            return station_refusal(request, error, page=page)
        request.station = station
        # Signers read Indonesian whatever language the tablet's browser asks for.
        with audit.acting_as(None, station), translation.override("id"):
            response = view(request, station, *args, **kwargs)
        if sends_queued:
            pending = counts[0]
            if response.status_code == 200 and pending:
                pending -= 1
            note_station_contact(station, pending, *counts[1:])
        return response

    return wrapper


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
