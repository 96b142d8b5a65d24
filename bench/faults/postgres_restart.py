"""Fault: PostgreSQL restarts while 20 tablets are submitting signatures.

    .venv/bin/pip install -e '.[bench]'
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/netralitas_faults_pg \\
        .venv/bin/python bench/faults/postgres_restart.py [--tablets 20] [--per-tablet 15]

Starts gunicorn as bench/kiosk_load.py does (docs/deploy's command line and
production settings) against PostgreSQL, binds each tablet as the binding
page does, then
runs tablets that behave like static/js/kiosk.js: each has a queue of
signatures arriving one per --interval seconds, sends them in order with an
idempotency key made once per signature, and retries the same signature
with the same key after a backoff of 1 s doubling to 60 s (plus up to
0.5 s of jitter) on what kiosk.js's send() retries: a network error, a
5xx, a 429, and any other 4xx whose answer carries no refusal code (an
answer not from the app, e.g. a proxy's). A 4xx with a code (a 403
"station_revoked", a 409 "already_signed", …) is the server's final word:
kiosk.js keeps that signature as undeliverable and never retries it, so
here it counts as refused. Once about a
third of the signatures are stored, it restarts the PostgreSQL cluster once
(`pg_ctlcluster --skip-systemctl-redirect <version> main restart`; the
cluster is started again in any case before the script ends).

PASS: every queued signature is stored exactly once: one signature per
signatory, as many as were queued, each idempotency key once, and one "sign"
audit entry each; no signature was refused.

The restart is brief but real: other PostgreSQL users on the machine see it.
Not part of the test suite; run it by hand, once.
"""

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.faults.common import Checks, log, recreate_postgres_database  # noqa: E402
from bench.kiosk_load import (  # noqa: E402
    Tablet,
    bind,
    prepare,
    setup_django,
    sign_body,
    signature_strokes,
    start_server,
    wait_until_up,
)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/netralitas_faults_pg"
SIGN_PATH = "/meja/api/tanda-tangan/"
# static/js/kiosk.js: how long it waits between attempts.
FIRST_BACKOFF_S, MAX_BACKOFF_S, REQUEST_TIMEOUT_S = 1.0, 60.0, 15.0


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tablets", type=int, default=20)
    parser.add_argument("--per-tablet", type=int, default=15)
    parser.add_argument(
        "--interval", type=float, default=1.0, help="seconds between one tablet's signers"
    )
    parser.add_argument("--port", type=int, default=8741)
    parser.add_argument("--cluster", help="PostgreSQL version (default: the only one)")
    return parser.parse_args()


class Outage:
    """What the tablets saw: every failed attempt, and when signatures got through."""

    def __init__(self, total):
        self.total = total
        self.stored = 0
        self.failures = []  # (time, what)
        self.retried = []  # seconds from first attempt to stored, for signatures that failed once
        self.refused = []
        self.enough_stored = asyncio.Event()

    def note_stored(self, first_attempt, attempts):
        self.stored += 1
        if attempts > 1:
            self.retried.append(time.perf_counter() - first_attempt)
        if self.stored >= self.total // 3:
            self.enough_stored.set()


def retried_by_kiosk(status, code) -> bool:
    """Whether kiosk.js's send() tries this answer again (else the refusal is final)."""
    if not isinstance(status, int) or status >= 500 or status == 429:
        return True
    return 400 <= status < 500 and not code


