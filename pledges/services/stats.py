"""Counts of registered and signed officials, cheap at national scale.

Closed events carry the counts taken when they closed (`final_registered`,
`final_signed`); only events still in draft or open are counted row by row,
so a recap costs in proportion to the events that are still changing.
"""

from dataclasses import dataclass

from django.db.models import Count, Q

from pledges.models import Event, Signatory, Signature


def live_counts(event_ids) -> dict[int, tuple[int, int]]:
    """(registered, signed) for each event id, counted from the rows (two grouped queries)."""
    event_ids = list(event_ids)
    counts = dict.fromkeys(event_ids, (0, 0))
    if not event_ids:
        return counts
    registered = Signatory.objects.filter(event_id__in=event_ids).values_list("event_id")
    signed = Signature.objects.filter(signatory__event_id__in=event_ids).values_list(
        "signatory__event_id"
    )
    signed_by_event = dict(signed.annotate(n=Count("id")).order_by())
    for event_id, number in registered.annotate(n=Count("id")).order_by():
        counts[event_id] = (number, signed_by_event.get(event_id, 0))
    return counts


def event_counts(events) -> dict[int, tuple[int, int]]:
    """(registered, signed) for each of `events` (model instances), without per-event queries."""
    counts = {
        event.pk: (event.final_registered, event.final_signed)
        for event in events
        if event.status == Event.Status.CLOSED and event.final_registered is not None
    }
    counts.update(live_counts(event.pk for event in events if event.pk not in counts))
    return counts


@dataclass
class CategoryCount:
    category: str
    label: str
    registered: int
    signed: int
    # Of those signed, how many by a representative ("mewakili", on a surat tugas).
    represented: int = 0
    # Of those signed, how many on paper (a scan of a wet-ink signature).
    on_paper: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.signed / self.registered) if self.registered else 0


def category_counts(event: Event) -> list[CategoryCount]:
    """Registered and signed per category, every category listed, in one query."""
    rows = (
        Signatory.objects.filter(event=event)
        .values("category")
        .annotate(
            registered=Count("pk"),
            signed=Count("pk", filter=Q(signature__isnull=False)),
            represented=Count(
                "pk", filter=Q(signature__isnull=False, representation__isnull=False)
            ),
            on_paper=Count("pk", filter=Q(signature__paper__isnull=False)),
        )
        .order_by()
    )
    found = {row["category"]: row for row in rows}
    return [
        CategoryCount(
            choice.value,
            str(choice.label),
            **{
                name: found.get(choice.value, {}).get(name, 0)
                for name in ("registered", "signed", "represented", "on_paper")
            },
        )
        for choice in Signatory.Category
    ]


def latest_signatures(event: Event, limit: int = 12):
    """The most recent signatures of the event, newest first, with their signatory."""
    return (
        Signature.objects.filter(signatory__event=event)
        .select_related("signatory", "station")
        .defer(*Signature.DRAWINGS)
        .order_by("-signed_at", "-pk")[:limit]
    )
