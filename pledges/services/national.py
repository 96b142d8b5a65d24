"""The national picture: per election, each province (or each kab/kota of one) at a glance.

For every group of events: how many were held, who registered and signed by
category, and how many kecamatan and desa/kelurahan have a camat or lurah/
kepala desa who signed, out of all those the region has.

Cheap at national scale: a closed event carries its `final_summary`, taken
when it closed (`summarize_events`), so only events still open are counted
row by row; the number of regions under each kab/kota is cached.
"""

from collections import defaultdict
from dataclasses import dataclass, field

import orjson
from django.core.cache import cache
from django.db.models import Count, Max, Q, QuerySet, TextField
from django.db.models.functions import Cast, Substr

from pledges.models import Event, Region, Signatory

DISTRICT_CODE = 8  # "35.75.01"; a desa/kelurahan is "35.75.01.1001"
REGION_TOTALS_SECONDS = 3600


def summarize_events(event_ids) -> dict[int, dict]:
    """Per event: {"categories": {category: [registered, signed]}, "led": [regions]}.

    "led" are the kecamatan and desa/kelurahan whose camat or lurah/kepala desa signed.

    Two grouped queries whatever the number of signatories.
    """
    event_ids = list(event_ids)
    summaries = {pk: {"categories": {}, "led": []} for pk in event_ids}
    if not event_ids:
        return summaries
    rows = (
        Signatory.objects.filter(event_id__in=event_ids)
        .values("event_id", "category")
        .annotate(registered=Count("pk"), signed=Count("pk", filter=Q(signature__isnull=False)))
        .order_by()
    )
    for row in rows:
        summaries[row["event_id"]]["categories"][row["category"]] = [
            row["registered"],
            row["signed"],
        ]
    led = (
        Signatory.objects.filter(
            event_id__in=event_ids,
            signature__isnull=False,
            led_region__isnull=False,
            category__in=list(Signatory.REGION_LEVEL_FOR_CATEGORY),
        )
        .values_list("event_id", "led_region_id")
        .distinct()
        .order_by()
    )
    for event_id, code in led:
        summaries[event_id]["led"].append(code)
    for summary in summaries.values():
        summary["led"].sort()
    return summaries


@dataclass
class Row:
    code: str
    name: str
    events: int = 0
    categories: dict = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    covered: set = field(default_factory=set)
    districts_total: int = 0
    villages_total: int = 0
    districts_covered: int = 0
    villages_covered: int = 0

    def count_covered(self) -> None:
        """Count the covered regions once (the page reads the counts many times)."""
        self.districts_covered = list(map(len, self.covered)).count(DISTRICT_CODE)
        self.villages_covered = len(self.covered) - self.districts_covered

    @property
    def registered(self) -> int:
        return sum(registered for registered, _signed in self.categories.values())

    @property
    def signed(self) -> int:
        return sum(signed for _registered, signed in self.categories.values())

    @property
    def percent(self) -> int | None:
        return round(100 * self.signed / self.registered) if self.registered else None

    @property
    def coverage(self) -> int | None:
        """Share of kecamatan and desa/kelurahan whose leader signed, in percent."""
        total = self.districts_total + self.villages_total
        if not total:
            return None
        return round(100 * (self.districts_covered + self.villages_covered) / total)

    def signed_in(self, category: str) -> int:
        return self.categories[category][1] if category in self.categories else 0


@dataclass
class Picture:
    rows: list[Row]
    level: str  # "province" or "regency": what one row is
    total: Row


SORT_KEYS = {
    "nama": lambda row: row.name,
    "kegiatan": lambda row: row.events,
    "terdaftar": lambda row: row.registered,
    "tandatangan": lambda row: row.signed,
    "persen": lambda row: row.percent if row.percent is not None else -1,
    "cakupan": lambda row: row.coverage if row.coverage is not None else -1,
}


def elections(events: QuerySet[Event]) -> list[str]:
    """The elections of `events`, newest first (by their latest event), grouped by the database."""
    latest = (
        events.exclude(election="")
        .values("election")
        .annotate(latest=Max("starts_at"))
        .order_by("-latest", "election")
    )
    return [row["election"] for row in latest]


def national_picture(
    events: QuerySet[Event],
    election: str = "",
    province: str = "",
    sort: str = "nama",
    descending: bool = False,
) -> Picture:
    """Rows per province, or per kab/kota of `province`, over the held events of `events`."""
    held = events.exclude(status=Event.Status.DRAFT)
    if election:
        held = held.filter(election=election)
    if province:
        held = held.filter(Q(region_id=province) | Q(region__code__startswith=province + "."))
    width = 5 if province else 2
    # The summaries as text, parsed by orjson: Django's JSON decoding of two thousand
    # of them took most of the page's time (bench/national_rehearsal.py).
    listed = [
        (pk, region_id, status, orjson.loads(summary) if summary is not None else None)
        for pk, region_id, status, summary in held.values_list(
            "pk", "region_id", "status", Cast("final_summary", TextField())
        )
    ]
    live = summarize_events(
        pk
        for pk, _region, status, summary in listed
        if status != Event.Status.CLOSED or summary is None
    )
    rows: dict[str, Row] = {}
    for pk, region_id, _status, summary in listed:
        summary = live.get(pk) or summary
        code = region_id[:width]
        row = rows.setdefault(code, Row(code, code))
        row.events += 1
        for category, (registered, signed) in summary["categories"].items():
            row.categories[category][0] += registered
            row.categories[category][1] += signed
        row.covered.update(summary["led"])
    totals = region_totals(width)
    names = dict(Region.objects.filter(code__in=rows).values_list("code", "name"))
    for code, row in rows.items():
        row.name = names.get(code, code)
        row.districts_total, row.villages_total = totals.get(code, (0, 0))
        row.count_covered()
    ordered = sorted(rows.values(), key=SORT_KEYS.get(sort, SORT_KEYS["nama"]), reverse=descending)
    return Picture(ordered, "regency" if province else "province", _total(ordered))


def _total(rows: list[Row]) -> Row:
    total = Row("", "Jumlah")
    for row in rows:
        total.events += row.events
        for category, (registered, signed) in row.categories.items():
            total.categories[category][0] += registered
            total.categories[category][1] += signed
        total.covered |= row.covered
        total.districts_total += row.districts_total
        total.villages_total += row.villages_total
    total.count_covered()
    return total


def region_totals(width: int) -> dict[str, tuple[int, int]]:
    """(kecamatan, desa/kelurahan) under each province (width 2) or kab/kota (width 5)."""
    key = f"national:region-totals:{width}"
    totals = cache.get(key)
    if totals is None:
        counted = defaultdict(lambda: [0, 0])
        rows = (
            Region.objects.filter(level__in=[Region.Level.DISTRICT, Region.Level.VILLAGE])
            .values("level", prefix=Substr("code", 1, width))
            .annotate(n=Count("code"))
            .order_by()
        )
        for row in rows:
            counted[row["prefix"]][row["level"] == Region.Level.VILLAGE] += row["n"]
        totals = {code: tuple(pair) for code, pair in counted.items()}
        cache.set(key, totals, REGION_TOTALS_SECONDS)
    return totals
