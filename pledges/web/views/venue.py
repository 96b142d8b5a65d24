"""The venue screen: staff open, move and revoke it; the projector's page and its API.

The screen's token rides in the link's fragment (/layar/#<token>), which no
server sees; the page keeps it in the tab's sessionStorage and sends it in
a header with every call. No cookie binds the screen: it is often the
staff's own laptop on the projector, and binding it like a tablet would log
them out. Without a cookie there is nothing a foreign page could ride on,
so the calls need no CSRF token.

A poll says which version of the wall it holds (If-None-Match): unchanged,
the answer is a bodiless 304; changed, only the signers newer than `since`.
"""

import orjson
import segno
from csp.decorators import csp_exempt
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from pledges.errors import PledgeError
from pledges.services.venue import (
    authenticate_display,
    move_display,
    note_display_contact,
    open_display,
    reading_parts,
    revoke_display,
    wall,
    wall_step,
    wall_version,
)
from pledges.web.access import get_event_for
from pledges.web.refusals import json_refusal

NEW_TOKEN_SESSION_KEY = "new_display_token"
TOKEN_HEADER = "X-Display-Token"
STATUS_FOR_CODE = {"display_unknown": 404, "display_revoked": 403}
MOVES = {"start": {"to": 0}, "prev": {"by": -1}, "next": {"by": 1}}


def displays_context(request, event) -> dict:
    """What the stations page shows about the event's venue screens."""
    new_display = None
    new_token = request.session.pop(NEW_TOKEN_SESSION_KEY, None)
    if new_token and new_token.get("event") == event.pk:
        url = f"{request.build_absolute_uri(reverse('venue:display'))}#{new_token['token']}"
        qr_svg = segno.make(url, error="m").svg_inline(scale=4, border=2)
        new_display = {"label": new_token["label"], "url": url, "qr": mark_safe(qr_svg)}
    last = wall_step(event)
    displays = []
    for display in event.displays.select_related("opened_by").order_by("revoked_at", "pk"):
        display.step = min(display.step, last)
        display.at_wall = display.step == last
        displays.append(display)
    return {"displays": displays, "new_display": new_display, "reading_steps": last}


@login_required
@require_POST
def display_open(request, pk):
    event = get_event_for(request.user, pk)
    try:
        display, token = open_display(event, request.POST.get("label", ""), request.user)
    except PledgeError as error:
        messages.error(request, error.message)
    else:
        request.session[NEW_TOKEN_SESSION_KEY] = {
            "event": event.pk,
            "label": display.label,
            "token": token,
        }
        opened = _("%(label)s dibuka. Buka tautan di bawah pada komputer proyektor.")
        messages.success(request, opened % {"label": display.label})
    return redirect(reverse("staff:stations", args=[event.pk]) + "#layar")


@login_required
@require_POST
def display_move(request, pk, display_pk):
    event = get_event_for(request.user, pk)
    display = get_object_or_404(event.displays.select_related("event"), pk=display_pk)
    where = request.POST.get("to", "")
    if where == "wall":
        move_display(display, to=wall_step(event))
    elif where in MOVES:
        move_display(display, **MOVES[where])
    return redirect(reverse("staff:stations", args=[event.pk]) + "#layar")


@login_required
@require_POST
def display_revoke(request, pk, display_pk):
    event = get_event_for(request.user, pk)
    display = get_object_or_404(event.displays, pk=display_pk)
    revoke_display(display)
    messages.success(request, _("%(label)s dicabut.") % {"label": display.label})
    return redirect(reverse("staff:stations", args=[event.pk]) + "#layar")


@never_cache
@require_GET
def display(request):
    """The projector's page: a shell; what it shows comes from `display_state`."""
    with translation.override("id"):
        return render(request, "pledges/venue/display.html")


def _display_call(view):
    def wrapper(request):
        with translation.override("id"):
            try:
                screen = authenticate_display(request.headers.get(TOKEN_HEADER, "")[:100])
            except PledgeError as error:
                return json_refusal(error, STATUS_FOR_CODE.get(error.code, 403))
            note_display_contact(screen)
            return view(request, screen)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


# JSON only, never a page: the page policy (CSP, some 250 bytes) need not ride on every poll.
@csp_exempt()
@require_GET
@_display_call
def display_state(request, screen):
    """What the screen shows: 304 when it holds it already, else the change since `since`."""
    version = f'"{wall_version(screen)}"'
    full = request.GET.get("full") == "1"
    if not full and request.headers.get("If-None-Match") == version:
        return HttpResponse(status=304, headers={"ETag": version, "Cache-Control": "no-cache"})
    since = request.GET.get("since", "")
    event = screen.event
    state = {
        "step": min(screen.step, wall_step(event)),
        "wall_step": wall_step(event),
        **wall(event, int(since) if since.isascii() and since.isdigit() and len(since) < 19 else 0),
    }
    if full:
        state["event"] = {"title": event.title, "venue": event.venue, "label": screen.label}
        state["pledge_title"] = (event.frozen_pledge or {}).get("title", "")
        state["parts"] = reading_parts(event)
    return HttpResponse(
        orjson.dumps(state),
        content_type="application/json",
        headers={"ETag": version, "Cache-Control": "no-cache"},
    )


@csrf_exempt  # authenticated by a header a foreign page cannot send; no cookie involved
@require_POST
@_display_call
def display_step(request, screen):
    """The screen's own keys (arrows, space, a clicker): `{"by": ±1}` or `{"to": n}`."""
    try:
        data = orjson.loads(request.body[:200])
    except orjson.JSONDecodeError:
        data = {}
    data = data if isinstance(data, dict) else {}
    to, by = data.get("to"), data.get("by")
    if type(to) is int and 0 <= to < 1000:
        step = move_display(screen, to=to)
    elif by in (-1, 1):
        step = move_display(screen, by=by)
    else:
        step = screen.step
    return JsonResponse({"step": step})