async def tablet(base_url, station_and_token, bodies, interval, outage):
    """One tablet emptying its queue as kiosk.js does; returns the keys it was told were stored."""
    import aiohttp

    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
    async with aiohttp.ClientSession(
        cookie_jar=aiohttp.DummyCookieJar(), timeout=timeout
    ) as session:
        device = Tablet(0)
        await bind(session, base_url, device, 0, station_and_token)
        start = time.perf_counter() + random.uniform(0, interval)
        backoff, stored_keys = FIRST_BACKOFF_S, []
        for number, body in enumerate(bodies):
            # The next signer finishes signing at their own pace; a backlog goes at once.
            await asyncio.sleep(max(0.0, start + number * interval - time.perf_counter()))
            first_attempt, attempts = time.perf_counter(), 0
            headers = device.headers(0, len(bodies) - number, post=True, base_url=base_url)
            while True:
                attempts += 1
                try:
                    async with session.post(
                        f"{base_url}{SIGN_PATH}", data=body, headers=headers
                    ) as response:
                        answer = await response.read()
                        status = response.status
                    try:
                        code = json.loads(answer).get("code") if status != 200 else None
                    except (ValueError, AttributeError):
                        code = None  # not the app's JSON: a proxy's page, say
                except (TimeoutError, aiohttp.ClientError) as error:
                    status, code = type(error).__name__, None
                if status == 200:
                    stored_keys.append(json.loads(body)["idempotency_key"])
                    outage.note_stored(first_attempt, attempts)
                    backoff = FIRST_BACKOFF_S
                    break
                if not retried_by_kiosk(status, code):
                    outage.refused.append(f"{status} {code}")
                    break
                outage.failures.append((time.perf_counter(), status))
                await asyncio.sleep(backoff + random.uniform(0, 0.5))
                backoff = min(backoff * 2, MAX_BACKOFF_S)
        return stored_keys


def cluster_version(requested):
    versions = sorted(os.listdir("/etc/postgresql"))
    if requested:
        return requested
    if len(versions) != 1:
        raise SystemExit(f"Several PostgreSQL versions {versions}: choose one with --cluster")
    return versions[0]


def pg_ctl(version, action):
    command = ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action]
    return subprocess.run(command, capture_output=True, text=True)


def ensure_cluster_running(version):
    status = pg_ctl(version, "status")
    if status.returncode != 0:
        log(f"PostgreSQL {version} is not running: starting it")
        started = pg_ctl(version, "start")
        print(started.stdout, started.stderr)


async def restart_when_busy(version, outage, restart_log):
    await outage.enough_stored.wait()
    log(f"{outage.stored} of {outage.total} stored: restarting PostgreSQL {version}")
    began = time.perf_counter()
    result = await asyncio.to_thread(pg_ctl, version, "restart")
    ended = time.perf_counter()
    restart_log.update(began=began, ended=ended, returncode=result.returncode)
    log(f"pg_ctlcluster restart returned {result.returncode} after {ended - began:.2f} s")
    if result.returncode:
        print(result.stdout, result.stderr)


async def run_tablets(base_url, event, stations, people, interval, version):
    rng = random.Random(6)
    per_tablet = len(people) // len(stations)
    bodies = [
        [
            sign_body(
                person, signature_strokes(rng), station.pk, event.pk, event.frozen_pledge_sha256
            )
            for person in people[number * per_tablet : (number + 1) * per_tablet]
        ]
        for number, (station, _token) in enumerate(stations)
    ]
    outage = Outage(sum(len(tablet_bodies) for tablet_bodies in bodies))
    restart_log = {}
    restarter = asyncio.create_task(restart_when_busy(version, outage, restart_log))
    results = await asyncio.gather(
        *(
            tablet(base_url, station_and_token, tablet_bodies, interval, outage)
            for station_and_token, tablet_bodies in zip(stations, bodies, strict=True)
        )
    )
    if not restarter.done():
        restarter.cancel()
    queued_keys = [json.loads(body)["idempotency_key"] for group in bodies for body in group]
    return outage, restart_log, queued_keys, [key for keys in results for key in keys]


