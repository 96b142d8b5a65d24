"""The hot path's plain INSERTs store exactly what the ORM stores."""

import json

from django.utils import timezone

from pledges.db.rows import insert_row
from pledges.models import AuditEntry

CHANGES = [
    {"strokes": [[[80.9, 101.45, 16, 0.5], [1e-07, 2.5e16, 0, 1.0]]], "label": "Meja “1”"},
    # json.dumps writes integer keys as strings; orjson needs telling to.
    {1: "satu", "nested": {"2": [True, False, None]}},
    # Wider than 64 bits: orjson refuses it, so the field's own json.dumps writes it.
    {"big": 2**70, "negative": -(2**70)},
]


HASHES = ("prev_hash", "hash", "personal_sha256")


def test_insert_row_stores_json_exactly_as_the_orm_does(db):
    for number, changes in enumerate(CHANGES):
        values = {
            "at": timezone.now(),
            "action": "update",
            "object_type": "Uji",
            "object_id": "1",
            "object_repr": "uji",
            "changes": changes,
        }
        # Outside any real chain, at places of their own (a chain has one entry per place).
        by_orm = AuditEntry.objects.create(**values, chain=-1, seq=2 * number)
        plain = AuditEntry.objects.get(
            pk=insert_row(
                AuditEntry,
                {**values, "chain": -1, "seq": 2 * number + 1, **dict.fromkeys(HASHES, "")},
            )
        )
        by_orm.refresh_from_db()
        assert plain.changes == by_orm.changes == json.loads(json.dumps(changes))
