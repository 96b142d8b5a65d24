"""Appending audit entries at the end of their hash chain (`pledges.core.chain`).

The chain's row in `pledges_auditchain` is the lock: the UPDATE that reserves
the next positions locks it until the transaction ends, so appends to one
chain (one event) wait for each other, and never fork or skip, while other
events' chains go on. The lock is taken last, once everything else of the
entry is known. A signature's entry is appended by the statement that stores
the signature (`pledges.db.signatures`), with the same hashes computed in SQL.
"""

from django.db import DEFAULT_DB_ALIAS, connections, transaction

from pledges.core import chain as hashing
from pledges.db.rows import insert_row, prepared_cursor, typed_values
from pledges.models import AuditChain, AuditEntry

CHAIN_TABLE = AuditChain._meta.db_table
RESERVE_SQL = f"UPDATE {CHAIN_TABLE} SET length = length + %s WHERE id = %s RETURNING length, head"
CREATE_SQL = (
    f"INSERT INTO {CHAIN_TABLE} (id, length, head, previous) VALUES (%s, 0, %s, %s) "
    "ON CONFLICT DO NOTHING"
)
HEAD_SQL = f"UPDATE {CHAIN_TABLE} SET head = %s, previous = %s, head_at = %s WHERE id = %s"


# On PostgreSQL one entry goes in one statement (one round trip, and in
# autocommit its own transaction, so the lock lasts only that statement): the
# chain's row is updated with the hash computed in SQL from the parts Python
# knows, and the entry inserted with what the UPDATE returns.
APPEND_SQL = f"""
WITH linked AS (
    UPDATE {CHAIN_TABLE} AS chain SET
        length = chain.length + 1,
        previous = chain.head,
        head = encode(sha256(convert_to(chain.head || E'\\n' || (chain.length + 1)::text
            || E'\\n' || CAST(%s AS text), 'UTF8')), 'hex'),
        head_at = CAST(%s AS timestamptz)
    WHERE chain.id = CAST(%s AS bigint)
    RETURNING chain.length, chain.previous, chain.head
)
INSERT INTO {AuditEntry._meta.db_table} ({{columns}}, seq, prev_hash, hash)
SELECT {{values}}, linked.length, linked.previous, linked.head FROM linked
RETURNING id
"""


def chain_key(values: dict) -> int:
    """The chain an entry of {field name: value} belongs to: its event's, else 0."""
    return values.get("event_id") or 0


def ensure_chain(key: int) -> None:
    """Create chain `key`'s row (empty) if it does not exist yet."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(CREATE_SQL, [key, hashing.GENESIS, hashing.GENESIS])


def append_entries(entries: list[dict]) -> None:
    """Store `entries` ({field name: value}, all but the chain's fields), each at the
    end of its chain, in order; one transaction (the caller's, if any) for all."""
    if len(entries) == 1 and connections[DEFAULT_DB_ALIAS].vendor == "postgresql":
        return _append_one_statement(entries[0])
    by_chain: dict[int, list[dict]] = {}
    for values in entries:
        by_chain.setdefault(chain_key(values), []).append(values)
    with transaction.atomic(savepoint=False):
        # Always in the same order, so two appends to the same chains cannot deadlock.
        for key in sorted(by_chain):
            _append(key, by_chain[key])


def _append_one_statement(values: dict) -> None:
    key = chain_key(values)
    personal = hashing.personal_sha256(values["object_repr"], values["changes"])
    fixed = hashing.fixed_text(
        key,
        values["at"],
        values.get("actor_id"),
        values.get("station_id"),
        values["action"],
        values["object_type"],
    )
    row = {**values, "chain": key, "personal_sha256": personal}
    columns, placeholders, params = typed_values(AuditEntry, row)
    sql = APPEND_SQL.format(columns=columns, values=placeholders)
    tail = f"{fixed}\n{values['object_id']}\n{personal}"
    with prepared_cursor() as cursor:
        cursor.execute(sql, [tail, values["at"], key, *params])
        stored = cursor.fetchone()
    if stored is None:  # the chain's first entry: make its row, then append
        ensure_chain(key)
        _append_one_statement(values)


def _reserve(cursor, key: int, count: int) -> tuple[int, str]:
    cursor.execute(RESERVE_SQL, [count, key])
    row = cursor.fetchone()
    if row is None:
        cursor.execute(CREATE_SQL, [key, hashing.GENESIS, hashing.GENESIS])
        cursor.execute(RESERVE_SQL, [count, key])
        row = cursor.fetchone()
    return row


def linked_values(key: int, seq: int, prev_hash: str, values: dict) -> dict:
    """`values` with the chain fields of the entry at `seq` after `prev_hash`."""
    personal = hashing.personal_sha256(values["object_repr"], values["changes"])
    fixed = hashing.fixed_text(
        key,
        values["at"],
        values.get("actor_id"),
        values.get("station_id"),
        values["action"],
        values["object_type"],
    )
    return {
        **values,
        "chain": key,
        "seq": seq,
        "prev_hash": prev_hash,
        "hash": hashing.link_hash(prev_hash, seq, fixed, values["object_id"], personal),
        "personal_sha256": personal,
    }


def _append(key: int, group: list[dict]) -> None:
    connection = connections[DEFAULT_DB_ALIAS]
    with connection.cursor() as cursor:
        length, head = _reserve(cursor, key, len(group))
        seq, previous, rows = length - len(group), head, []
        for values in group:
            seq += 1
            rows.append(linked_values(key, seq, head, values))
            previous, head = head, rows[-1]["hash"]
        if len(rows) == 1:
            insert_row(AuditEntry, rows[0])
        else:
            AuditEntry.objects.bulk_create([AuditEntry(**row) for row in rows], batch_size=500)
        cursor.execute(HEAD_SQL, [head, previous, group[-1]["at"], key])


def chain_head(key: int) -> AuditChain | None:
    """Chain `key`'s length, head and time of its last entry now (None: no entry yet)."""
    return AuditChain.objects.filter(pk=key).first()
