"""Staff side of signing stations: open one for a tablet, watch it, revoke it."""

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from pledges.errors import PledgeError
from pledges.services.signing import open_station, revoke_station
from pledges.web.access import get_event_for
from pledges.web.views.venue import displays_context

# The token exists in clear only until staff have seen it once.
NEW_TOKEN_SESSION_KEY = "new_station_token"


def station_link(request, token: str) -> str:
    """The link that binds a tablet: the token rides in the fragment, which no server sees."""
    return f"{request.build_absolute_uri(reverse('kiosk:bind'))}#{token}"


# no-store: the page may show a station's token, which must stay in no cache.
@never_cache
@login_required
def stations(request, pk):
    event = get_event_for(request.user, pk)
    new_link = None
    new_token = request.session.pop(NEW_TOKEN_SESSION_KEY, None)
    if new_token and new_token.get("event") == event.pk:
        url = station_link(request, new_token["token"])
        qr_svg = segno.make(url, error="m").svg_inline(scale=5, border=2)
        new_link = {"label": new_token["label"], "url": url, "qr": mark_safe(qr_svg)}
    event_stations = (
        event.stations.select_related("opened_by")
        .annotate(signed=Count("signatures"))
        .order_by("revoked_at", "label", "pk")
    )
    return render(
        request,
        "pledges/staff/stations.html",
        {
            "event": event,
            "stations": event_stations,
            "new_link": new_link,
            "tab": "stations",
            **displays_context(request, event),
        },
    )


@login_required
@require_POST
def station_open(request, pk):
    event = get_event_for(request.user, pk)
    try:
        station, token = open_station(event, request.POST.get("label", ""), request.user)
    except PledgeError as error:
        messages.error(request, error.message)
    else:
        request.session[NEW_TOKEN_SESSION_KEY] = {
            "event": event.pk,
            "label": station.label,
            "token": token,
        }
        opened = _("%(label)s dibuka. Buka tautan di bawah pada tablet.")
        messages.success(request, opened % {"label": station.label})
    return redirect("staff:stations", pk=event.pk)


@login_required
@require_POST
def station_revoke(request, pk, station_pk):
    event = get_event_for(request.user, pk)
    station = get_object_or_404(event.stations, pk=station_pk)
    revoke_station(station)
    messages.success(request, _("%(label)s dicabut.") % {"label": station.label})
    return redirect("staff:stations", pk=event.pk)
