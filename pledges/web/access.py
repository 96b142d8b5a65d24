"""Staff access: staff views fetch their objects here, as 404s for what they may not see.

What a user may see is decided by `pledges.services.visibility`; this module turns
it into answers. Tablets are bound and refused in `pledges.web.kiosk_auth`.
"""

from django.conf import settings
from django.shortcuts import get_object_or_404

from pledges.models import BawasluUnit, Event
from pledges.services.visibility import events_visible_to, is_unit_staff


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


def rate_from_setting(name: str):
    """A django-ratelimit rate read from settings when a request comes (so it can change)."""
    return lambda group, request: getattr(settings, name)
