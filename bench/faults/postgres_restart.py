"""Fault: PostgreSQL restarts while 20 tablets are submitting signatures.

    .venv/bin/pip install -e '.[bench]'
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/netralitas_faults_pg \\
        .venv/bin/python bench/faults/postgres_restart.py [--tablets 20] [--per-tablet 15]

Starts gunicorn (the harness of bench/kiosk_load.py) against PostgreSQL, then
runs tablets that behave like static/js/kiosk.js: each has a queue of
signatures arriving one per --interval seconds, sends them in order with an
idempotency key made once per signature, and on a network error, a 5xx,
403, 408 or 429 retries the same signature with the same key after a
backoff of 1 s doubling to 60 s (plus up to 0.5 s of jitter). Once about a
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
    prepare,
    request_bodies,
    setup_django,
    start_gunicorn,
    wait_until_up,
)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/netralitas_faults_pg"
SIGN_PATH = "/meja/api/tanda-tangan/"
# static/js/kiosk.js: what it retries, and how long it waits.
RETRY_STATUSES = {403, 408, 429}
FIRST_BACKOFF_S, MAX_BACKOFF_S, REQUEST_TIMEOUT_S = 1.0, 60.0, 15.0


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tablets", type=int, default=20)
    parser.add_argument("--per-tablet", type=int, default=15)
    parser.add_argument(
        "--interval", type=float, default=1.0, help="seconds between one tablet's signers"
    )
    parser.add_argument("--port", type=int, default=8401)
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


async def tablet(base_url, token, bodies, interval, outage):
    """One tablet emptying its queue as kiosk.js does; returns the keys it was told were stored."""
    import aiohttp
    from yarl import URL

    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
    async with aiohttp.ClientSession(
        cookie_jar=aiohttp.CookieJar(unsafe=True), timeout=timeout
    ) as session:
        async with session.get(f"{base_url}/meja/{token}/") as response:
            assert response.status == 200, f"binding failed: {response.status}"
        csrf = session.cookie_jar.filter_cookies(URL(base_url)).get("csrftoken").value
        start = time.perf_counter() + random.uniform(0, interval)
        backoff, stored_keys = FIRST_BACKOFF_S, []
        for number, body in enumerate(bodies):
            # The next signer finishes signing at their own pace; a backlog goes at once.
            await asyncio.sleep(max(0.0, start + number * interval - time.perf_counter()))
            first_attempt, attempts = time.perf_counter(), 0
            headers = {
                "X-CSRFToken": csrf,
                "Content-Type": "application/json",
                "X-Pending-Signatures": str(len(bodies) - number),
            }
            while True:
                attempts += 1
                try:
                    async with session.post(
                        f"{base_url}{SIGN_PATH}", data=body, headers=headers
                    ) as response:
                        await response.read()
                        status = response.status
                except (TimeoutError, aiohttp.ClientError) as error:
                    status = type(error).__name__
                if status == 200:
                    stored_keys.append(json.loads(body)["idempotency_key"])
                    outage.note_stored(first_attempt, attempts)
                    backoff = FIRST_BACKOFF_S
                    break
                refused = isinstance(status, int) and 400 <= status < 500
                if refused and status not in RETRY_STATUSES:
                    outage.refused.append(status)
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


async def run_tablets(base_url, plan, sha, interval, version):
    bodies = [request_bodies(ids, sha, seed) for seed, (_token, ids) in enumerate(plan)]
    outage = Outage(sum(len(tablet_bodies) for tablet_bodies in bodies))
    restart_log = {}
    restarter = asyncio.create_task(restart_when_busy(version, outage, restart_log))
    results = await asyncio.gather(
        *(
            tablet(base_url, token, tablet_bodies, interval, outage)
            for (token, _ids), tablet_bodies in zip(plan, bodies, strict=True)
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
    event, plan = prepare(args.tablets, args.per_tablet)
    base_url = f"http://127.0.0.1:{args.port}"
    # The server's tracebacks during the outage go to a file, not over the report.
    server_log_path = Path(tempfile.gettempdir()) / f"netralitas-faults-gunicorn-{args.port}.log"
    server_log = server_log_path.open("w")
    server = start_gunicorn(args.port, 2, 8, database_url, stderr=server_log)
    error = None
    try:
        asyncio.run(wait_until_up(base_url, server))
        log(f"gunicorn up on port {args.port}; tablets start")
        started = time.perf_counter()
        outage, restart_log, queued, acknowledged = asyncio.run(
            run_tablets(base_url, plan, event.frozen_pledge_sha256, args.interval, version)
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
