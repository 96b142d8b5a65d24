"""Load benchmark: 50 tablets submitting signatures at once, against the framework's limit.

Starts gunicorn on a free port against PostgreSQL (DATABASE_URL, default the
kiosk branch's database), prepares an open event with one signatory per
submission and one station per tablet, then runs the same concurrent load
twice: against the real signing API (/meja/api/tanda-tangan/) and against a
bench-only view that parses the same JSON and does one INSERT (and, at saturation, one
that INSERTs the whole payload as jsonb). Prints
requests per second, p50/p95/p99 latency and errors for both, and their ratio.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python bench/kiosk_load.py --reset [--tablets 50] [--per-tablet 40]
"""

import argparse
import asyncio
import json
import math
import os
import random
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

from yarl import URL

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.postgres import create_database_if_missing  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/netralitas_kiosk"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tablets", type=int, default=50)
    parser.add_argument("--per-tablet", type=int, default=40, help="signatures per tablet")
    # 2 cores: one process per core gets past the GIL; threads in each let
    # one request's Python run while another waits on PostgreSQL.
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument(
        "--interval",
        type=float,
        default=2.0,
        help="paced phase: seconds between one tablet's submissions",
    )
    parser.add_argument("--paced-per-tablet", type=int, default=10)
    parser.add_argument(
        "--reset",
        action="store_true",
        help="drop and recreate the database first, so that every run starts from the same state",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=4,
        help="alternate minimal and signing runs this many times, so both meet the same noise",
    )
    return parser.parse_args()


def setup_django(database_url):
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()


def prepare(tablets, per_tablet):
    """An open event with tablets × per_tablet signatories and one station per tablet."""
    from django.core.management import call_command
    from django.db import connection

    from bench.views import TABLE_SQL
    from pledges.models import BawasluUnit, Event, PledgeTemplate, Region, Signatory
    from pledges.services.events import open_event
    from pledges.services.signing import open_station
    from pledges.services.templates import load_shipped_templates

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(TABLE_SQL)
    load_shipped_templates()
    Region.objects.get_or_create(code="35", defaults={"name": "Jawa Timur", "level": "province"})
    region, _ = Region.objects.get_or_create(
        code="35.75", defaults={"name": "Kota Pasuruan", "level": "regency", "parent_id": "35"}
    )
    unit, _ = BawasluUnit.objects.get_or_create(
        name="Bawaslu Kota Pasuruan (uji beban)",
        defaults={"level": BawasluUnit.Level.KABKOTA, "region": region},
    )
    event = open_event(
        Event.objects.create(
            unit=unit,
            region=region,
            template=PledgeTemplate.objects.filter(is_current=True).first(),
            title=f"Uji beban meja tanda tangan {time.strftime('%Y-%m-%d %H:%M:%S')}",
            kind=Event.Kind.SOSIALISASI,
            election="Pemilihan Serentak 2024",
            starts_at=time.strftime("%Y-%m-%dT09:00:00+07:00"),
            venue="Aula uji beban",
        )
    )
    signatories = Signatory.objects.bulk_create(
        Signatory(
            event=event,
            full_name=f"Peserta {number:05d}",
            position="Kepala Seksi",
            category=Signatory.Category.ASN_LAINNYA,
            agency="Pemkot Pasuruan",
        )
        for number in range(tablets * per_tablet)
    )
    ids = [signatory.pk for signatory in signatories]
    stations = [open_station(event, f"Meja {number + 1}") for number in range(tablets)]
    return event, [
        (token, ids[number * per_tablet : (number + 1) * per_tablet])
        for number, (_station, token) in enumerate(stations)
    ]


