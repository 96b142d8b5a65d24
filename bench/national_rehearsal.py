"""National rehearsal: 1 million signatories and signatures in PostgreSQL, then page timings.

    .venv/bin/python bench/national_rehearsal.py            # fill (once) and time
    .venv/bin/python bench/national_rehearsal.py --reset    # drop, refill, time

Uses REHEARSAL_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/netralitas_rehearsal).
Fills with COPY: Bawaslu RI, 38 provinsi and 514 kabupaten/kota units, about four
events per kabupaten/kota (one of them a 600-signer event), 1,000,000 signatories,
95 % of them signed. Then prints the server time of the pages staff use on a
large event and of the nationwide count by province: the median of 5 runs after
one warm-up, measured around Django's test client (so it includes rendering).
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/netralitas_rehearsal"
TOTAL = 1_000_000
LARGE_EVENT = 600

sys.path.insert(0, str(BASE_DIR))

from bench.postgres import create_database_if_missing  # noqa: E402


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netralitas.settings")
    import django

    django.setup()


def copy_rows(cursor, table: str, columns: list[str], rows) -> None:
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def fill() -> None:
    from django.core.management import call_command
    from django.db import connection

    from pledges.core.text import search_key
    from pledges.models import BawasluUnit, Event, PledgeTemplate, Region, User
    from pledges.services.events import close_event, open_event

    call_command("migrate", verbosity=0)
    if Event.objects.exists():
        print("Database already filled; use --reset to refill.")
        return
    started = time.perf_counter()
    call_command("load_regions", verbosity=0)
    ri = BawasluUnit.objects.create(name="Bawaslu RI", level="ri")
    provinces = {
        region.code: BawasluUnit.objects.create(
            name=f"Bawaslu Provinsi {region.name}", level="provinsi", region=region, parent=ri
        )
        for region in Region.objects.filter(level="province")
    }
    kabkota = [
        BawasluUnit(
            name=f"Bawaslu {region.name}",
            level="kabkota",
            region=region,
            parent=provinces[region.code[:2]],
        )
        for region in Region.objects.filter(level="regency").order_by("code")
    ]
    BawasluUnit.objects.bulk_create(kabkota)
    kabkota = list(BawasluUnit.objects.filter(level="kabkota").select_related("region"))
    template = PledgeTemplate.objects.get(slug="ikrar-netralitas-asn-pasuruan", is_current=True)
    User.objects.create_user("pusat", password="x", is_staff=True, unit=ri)
    User.objects.create_user(
        "pasuruan",
        password="x",
        is_staff=True,
        unit=next(u for u in kabkota if u.region_id == "35.75"),
    )

    # One template event, opened properly, gives the frozen text every event carries.
    model = Event.objects.create(
        unit=kabkota[0],
        region=kabkota[0].region,
        template=template,
        title="contoh",
        starts_at=datetime(2024, 9, 1, 2, 0, tzinfo=UTC),
        venue="Aula",
    )
    open_event(model)
    model.refresh_from_db()
    frozen = (json.dumps(model.frozen_pledge), model.frozen_pledge_text, model.frozen_pledge_sha256)
    Event.objects.filter(pk=model.pk).delete()

    rng = random.Random(2024)
    # Event sizes: one 600-signer event in Kota Pasuruan, the rest filling up to TOTAL.
    plans = [(next(u for u in kabkota if u.region_id == "35.75"), LARGE_EVENT)]
    remaining = TOTAL - LARGE_EVENT
    while remaining > 0:
        size = min(remaining, rng.randint(50, 900))
        plans.append((rng.choice(kabkota), size))
        remaining -= size
    now = datetime.now(UTC)
    events = Event.objects.bulk_create(
        Event(
            unit=unit,
            region=unit.region,
            template=template,
            status="open",
            title=f"Sosialisasi Netralitas ASN {unit.region.name} #{number}",
            election="Pemilihan Serentak 2024",
            venue="Aula Kantor",
            starts_at=datetime(2024, 9, 1, 2, 0, tzinfo=UTC) + timedelta(days=number % 60),
            frozen_pledge=json.loads(frozen[0]),
            frozen_pledge_text=frozen[1],
            frozen_pledge_sha256=frozen[2],
            opened_at=now,
        )
        for number, (unit, _) in enumerate(plans)
    )
    # Regions each kind of leader may lead, per kabupaten/kota (code prefix "pp.rr").
    led_regions: dict[tuple[str, str], list[str]] = {}
    for code, level in Region.objects.filter(level__in=["district", "village"]).values_list(
        "code", "level"
    ):
        led_regions.setdefault((level, code[:5]), []).append(code)
    leader_level = {"camat": "district", "lurah": "village", "kepala_desa": "village"}

    categories = ["kepala_opd"] * 3 + ["asn_lainnya"] * 14 + ["camat", "lurah", "kepala_desa"]
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 600 200">'
        '<path d="M40 120l30-40 25 60 30-70 40 50 60-20"/></svg>'
    )
    strokes = json.dumps(
        [
            [
                [40, 120, 0, 0.5],
                [70, 80, 30, 0.5],
                [95, 140, 60, 0.5],
            ]
        ]
    )
    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor
        next_id = 1
        signatory_rows, signature_rows = [], []
        for event, (unit, size) in zip(events, plans, strict=True):
            for _ in range(size):
                category = rng.choice(categories)
                led = None
                if category in leader_level:
                    choices = led_regions.get((leader_level[category], unit.region_id), [])
                    led = rng.choice(choices) if choices else None
                    category = category if led else "asn_lainnya"
                birth = datetime(1965, 1, 1) + timedelta(days=rng.randint(0, 11000))
                tmt = f"{birth.year + 24}{rng.randint(1, 12):02d}"
                nip = f"{birth:%Y%m%d}{tmt}{rng.randint(1, 2)}{next_id % 1000:03d}"
                name = f"Pegawai {next_id}"
                signatory_rows.append(
                    (
                        next_id,
                        name,
                        nip,
                        "Analis Kebijakan",
                        category,
                        "Pemerintah Daerah",
                        led or None,
                        "import",
                        now,
                        event.pk,
                        # What Signatory.fill_search_text() stores, as bulk_create would.
                        search_key(f"{name} {nip} Analis Kebijakan Pemerintah Daerah"),
                    )
                )
                if rng.random() < 0.95:
                    signature_rows.append(
                        (
                            next_id,
                            event.starts_at + timedelta(minutes=rng.randint(0, 180)),
                            strokes,
                            svg,
                            frozen[2],
                            "10.0.0.1",
                            "bench",
                            uuid.uuid4().hex,
                            next_id,
                        )
                    )
                next_id += 1
        copy_rows(
            cursor,
            "pledges_signatory",
            [
                "id",
                "full_name",
                "nip",
                "position",
                "category",
                "agency",
                "led_region_id",
                "registration",
                "created_at",
                "event_id",
                "search_text",
            ],
            signatory_rows,
        )
        copy_rows(
            cursor,
            "pledges_signature",
            [
                "id",
                "signed_at",
                "strokes",
                "svg",
                "pledge_sha256",
                "client_ip",
                "user_agent",
                "idempotency_key",
                "signatory_id",
            ],
            signature_rows,
        )
        for table in ("pledges_signatory", "pledges_signature"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        cursor.execute("ANALYZE")
    # Close every event but the large one through the domain, which takes the final counts.
    for event in events[1:]:
        close_event(event)
    print(
        f"Filled {len(events):,} events, {len(signatory_rows):,} signatories, "
        f"{len(signature_rows):,} signatures in {time.perf_counter() - started:.0f} s"
    )


def timed(client, url: str, runs: int = 5) -> tuple[float, float, int, int]:
    """Median wall and CPU milliseconds of this process (CPU: what a loaded machine can't inflate;
    the database server's own time is in the wall figure only)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm-up
    samples, cpu = [], []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            samples.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
    return statistics.median(samples), statistics.median(cpu), response.status_code, len(queries)


def measure() -> None:
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from pledges.models import Event, User

    large = Event.objects.filter(region_id="35.75").order_by("pk").first()
    pasuruan, pusat = User.objects.get(username="pasuruan"), User.objects.get(username="pusat")
    pages = [
        ("staff home (Bawaslu RI: every event)", pusat, "staff:home", []),
        ("staff home (Kota Pasuruan)", pasuruan, "staff:home", []),
        ("event page, 600 signers", pasuruan, "staff:event", [large.pk]),
        ("coverage", pasuruan, "staff:coverage", [large.pk]),
        ("progress", pasuruan, "staff:progress", [large.pk]),
        ("export CSV", pasuruan, "staff:export", [large.pk, "csv"]),
        ("export XLSX", pasuruan, "staff:export", [large.pk, "xlsx"]),
        ("national picture (Bawaslu RI, all provinces)", pusat, "staff:national", []),
    ]
    print(f"{'page':46} {'ms':>8} {'cpu ms':>8} {'queries':>8} status")
    for label, user, name, args in pages:
        try:
            url = reverse(name, args=args)
        except NoReverseMatch:
            print(f"{label:46} {'(no such page)':>17}")
            continue
        client = Client()
        client.force_login(user)
        median, cpu, status, queries = timed(client, url)
        print(f"{label:46} {median:8.1f} {cpu:8.1f} {queries:8d} {status}")
    print(f"(load average while measuring: {os.getloadavg()[0]:.1f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reset", action="store_true", help="drop and refill the database")
    parser.add_argument("--measure-only", action="store_true")
    args = parser.parse_args()
    url = os.environ.get("REHEARSAL_DATABASE_URL", DEFAULT_URL)
    if not args.measure_only:
        create_database_if_missing(url, args.reset)
    setup_django(url)
    if not args.measure_only:
        fill()
    measure()


if __name__ == "__main__":
    main()
