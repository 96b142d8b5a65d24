"""Who sees which units and events: the querysets every door filters through.

A staff user sees their own Bawaslu unit and the units below it (RI →
provinsi → kabupaten/kota, never deeper: `pledges.services.rulebook` keeps the
hierarchy at three levels), and those units' events; a superuser sees
everything; anyone else nothing.
"""

from django.db.models import Q, QuerySet

from pledges.models import BawasluUnit, Event, PledgeTemplate


def unit_subtree(unit_id: int, prefix: str = "") -> Q:
    """Units `unit_id` and those below it, as a filter on `<prefix>id`."""
    return (
        Q(**{f"{prefix}id": unit_id})
        | Q(**{f"{prefix}parent_id": unit_id})
        | Q(**{f"{prefix}parent__parent_id": unit_id})
    )


def is_unit_staff(user) -> bool:
    """An active staff account attached to a unit (what a non-superuser needs to see anything)."""
    return bool(user.is_active and user.is_staff and user.unit_id is not None)


def units_visible_to(user) -> QuerySet[BawasluUnit]:
    units = BawasluUnit.objects.all()
    if user.is_superuser:
        return units
    if not is_unit_staff(user):
        return units.none()
    return units.filter(unit_subtree(user.unit_id))


def events_visible_to(user) -> QuerySet[Event]:
    events = Event.objects.all()
    if user.is_superuser:
        return events
    if not is_unit_staff(user):
        return events.none()
    return events.filter(unit_subtree(user.unit_id, prefix="unit__"))


def templates_usable_by(unit: BawasluUnit | None) -> QuerySet[PledgeTemplate]:
    """National templates and those of `unit` and the units above it (what its events use)."""
    chain = []
    while unit is not None:
        chain.append(unit.pk)
        unit = unit.parent
    return PledgeTemplate.objects.filter(Q(unit__isnull=True) | Q(unit_id__in=chain))
