"""Who may see what. Every staff view and admin queryset goes through here.

A staff user sees the events of their own Bawaslu unit and of the units
below it; a superuser sees everything; anyone else sees nothing.
"""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from pledges.models import BawasluUnit, Event


def _unit_subtree(unit_id: int, prefix: str = "") -> Q:
    # Units nest at most three deep (RI → provinsi → kabupaten/kota).
    return (
        Q(**{f"{prefix}id": unit_id})
        | Q(**{f"{prefix}parent_id": unit_id})
        | Q(**{f"{prefix}parent__parent_id": unit_id})
    )


def units_visible_to(user) -> QuerySet[BawasluUnit]:
    units = BawasluUnit.objects.all()
    if user.is_superuser:
        return units
    if not user.is_active or not user.is_staff or user.unit_id is None:
        return units.none()
    return units.filter(_unit_subtree(user.unit_id))


def events_visible_to(user) -> QuerySet[Event]:
    events = Event.objects.all()
    if user.is_superuser:
        return events
    if not user.is_active or not user.is_staff or user.unit_id is None:
        return events.none()
    return events.filter(_unit_subtree(user.unit_id, prefix="unit__"))


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
    if not user.is_active or not user.is_staff or user.unit_id is None:
        return None
    return user.unit