def realistic_strokes(rng):
    """Three strokes, about 300 points: what a hand-written signature sends."""
    strokes, t = [], 0
    for stroke_number in range(3):
        x, y, points = 80 + stroke_number * 180, 160, []
        for _ in range(100):
            x += rng.uniform(0.5, 3.5)
            y = 160 + 60 * math.sin(x / 17) + rng.uniform(-2, 2)
            t += 16
            points.append([round(x, 2), round(y, 2), t, 0.5])
        strokes.append(points)
        t += 250
    return strokes


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port, workers, threads, database_url, **popen_options):
    """gunicorn serving bench.settings; `popen_options` go to Popen (e.g. stderr=a log file)."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "false",
        "DB_CONN_MAX_AGE": "60",
        "LOG_LEVEL": "WARNING",
        # The per-tablet limit still runs (its cost is measured) but does not
        # refuse: a simulated tablet at saturation signs far faster than people.
        "KIOSK_SIGN_RATE": "1000000/m",
        # As in production: a signature queues its PDF for a worker (none runs
        # here) instead of rendering it in the request, as the immediate
        # backend of development would.
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
    }
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "netralitas.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        "--worker-class=gthread",
        f"--workers={workers}",
        f"--threads={threads}",
        "--log-level=warning",
        # Tablets keep their connection between signers; gunicorn's default
        # of 2 s races the paced tablets' next request.
        "--keep-alive=75",
    ]
    return subprocess.Popen(command, cwd=BASE_DIR, env=env, **popen_options)


async def wait_until_up(base_url, process):
    import aiohttp

    async with aiohttp.ClientSession() as session:
        for _ in range(100):
            if process.poll() is not None:
                raise SystemExit("gunicorn exited early")
            try:
                async with session.get(f"{base_url}/masuk/") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)
    raise SystemExit("gunicorn did not answer")


def request_bodies(signatory_ids, pledge_sha256, seed):
    # Made before the clock starts, so the client's own work stays out of the figures.
    rng = random.Random(seed)
    return [
        json.dumps(
            {
                "idempotency_key": str(uuid.uuid4()),
                "signatory_id": signatory_id,
                "strokes": realistic_strokes(rng),
                "pledge_sha256": pledge_sha256,
                "canvas_width": 800,
                "canvas_height": 320,
            }
        )
        for signatory_id in signatory_ids
    ]


async def tablet(base_url, token, bodies, url_path, interval):
    """One tablet: bind to its station, then send its signatures.

    With `interval` 0 it sends the next as soon as the last is answered
    (saturation); otherwise one every `interval` seconds from a random start.
    """
    import aiohttp

    latencies, errors = [], []
    async with aiohttp.ClientSession(
        cookie_jar=aiohttp.CookieJar(unsafe=True),
        timeout=aiohttp.ClientTimeout(total=30),
    ) as session:
        # As the binding page's script does: load it (CSRF cookie), POST the token.
        async with session.get(f"{base_url}/meja/hubungkan/") as response:
            assert response.status == 200, f"binding page failed: {response.status}"
        csrf = session.cookie_jar.filter_cookies(URL(base_url)).get("csrftoken").value
        async with session.post(
            f"{base_url}/meja/hubungkan/", json={"token": token}, headers={"X-CSRFToken": csrf}
        ) as response:
            assert response.status == 200, f"binding failed: {response.status}"
        headers = {
            "X-CSRFToken": csrf,
            "X-Pending-Signatures": "0",
            "Content-Type": "application/json",
        }
        next_at = time.perf_counter() + random.uniform(0, interval)
        for body in bodies:
            if interval:
                await asyncio.sleep(max(0, next_at - time.perf_counter()))
                next_at += interval
            started = time.perf_counter()
            try:
                async with session.post(
                    f"{base_url}{url_path}", data=body, headers=headers
                ) as response:
                    await response.read()
                    if response.status != 200:
                        errors.append(response.status)
            except (TimeoutError, aiohttp.ClientError) as error:
                errors.append(type(error).__name__)
            latencies.append(time.perf_counter() - started)
    return latencies, errors


async def run_load(base_url, plan, pledge_sha256, url_path, interval=0.0):
    """Every tablet of `plan` at once; returns (latencies, errors, elapsed seconds)."""
    bodies = [request_bodies(ids, pledge_sha256, seed) for seed, (_token, ids) in enumerate(plan)]
    started = time.perf_counter()
    results = await asyncio.gather(
        *(
            tablet(base_url, token, tablet_bodies, url_path, interval)
            for (token, _ids), tablet_bodies in zip(plan, bodies, strict=True)
        )
    )
    elapsed = time.perf_counter() - started
    latencies = [value for result in results for value in result[0]]
    errors = [error for result in results for error in result[1]]
    return latencies, errors, elapsed


def summarize(runs):
    latencies = sorted(value for run in runs for value in run[0])
    errors = [error for run in runs for error in run[1]]
    elapsed = sum(run[2] for run in runs)
    return {
        "requests": len(latencies),
        "errors": len(errors),
        "error_kinds": sorted(set(map(str, errors))),
        "rps": len(latencies) / elapsed,
        "p50": percentile(latencies, 50),
        "p95": percentile(latencies, 95),
        "p99": percentile(latencies, 99),
    }


def in_rounds(plan, rounds):
    """Split each tablet's signatories into `rounds` consecutive parts."""
    parts = []
    for number in range(rounds):
        parts.append([(token, ids[number::rounds]) for token, ids in plan])
    return parts