def report_outage(outage, restart_log):
    if not outage.failures:
        print("No failed attempt was seen.")
        return
    times = [moment for moment, _ in outage.failures]
    kinds = Counter(str(what) for _, what in outage.failures)
    summary = ", ".join(f"{kind}×{count}" for kind, count in kinds.items())
    print(f"Failed attempts: {len(outage.failures)} — {summary}")
    if restart_log:
        print(
            f"  first failure {times[0] - restart_log['began']:+.2f} s, last failure "
            f"{times[-1] - restart_log['began']:+.2f} s from the restart command "
            f"(which took {restart_log['ended'] - restart_log['began']:.2f} s)"
        )
    if outage.retried:
        retried = sorted(outage.retried)
        print(
            f"  {len(retried)} signatures needed retries; from first attempt to stored: "
            f"median {retried[len(retried) // 2]:.1f} s, longest {retried[-1]:.1f} s"
        )


def verify(checks, event, queued_keys, acknowledged_keys, outage, restart_log):
    from django.db import connection
    from django.db.models import Count

    from pledges.models import AuditEntry, Signature

    connection.close()  # ours died with the restart
    signatures = Signature.objects.filter(signatory__event=event)
    stored_keys = [str(key) for key in signatures.values_list("idempotency_key", flat=True)]
    per_signatory = Counter(
        signatures.values("signatory").annotate(n=Count("pk")).values_list("n", flat=True)
    )
    unsigned = event.signatories.filter(signature__isnull=True).count()
    signs = AuditEntry.objects.filter(action="sign", object_type="Signature").filter(
        object_id__in=[str(pk) for pk in signatures.values_list("pk", flat=True)]
    )
    checks.check(restart_log.get("returncode") == 0, "PostgreSQL was restarted mid-run")
    checks.check(bool(outage.failures), f"tablets met the outage ({len(outage.failures)} failures)")
    checks.check(not outage.refused, f"no signature refused ({outage.refused})")
    stored, queued = len(stored_keys), len(queued_keys)
    checks.check(stored == queued, f"{stored} stored of {queued} queued")
    checks.check(set(per_signatory) == {1} and unsigned == 0, "one signature per signatory")
    checks.check(
        Counter(stored_keys) == Counter(queued_keys), "every idempotency key stored exactly once"
    )
    checks.check(
        Counter(acknowledged_keys) == Counter(queued_keys), "every tablet got its answer for each"
    )
    checks.check(signs.count() == len(queued_keys), f"{signs.count()} 'sign' audit entries")


def main():
    args = parse_args()
    database_url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    if not database_url.startswith("postgres"):
        raise SystemExit("This fault needs PostgreSQL: set DATABASE_URL=postgres://…")
    checks = Checks("PostgreSQL restarted while tablets submit")
    version = cluster_version(args.cluster)
    recreate_postgres_database(database_url)
    setup_django(database_url)
    log(f"preparing {args.tablets} stations × {args.per_tablet} signatories")
    event, stations, people = prepare(
        args.tablets, args.tablets * args.per_tablet, random.Random(5)
    )
    base_url = f"http://127.0.0.1:{args.port}"
    # The server's tracebacks during the outage go to a file, not over the report.
    server_log_path = Path(tempfile.gettempdir()) / f"netralitas-faults-gunicorn-{args.port}.log"
    server_log = server_log_path.open("w")
    server = start_server(args.port, database_url, stderr=server_log)
    error = None
    try:
        asyncio.run(wait_until_up(base_url, server))
        log(f"gunicorn up on port {args.port}; tablets start")
        started = time.perf_counter()
        outage, restart_log, queued, acknowledged = asyncio.run(
            run_tablets(base_url, event, stations, people, args.interval, version)
        )
        log(f"all tablets emptied their queues in {time.perf_counter() - started:.1f} s")
        report_outage(outage, restart_log)
        verify(checks, event, queued, acknowledged, outage, restart_log)
    except Exception as failure:
        error = failure
    finally:
        server.terminate()
        server.wait(timeout=20)
        server_log.close()
        ensure_cluster_running(version)
    database_errors = server_log_path.read_text().count("OperationalError:")
    print(f"server log {server_log_path}: {database_errors} OperationalError tracebacks")
    checks.finish(error)


if __name__ == "__main__":
    main()
