"""The first query of every kiosk call: the station a tablet is bound to, with its event."""

from pledges.db.rows import fetch_loaded
from pledges.models import Event, SigningStation

# Written out: the ORM took four times longer to build it than the database to
# answer it (bench/kiosk_load.py). It loads the station and just the event
# fields a kiosk call reads; any other is loaded if read.
STATION_FIELDS = (
    "id",
    "event_id",
    "label",
    "last_seen_at",
    "pending_signatures",
    "undeliverable_signatures",
    "storage_low",
    "revoked_at",
)
STATION_EVENT_FIELDS = (
    "id",
    "status",
    "title",
    # The clock a signature is labelled on (its audit entry's label): read on every sign.
    "region_id",
    "allow_walk_ins",
    "allow_representatives",
    "frozen_pledge_sha256",
)
STATION_SQL = (
    "SELECT {}, {} FROM pledges_signingstation st"
    " JOIN pledges_event e ON e.id = st.event_id WHERE st.id = %s"
).format(
    ", ".join(f"st.{name}" for name in STATION_FIELDS),
    ", ".join(f"e.{name}" for name in STATION_EVENT_FIELDS),
)


def station_with_event(station_id: int) -> SigningStation | None:
    """Station `station_id` with its `event` (few fields loaded, see above); None if none."""
    found = fetch_loaded(
        STATION_SQL,
        [station_id],
        (SigningStation, STATION_FIELDS),
        (Event, STATION_EVENT_FIELDS),
    )
    if not found:
        return None
    station, station.event = found
    return station