def percentile(sorted_values, q):
    index = max(0, math.ceil(len(sorted_values) * q / 100) - 1)
    return sorted_values[index] * 1000


def report(name, result):
    print(
        f"{name:<34} {result['requests']:>6} req  {result['errors']:>4} errors  "
        f"{result['rps']:>7.1f} req/s  p50 {result['p50']:6.1f} ms  "
        f"p95 {result['p95']:6.1f} ms  p99 {result['p99']:6.1f} ms"
        + (f"  ({', '.join(result['error_kinds'])})" if result["errors"] else "")
    )


def main():
    args = parse_args()
    database_url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    if not database_url.startswith("postgres"):
        raise SystemExit("The benchmark runs against PostgreSQL: set DATABASE_URL=postgres://…")
    create_database_if_missing(database_url, args.reset)
    setup_django(database_url)
    print(f"Preparing {args.tablets} stations × {args.per_tablet} signatories …")
    # Fresh people for each signing phase: the same ids would be refused as already signed.
    saturation_event, saturation_plan = prepare(args.tablets, args.per_tablet)
    paced_event, paced_plan = prepare(args.tablets, args.paced_per_tablet)
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    print(
        f"gunicorn gthread, {args.workers} workers × {args.threads} threads, "
        f"port {port}, {os.cpu_count()} CPUs; {args.tablets} tablets"
    )
    server = start_gunicorn(port, args.workers, args.threads, database_url)
    results = {}
    try:
        asyncio.run(wait_until_up(base_url, server))
        for phase, event, plan, interval in (
            ("saturation", saturation_event, saturation_plan, 0.0),
            ("paced", paced_event, paced_plan, args.interval),
        ):
            sha = event.frozen_pledge_sha256
            baseline_runs, payload_runs, signing_runs = [], [], []
            for part in in_rounds(plan, args.rounds):
                baseline_runs.append(
                    asyncio.run(run_load(base_url, part, sha, "/bench/insert/", interval))
                )
                if not interval:
                    payload_runs.append(
                        asyncio.run(run_load(base_url, part, sha, "/bench/insert-payload/"))
                    )
                signing_runs.append(
                    asyncio.run(run_load(base_url, part, sha, "/meja/api/tanda-tangan/", interval))
                )
            results[phase] = (summarize(baseline_runs), summarize(signing_runs))
            if payload_runs:
                results["payload"] = summarize(payload_runs)
    finally:
        server.terminate()
        server.wait(timeout=20)
    print_results(args, results, (saturation_event, paced_event))


def print_results(args, results, events):
    from pledges.models import Signature

    print("\nSaturation: each tablet sends its next signature as soon as one is answered")
    baseline, signing = results["saturation"]
    payload = results["payload"]
    report("minimal view (1 INSERT)", baseline)
    report("1 INSERT of the whole payload", payload)
    report("signing API", signing)
    print(f"throughput ratio signing/minimal: {signing['rps'] / baseline['rps']:.2f} (goal ≥ 0.50)")
    print(f"throughput ratio signing/payload INSERT: {signing['rps'] / payload['rps']:.2f}")
    offered = args.tablets / args.interval
    print(
        f"\nPaced: each tablet signs every {args.interval:g} s ({offered:.0f} signatures/s "
        "offered; a real signer needs 20–30 s)"
    )
    baseline, paced = results["paced"]
    report("minimal view (1 INSERT)", baseline)
    report("signing API", paced)
    print(f"signing p95 {paced['p95']:.1f} ms (goal < 150 ms)")
    errors = signing["errors"] + paced["errors"]
    print(f"\nsigning errors in both phases: {errors} (goal 0)")
    for event, result in zip(events, (signing, paced), strict=True):
        stored = Signature.objects.filter(signatory__event=event).count()
        print(f"signatures stored: {stored} of {result['requests']} submitted")
        if stored != result["requests"] - result["errors"]:
            raise SystemExit("stored signatures do not match successful submissions")


if __name__ == "__main__":
    main()
