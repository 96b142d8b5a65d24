"""Indonesian dates and times, independent of the active locale: the one clock.

Every time a person reads (staff pages, admin, exports, PDFs) goes through
`local_text`: in the time zone of the region it belongs to (an event's
region; for what is tied to no event, the unit's), always with its label.
Tasks run outside any request, so the locale may be English or unset there;
these spell the words themselves: "Senin, 23 September 2024", "09.00 WITA".
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from pledges.core.time_zones import WIB, Zone, time_zone_for

DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
MONTHS = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
STYLES = ("datetime", "date", "time", "short", "day", "stamp")


def zone_of(region) -> tuple[ZoneInfo, str]:
    """(zone, label) of a region (anything with a Kemendagri `code`, or the code itself);
    WIB when None (Bawaslu RI has no region: Jakarta's clock)."""
    if region is None:
        name, label = WIB
    elif isinstance(region, Zone):
        name, label = region.name, region.abbreviation
    else:
        name, label = time_zone_for(region if isinstance(region, str) else region.code)
    return ZoneInfo(name), label


def local_text(moment: datetime | None, region, style: str = "datetime") -> str:
    """`moment` as read in `region`'s time zone, labelled; "" for None.

    datetime: "Senin, 23 September 2024 09.00 WITA"   date: "Senin, 23 September 2024"
    short:    "23 Sep 2024 09.00 WITA"                time: "09.00 WITA"
    day:      "23 September 2024"                     stamp: "2024-09-23 09:00:00 WITA"
    """
    if moment is None:
        return ""
    zone, label = zone_of(region)
    local = moment.astimezone(zone)
    month = MONTHS[local.month - 1]
    if style == "date":
        return f"{DAYS[local.weekday()]}, {local.day} {month} {local.year}"
    if style == "day":
        return f"{local.day} {month} {local.year}"
    if style == "time":
        return f"{local:%H.%M} {label}"
    if style == "short":
        return f"{local.day} {month[:3]} {local.year} {local:%H.%M} {label}"
    if style == "stamp":
        return f"{local:%Y-%m-%d %H:%M:%S} {label}"
    if style == "datetime":
        return f"{DAYS[local.weekday()]}, {local.day} {month} {local.year} {local:%H.%M} {label}"
    raise ValueError(f"Gaya waktu tidak dikenal: {style!r}")


def long_date(moment: datetime, region) -> str:
    """The day and date of `moment` in `region`'s time zone: "Senin, 23 September 2024"."""
    return local_text(moment, region, "date")


def clock_time(moment: datetime, region) -> str:
    """The time of `moment` in `region`'s time zone with its zone: "09.00 WITA"."""
    return local_text(moment, region, "time")


def time_ago(moment: datetime, now: datetime) -> str:
    """How long ago, as a person says it: "baru saja", "5 menit lalu", "2 jam lalu"."""
    seconds = max(0, int((now - moment).total_seconds()))
    if seconds < 60:
        return "baru saja"
    for size, unit in ((86400, "hari"), (3600, "jam"), (60, "menit")):
        if seconds >= size:
            return f"{seconds // size} {unit} lalu"
    return "baru saja"  # pragma: no cover
