"""What the audit hash chain costs on PostgreSQL: per audit append, and per signature.

Drops and creates the database, opens one event with enough signatories, then
measures, in alternating rounds so both meet the same noise:

1. one audit entry appended by `audit.record` (the chain: lock the chain's row,
   hash, INSERT, write the head) against the plain INSERT it replaced, one thread;
2. one signature stored with its entry by the one statement of
   `pledges.db.signatures` (chained in SQL) against the same statement without
   the chain (as it was before), by 1 and by --threads threads on ONE event,
   the worst case: every signature waits for the chain's row lock.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/netralitas_bench_audit \\
        .venv/bin/python bench/audit_chain.py [--appends 1000] [--signatures 600] [--threads 8]
"""

import argparse
import os
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.postgres import create_database_if_missing  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/netralitas_bench_audit"

# The signature statement before the chain (commit 267ff0d), the baseline.
UNCHAINED_SQL = """
WITH found AS MATERIALIZED (
    SELECT id, full_name, event_id FROM pledges_signatory WHERE id = %s
), person AS (
    SELECT id, full_name FROM found WHERE event_id = %s
), stored AS (
    INSERT INTO pledges_signature ({signature_columns}) SELECT {signature_values} FROM person
    ON CONFLICT DO NOTHING RETURNING id
), logged AS (
    INSERT INTO pledges_auditentry ({audit_columns}, object_id, object_repr)
    SELECT {audit_values}, stored.id::text, left(replace(%s, %s, person.full_name), {length})
    FROM stored, person
)
SELECT person.full_name, stored.id FROM person LEFT JOIN stored ON true
"""


def setup(database_url):
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "netralitas.settings"
    import django

    django.setup()


def prepare(count):
    from django.core.management import call_command

    from pledges.models import BawasluUnit, Event, PledgeTemplate, Region, Signatory
    from pledges.services.events import open_event

    call_command("migrate", verbosity=0)
    region = Region.objects.create(code="35.75", name="Kota Pasuruan", level="regency")
    unit = BawasluUnit.objects.create(name="Bawaslu Kota Pasuruan", level="kabkota", region=region)
    event = Event.objects.create(
        unit=unit,
        region=region,
        template=PledgeTemplate.objects.get(slug="ikrar-netralitas-asn-pasuruan"),
        title="Bench",
        kind="sosialisasi",
        election="Pemilihan 2024",
        starts_at="2024-09-23T09:00:00+07:00",
        venue="Aula",
    )
    event = open_event(event)
    Signatory.objects.bulk_create(
        [
            Signatory(event=event, full_name=f"Peserta {n}", position="Staf", category="non_asn")
            for n in range(count)
        ]
    )
    return event, list(Signatory.objects.filter(event=event).values_list("pk", flat=True))


_outside = iter(range(1, 10**9))


def outside_chains(entry):
    """An unchained entry, kept out of every chain (and of the unique (chain, seq) index)."""
    return {
        **entry,
        "chain": -1,
        "seq": -next(_outside),
        "prev_hash": "",
        "hash": "",
        "personal_sha256": "",
    }


def unchained_store(values, event_id, entry):
    from pledges.db.rows import prepared_cursor, typed_values
    from pledges.db.signatures import NAME_SLOT, REPR_LENGTH
    from pledges.models import AuditEntry, Signature

    entry = outside_chains(entry)
    label = entry.pop("object_repr")
    del entry["object_id"]
    signature_columns, signature_values, signature_params = typed_values(Signature, values)
    audit_columns, audit_values, audit_params = typed_values(AuditEntry, entry)
    sql = UNCHAINED_SQL.format(
        signature_columns=signature_columns,
        signature_values=signature_values,
        audit_columns=audit_columns,
        audit_values=audit_values,
        length=REPR_LENGTH,
    )
    params = [values["signatory_id"], event_id, *signature_params, *audit_params]
    with prepared_cursor() as cursor:
        cursor.execute(sql, [*params, label, NAME_SLOT])
        return cursor.fetchone()


