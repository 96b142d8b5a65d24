"""Storing one signature with its audit entry: the only statement that writes both.

`store_signature` is the one way a signature is stored; which statement it
runs depends on the database, and nothing above this module knows which.
The audit entry's columns come ready from `pledges.services.audit.entry_values`;
only its object id and the signer's name in its label are known here, from
the rows the statement reads and writes.
"""

from contextlib import nullcontext
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections, transaction

from pledges.core import chain as hashing
from pledges.db.audit_chain import append_entries, ensure_chain
from pledges.db.rows import insert_row, prepared_cursor, typed_values
from pledges.models import AuditEntry, PaperSignature, Signature

# Stands for the signer's name in the label the audit entry is given
# (`entry["object_repr"]`, built before the name is read): this module puts
# the name read from the signatory's row in its place. Only the label is
# searched for it, never the name put in.
NAME_SLOT = "\x1fnama\x1f"
REPR_LENGTH = AuditEntry._meta.get_field("object_repr").max_length


@dataclass(frozen=True)
class Stored:
    """What storing found: the signer's name (None: no such signatory in the event) and
    the new signature's id (None: a unique constraint kept it out)."""

    name: str | None
    pk: int | None


def store_signature(values: dict, event_id: int, entry: dict) -> Stored:
    """INSERT the signature of {field name: value} `values` and, if it went in, its entry.

    `entry` holds every column of the audit entry but `object_id` (the new
    signature's id), with NAME_SLOT in `object_repr` where the signer's name
    goes. Nothing is inserted when the signatory is not one of event
    `event_id`'s, already has a signature, or the idempotency key was used
    before; a concurrent insert for the same person or key waits for the
    other to commit and then inserts nothing. IntegrityError if the
    signatory's row went away meanwhile.
    """
    store = ONE_STATEMENT.get(connections[DEFAULT_DB_ALIAS].vendor, _in_transaction)
    return store(values, event_id, entry)


def _label(entry: dict, name: str) -> str:
    return entry["object_repr"].replace(NAME_SLOT, name)[:REPR_LENGTH]


# Written out: the ORM took longer to build a lookup by primary key than the
# database took to answer it (bench/kiosk_load.py).
SIGNATORY_SQL = "SELECT full_name FROM pledges_signatory WHERE id = %s AND event_id = %s"


def _in_transaction(values, event_id, entry) -> Stored:
    with transaction.atomic(), connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(SIGNATORY_SQL, [values["signatory_id"], event_id])
        row = cursor.fetchone()
        if row is None:
            return Stored(None, None)
        name = row[0]
        pk = insert_row(Signature, values, ignore_conflicts=True)
        if pk is not None:
            append_entries([{**entry, "object_id": str(pk), "object_repr": _label(entry, name)}])
    return Stored(name, pk)


