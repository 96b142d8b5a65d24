"""Indonesian dates and times for documents, independent of the active locale.

Tasks run outside any request, so the locale may be English or unset there;
these spell the words themselves: "Senin, 23 September 2024", "09.00 WITA".
"""

from datetime import datetime

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


def long_date(moment: datetime, region) -> str:
    """The day and date of `moment` in `region`'s time zone: "Senin, 23 September 2024"."""
    local = moment.astimezone(region.time_zone)
    return f"{DAYS[local.weekday()]}, {local.day} {MONTHS[local.month - 1]} {local.year}"


def clock_time(moment: datetime, region) -> str:
    """The time of `moment` in `region`'s time zone with its zone: "09.00 WITA"."""
    local = moment.astimezone(region.time_zone)
    return f"{local:%H.%M} {region.time_zone_abbreviation}"
