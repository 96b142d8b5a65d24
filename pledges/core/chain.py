"""The audit trail's hash chain, as pure functions: what an entry's hash covers.

Each audit entry belongs to one chain (its event's id, or 0 for what happens
outside any event) and has a position `seq` in it. Its `hash` is the SHA-256
of the previous entry's hash, its position and its content; `prev_hash`
repeats the previous entry's hash. The content is hashed in two parts:

- the *fixed* part: chain, time (UTC, microseconds), actor id, station id,
  action, object type, and the object id;
- the *personal* part, `personal_sha256`: the SHA-256 of the label and the
  recorded changes. It is stored apart, so the retention purge may erase the
  label and changes (personal data, UU 27/2022) and the chain still verifies
  from the stored digest.

The text hashed is built the same way in Python and (for a signature, in the
statement that stores it) in PostgreSQL's SQL: `pledges.db.audit_chain`.
"""

import hashlib
import json
from datetime import UTC, datetime

GENESIS = "0" * 64


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _canonical(value):
    # jsonb keeps numbers, not spelling: 1e20 comes back as 100000000000000000000.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list | tuple):
        return [_canonical(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _canonical(item) for key, item in value.items()}
    return value


def changes_json(changes: dict) -> str:
    """The recorded changes as one canonical JSON text (sorted keys, no spaces)."""
    return json.dumps(
        _canonical(changes or {}), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )


def personal_suffix(changes: dict) -> str:
    """What follows the label in the personal text: a line break and the changes' JSON."""
    return "\n" + changes_json(changes)


def personal_sha256(object_repr: str, changes: dict) -> str:
    """SHA-256 of an entry's label and changes; the label is length-prefixed (unambiguous)."""
    return sha256_text(f"{len(object_repr)}:{object_repr}{personal_suffix(changes)}")


def time_text(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def fixed_text(chain: int, at: datetime, actor_id, station_id, action: str, object_type: str):
    """The part of an entry's hashed text known before it is stored (all but object id)."""
    return "\n".join(
        [
            str(chain),
            time_text(at),
            "" if actor_id is None else str(actor_id),
            "" if station_id is None else str(station_id),
            action,
            object_type,
        ]
    )


def link_hash(prev_hash: str, seq: int, fixed: str, object_id: str, personal: str) -> str:
    """The hash of the entry at `seq`, following the entry whose hash is `prev_hash`."""
    return sha256_text(f"{prev_hash}\n{seq}\n{fixed}\n{object_id}\n{personal}")


def short_hash(value: str) -> str:
    """A hash as printed for people: its first 16 hex digits in groups of four."""
    head = value[:16]
    return " ".join(head[i : i + 4] for i in range(0, len(head), 4)) if head else ""