# PostgreSQL does the same in one statement, so in one round trip and one
# implicit transaction: at 50 tablets the five round trips of the transaction
# above cost more than the work itself (bench/kiosk_load.py). The label is
# `_label`'s, in SQL: the slot replaced by the name, cut to REPR_LENGTH
# characters. The entry goes at the end of its event's hash chain with the
# hashes of `pledges.core.chain`, computed here in SQL: the UPDATE of the
# chain's row, last, locks it until the statement commits, so concurrent
# signatures of one event append one after the other (after the wait,
# PostgreSQL re-reads the row: the head the other one wrote). An event's chain
# row exists from its opening; if it does not, nothing is stored, and the
# row is made and the statement run again.
#
# The signatory is looked up by primary key alone, its event checked after:
# given both conditions at once, a planner whose statistics are stale (a list
# imported minutes ago) may walk the event's whole list instead, a scan per
# signature that grows with the list.
STORE_SQL = """
WITH found AS MATERIALIZED (
    SELECT id, full_name, event_id FROM pledges_signatory WHERE id = %s
), person AS (
    SELECT id, full_name FROM found WHERE event_id = %s
), stored AS (
    INSERT INTO pledges_signature ({signature_columns}) SELECT {signature_values} FROM person
    WHERE EXISTS (SELECT 1 FROM pledges_auditchain WHERE id = CAST(%s AS bigint))
    ON CONFLICT DO NOTHING RETURNING id
), labelled AS MATERIALIZED (
    SELECT stored.id::text AS object_id,
        left(replace(CAST(%s AS text), CAST(%s AS text), person.full_name), {length}) AS object_repr
    FROM stored, person
), personal AS MATERIALIZED (
    SELECT object_id, object_repr, encode(sha256(convert_to(
        length(object_repr)::text || ':' || object_repr || CAST(%s AS text), 'UTF8')), 'hex')
        AS digest
    FROM labelled
), linked AS (
    UPDATE pledges_auditchain AS chain SET
        length = chain.length + 1,
        previous = chain.head,
        head = encode(sha256(convert_to(chain.head || E'\\n' || (chain.length + 1)::text
            || E'\\n' || CAST(%s AS text) || E'\\n' || personal.object_id
            || E'\\n' || personal.digest, 'UTF8')), 'hex'),
        head_at = CAST(%s AS timestamptz)
    FROM personal WHERE chain.id = CAST(%s AS bigint)
    RETURNING chain.length, chain.previous, chain.head
), logged AS (
    INSERT INTO pledges_auditentry ({audit_columns}, object_id, object_repr,
        chain, seq, prev_hash, hash, personal_sha256)
    SELECT {audit_values}, personal.object_id, personal.object_repr,
        CAST(%s AS bigint), linked.length, linked.previous, linked.head, personal.digest
    FROM personal, linked
)
SELECT person.full_name, stored.id,
    EXISTS (SELECT 1 FROM pledges_auditchain WHERE id = CAST(%s AS bigint))
FROM person LEFT JOIN stored ON true
"""


def _in_one_statement(values, event_id, given_entry) -> Stored:
    entry = dict(given_entry)
    label = entry.pop("object_repr")
    del entry["object_id"]  # the statement's own: the id of the row it inserts
    key = entry.get("event_id") or 0
    fixed = hashing.fixed_text(
        key,
        entry["at"],
        entry["actor_id"],
        entry["station_id"],
        entry["action"],
        entry["object_type"],
    )
    signature_columns, signature_values, signature_params = typed_values(Signature, values)
    audit_columns, audit_values, audit_params = typed_values(AuditEntry, entry)
    sql = STORE_SQL.format(
        signature_columns=signature_columns,
        signature_values=signature_values,
        audit_columns=audit_columns,
        audit_values=audit_values,
        length=REPR_LENGTH,
    )
    params = [
        values["signatory_id"],
        event_id,
        *signature_params,
        key,
        label,
        NAME_SLOT,
        hashing.personal_suffix(entry["changes"]),
        fixed,
        entry["at"],
        key,
        *audit_params,
        key,
        key,
    ]
    # A savepoint only inside an outer transaction (tests): on its own the
    # statement is its own transaction, and BEGIN/COMMIT would be two more trips.
    in_atomic = not transaction.get_autocommit()
    with transaction.atomic() if in_atomic else nullcontext(), prepared_cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return Stored(None, None)
    name, pk, chained = row
    if pk is None and not chained:
        ensure_chain(key)
        return _in_one_statement(values, event_id, given_entry)
    return Stored(name, pk)


# The databases that store a signature in one statement; any other takes the transaction.
ONE_STATEMENT = {"postgresql": _in_one_statement}


def erase_signatures(ids: list[int]) -> None:
    """DELETE the signatures `ids` (and the records of their paper scans), inside the
    caller's transaction (personal data past retention).

    The one deletion a signature allows: the model and, on PostgreSQL, a
    trigger refuse any other.
    """
    connection = connections[DEFAULT_DB_ALIAS]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The only way past the trigger that keeps signatures immutable.
            cursor.execute("SET LOCAL netralitas.purge = 'on'")
        table, paper = Signature._meta.db_table, PaperSignature._meta.db_table
        for start in range(0, len(ids), 1000):
            chunk = ids[start : start + 1000]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {paper} WHERE signature_id IN ({marks})", chunk)
            cursor.execute(f"DELETE FROM {table} WHERE id IN ({marks})", chunk)