def signature_args(event, signatory_id):
    from django.utils import timezone

    from pledges.db.signatures import NAME_SLOT
    from pledges.models import Signatory, Signature
    from pledges.services import audit

    strokes = [[[10 + i, 10 + i % 7, i * 8, 0.5] for i in range(200)]]
    values = {
        "signatory_id": signatory_id,
        "signed_at": timezone.now(),
        "strokes": strokes,
        "svg": "<svg/>",
        "pledge_sha256": event.frozen_pledge_sha256,
        "client_ip": "10.0.0.1",
        "user_agent": "bench",
        "idempotency_key": uuid.uuid4(),
    }
    signature = Signature(**values)
    signature.signatory = Signatory(pk=signatory_id, full_name=NAME_SLOT, event=event)
    changes = {"signatory": signatory_id, "signed_at": values["signed_at"], "client_ip": "10.0.0.1"}
    entry = audit.entry_values("sign", signature, event, changes, at=values["signed_at"])
    return values, entry


def time_appends(event, count):
    from pledges.db.rows import insert_row
    from pledges.models import AuditEntry
    from pledges.services import audit

    def plain():
        entry = audit.entry_values("update", event, event, {"bench": 1})
        insert_row(AuditEntry, outside_chains(entry))

    def chained():
        audit.record("update", event, event, bench=1)

    results = {}
    for name, append in (("plain INSERT", plain), ("chained", chained)) * 2:
        started = time.perf_counter()
        for _ in range(count):
            append()
        results.setdefault(name, []).append((time.perf_counter() - started) / count * 1000)
    return {name: min(times) for name, times in results.items()}


def time_signatures(event, ids, threads, store):
    from django.db import connection

    latencies, lock = [], threading.Lock()
    chunks = [ids[n::threads] for n in range(threads)]
    barrier = threading.Barrier(threads)

    def run(chunk):
        barrier.wait()
        mine = []
        try:
            for signatory_id in chunk:
                values, entry = signature_args(event, signatory_id)
                started = time.perf_counter()
                store(values, event.pk, entry)
                mine.append(time.perf_counter() - started)
        finally:
            connection.close()
        with lock:
            latencies.extend(mine)

    workers = [threading.Thread(target=run, args=(chunk,)) for chunk in chunks]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "per_s": len(latencies) / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p95": latencies[int(len(latencies) * 0.95) - 1] * 1000,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--appends", type=int, default=1000)
    parser.add_argument("--signatures", type=int, default=600, help="per run")
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    if not database_url.startswith("postgres"):
        sys.exit("PostgreSQL only: set DATABASE_URL=postgres://…")
    create_database_if_missing(database_url, reset=True)
    setup(database_url)
    from pledges.db.signatures import store_signature
    from pledges.services.trail import check_chain

    runs = [(t, name) for t in (1, args.threads) for name in ("unchained", "chained")] * 2
    event, ids = prepare(args.signatures * len(runs))
    appends = time_appends(event, args.appends)
    print(f"audit append, 1 thread, {args.appends} each (best of 2):")
    for name, ms in appends.items():
        print(f"  {name:13} {ms:6.3f} ms per entry")
    stores = {"unchained": unchained_store, "chained": store_signature}
    figures = {}
    for number, (threads, name) in enumerate(runs):
        chunk = ids[number * args.signatures : (number + 1) * args.signatures]
        figures.setdefault((threads, name), []).append(
            time_signatures(event, chunk, threads, stores[name])
        )
    print(f"signature + its audit entry, one event, {args.signatures} per run (best of 2):")
    for (threads, name), results in figures.items():
        best = max(results, key=lambda result: result["per_s"])
        print(
            f"  {threads:2} thread(s) {name:9} {best['per_s']:7.0f} signatures/s"
            f"  p50 {best['p50']:6.2f} ms  p95 {best['p95']:6.2f} ms"
        )
    problem = check_chain(event.pk, set())
    print(f"event's chain ({event.pk}):", problem or "unbroken")


if __name__ == "__main__":
    main()
