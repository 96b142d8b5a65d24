"""Whose clock a stored time is read on: the event's region, else the unit's.

`clock_region_code(obj)` gives the Kemendagri code whose zone (WIB, WITA,
WIT) `pledges.core.dates.local_text` shows `obj`'s times in: an event and
everything of it (signatories, signatures, stations, documents, imports,
audit entries about it) in the event's region; a unit, its staff and its
templates in the unit's region; Bawaslu RI (no region) and nothing at all
in WIB (None). It reads foreign keys' ids, not the regions themselves: a
region's primary key is its code.
"""

from pledges.core.dates import local_text
from pledges.models.audit import AuditEntry
from pledges.models.events import Event
from pledges.models.regions import Region
from pledges.models.signing import Signature
from pledges.models.templates import PledgeTemplate
from pledges.models.units import BawasluUnit, User


def clock_region_code(obj) -> str | None:
    if obj is None:
        return None
    if isinstance(obj, str):
        return obj
    if isinstance(obj, Region):
        return obj.code
    if isinstance(obj, Event):
        return obj.region_id
    if isinstance(obj, BawasluUnit):
        return obj.region_id
    if isinstance(obj, Signature):
        return obj.signatory.event.region_id
    if isinstance(obj, AuditEntry):
        if obj.event_region_code:
            return obj.event_region_code
        return clock_region_code(obj.actor)
    if isinstance(obj, (User, PledgeTemplate)):
        return obj.unit.region_id if obj.unit_id else None
    if getattr(obj, "event_id", None):
        return obj.event.region_id
    return None


def local_time_of(obj, moment, style: str = "datetime") -> str:
    """`moment` (a time of `obj`) as read on `obj`'s clock, labelled: "2 Des 2026 09.00 WITA"."""
    return local_text(moment, clock_region_code(obj), style)
