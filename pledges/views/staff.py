from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import render

from pledges.access import events_visible_to, get_event_for


@login_required
def home(request):
    events = (
        events_visible_to(request.user)
        .select_related("region", "unit")
        .annotate(
            registered=Count("signatories"),
            signed=Count("signatories", filter=Q(signatories__signature__isnull=False)),
        )
        .order_by("-starts_at")
    )
    return render(request, "pledges/staff/home.html", {"events": events})


@login_required
def event_detail(request, pk):
    event = get_event_for(request.user, pk)
    signatories = event.signatories.select_related("signature", "led_region").order_by(
        "category", "full_name"
    )
    return render(
        request,
        "pledges/staff/event.html",
        {"event": event, "signatories": signatories, "tab": "signatories"},
    )
