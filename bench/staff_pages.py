"""Benchmark of the staff pages: SQL queries and server time for 50, 600 and 5,000 signatories.

Usage: .venv/bin/python bench/staff_pages.py [--repeat N]

Builds its own database (PostgreSQL from DATABASE_URL as "bench_<name>", else
SQLite in a temporary file), fills one event with 50 and one with 600
signatories and one with 5,000 (nine in ten signed), and requests the event
page, its signatory list as htmx replaces it (the next page, a search, a filter),
coverage, progress, the live progress fragment and both exports through
Django's test client. A page whose query count differs between the sizes makes
the script exit 1; a page this revision does not have is shown as "—".
Then times a 1,000-row CSV import (upload with preview, and commit).
"""

import argparse
import gzip
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netralitas.settings")
TMP = Path(tempfile.mkdtemp(prefix="netralitas-bench-"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{TMP / 'bench.sqlite3'}")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

PAGES = [
    ("halaman kegiatan", "staff:event", {}, ""),
    ("daftar hlm. 2 (htmx)", "staff:event", {}, "?page=2"),
    ("daftar cari (htmx)", "staff:event", {}, "?q=peserta+001"),
    ("daftar filter (htmx)", "staff:event", {}, "?category=asn_lainnya&status=signed&page=2"),
    ("cakupan", "staff:coverage", {}, ""),
    ("progres", "staff:progress", {}, ""),
    ("progres (htmx)", "staff:progress_live", {}, ""),
    ("ekspor CSV", "staff:export", {"fmt": "csv"}, ""),
    ("ekspor XLSX", "staff:export", {"fmt": "xlsx"}, ""),
]
SIZES = (50, 600, 5000)


def nip(index: int) -> str:
    """A valid, distinct NIP for each index below 100,000."""
    born = (timezone.datetime(1960, 1, 1) + timedelta(days=index % 10000)).strftime("%Y%m%d")
    return f"{born}{2010 + index // 10000}011{index % 1000:03d}"


def signature_svg(index: int) -> str:
    points = " ".join(f"L{20 + i * 3} {60 + (i * 7 + index) % 40}" for i in range(120))
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 120">'
        f'<path d="M20 60 {points}" fill="none" stroke="#000" stroke-width="2"/></svg>'
    )


def load_pasuruan_regions():
    from pledges.services.regions import DATA_FILE, load_regions

    subset = TMP / "regions-35.tsv.gz"
    with gzip.open(DATA_FILE, "rt", encoding="utf-8") as source:
        lines = [
            line for line in source if line.split("\t")[0] in ("35",) or line.startswith("35.75")
        ]
    with gzip.open(subset, "wt", encoding="utf-8") as target:
        target.writelines(lines)
    load_regions(subset)


def new_event(unit, template, title):
    from pledges.models import Event

    return Event.objects.create(
        unit=unit,
        title=title,
        kind=Event.Kind.RAPAT_KOORDINASI,
        election="Pemilihan Serentak 2024",
        starts_at=timezone.now(),
        venue="Gedung Gradhika",
        region_id="35.75",
        template=template,
    )


def fill_event(unit, template, size):
    from pledges.models import Region, Signatory, Signature, SigningStation
    from pledges.services.events import open_event

    event = open_event(new_event(unit, template, f"Rakor {size} peserta"))
    stations = [
        SigningStation.objects.create(
            event=event, label=f"Meja {i}", token_sha256=f"{size}{i}".ljust(64, "0")
        )
        for i in range(1, 6)
    ]
    districts = list(Region.objects.filter(code__startswith="35.75.", level="district"))
    villages = list(Region.objects.filter(code__startswith="35.75.", level="village"))
    signatories = []
    for i in range(size):
        category, region = "asn_lainnya", None
        if i == size - 1:
            category = "kepala_daerah"
        elif i < len(districts):
            category, region = "camat", districts[i]
        elif i - len(districts) < len(villages):
            category, region = "lurah", villages[i - len(districts)]
        elif i % 10 == 0:
            category = "kepala_opd"
        signatories.append(
            Signatory(
                event=event,
                full_name=f"Peserta {i:04d}",
                nip=nip(i + size * 50),
                position="Pejabat",
                category=category,
                agency=f"OPD {i % 30}",
                led_region=region,
            )
        )
    signatories = Signatory.objects.bulk_create(signatories)
    now = timezone.now()
    Signature.objects.bulk_create(
        Signature(
            signatory=signatory,
            station=stations[i % len(stations)],
            signed_at=now - timedelta(seconds=size - i),
            strokes=[[[20, 60, 0, 0.5], [380, 70, 900, 0.5]]],
            svg=signature_svg(i),
            pledge_sha256=event.frozen_pledge_sha256,
            idempotency_key=uuid.uuid4(),
        )
        for i, signatory in enumerate(signatories)
        if size < 5000 or i % 10
    )
    return event


def measure(client, url, repeat, htmx=False):
    headers = {"HX-Request": "true"} if htmx else {}
    client.get(url, headers=headers)  # warm up caches (templates, URL resolver)
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    assert response.status_code == 200, (url, response.status_code)
    times, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        client.get(url, headers=headers)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return len(queries), statistics.median(times), statistics.median(cpu)


def has_signatory_list() -> bool:
    """Whether this revision pages and searches the event page's list (for a BEFORE run)."""
    from pledges.web import forms

    return hasattr(forms, "SignatoryFilterForm")


def bench_import(client, unit, template):
    from pledges.models import Signatory

    event = new_event(unit, template, "Impor 1000")
    lines = ["nama_lengkap,nip,jabatan,kategori,instansi,wilayah"]
    lines += [
        f"Peserta Impor {i},{nip(i + 60_000)},Staf,asn_lainnya,OPD {i % 30}," for i in range(1000)
    ]
    upload = SimpleUploadedFile("seribu.csv", "\n".join(lines).encode(), "text/csv")
    started = time.perf_counter()
    response = client.post(reverse("staff:import_upload", args=[event.pk]), {"file": upload})
    preview_ms = (time.perf_counter() - started) * 1000
    assert "1000 sah" in response.content.decode(), "preview failed"
    token = client.session[f"signatory-import-{event.pk}"]["token"]
    started = time.perf_counter()
    response = client.post(
        reverse("staff:import_commit", args=[event.pk]), {"token": token, "mode": "all"}
    )
    commit_ms = (time.perf_counter() - started) * 1000
    assert response.status_code == 302 and Signatory.objects.filter(event=event).count() == 1000
    return preview_ms, commit_ms


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed requests per page")
    args = parser.parse_args()

    setup_test_environment()
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        database["TEST"]["NAME"] = str(TMP / "test.sqlite3")
    else:
        database["TEST"]["NAME"] = f"bench_{database['NAME']}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        return run(args)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(args):
    from django.contrib.auth.models import Permission

    from pledges.models import BawasluUnit, PledgeTemplate, User

    load_pasuruan_regions()
    unit = BawasluUnit.objects.create(
        name="Bawaslu Kota Pasuruan", level="kabkota", region_id="35.75"
    )
    user = User.objects.create_user("bench", password="x", is_staff=True, unit=unit)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="pledges"))
    template = PledgeTemplate.objects.filter(is_current=True).first()
    events = {size: fill_event(unit, template, size) for size in SIZES}
    if connection.vendor == "postgresql":
        # As autovacuum does on a live database: without statistics the planner
        # takes thousands of freshly inserted rows for a handful.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    client = Client()
    client.force_login(user)

    print(f"Database: {connection.vendor} · median of {args.repeat} requests after one warm-up")
    print("ms: wall time of the request; cpu: this process's CPU time (less sensitive to load)")
    queries_head = " ".join(f"{f'queries {size}':>13}" for size in SIZES)
    ms_head = " ".join(f"{f'ms {size}':>8}" for size in SIZES)
    cpu_head = " ".join(f"{f'cpu {size}':>8}" for size in SIZES)
    print(f"{'page':<21} {queries_head} {ms_head} {cpu_head}")
    same = True
    for label, name, kwargs, suffix in PAGES:
        if label.endswith("(htmx)") and suffix and not has_signatory_list():
            print(f"{label:<21} {'—':>13}")
            continue
        results = {
            size: measure(
                client,
                reverse(name, kwargs={"pk": events[size].pk, **kwargs}) + suffix,
                args.repeat,
                htmx=label.endswith("(htmx)"),
            )
            for size in SIZES
        }
        counts = {queries for queries, _, _ in results.values()}
        same &= len(counts) == 1
        flag = "" if len(counts) == 1 else "  <-- differs"
        queries = " ".join(f"{results[size][0]:>13}" for size in SIZES)
        times = " ".join(f"{results[size][1]:>8.1f}" for size in SIZES)
        cpu = " ".join(f"{results[size][2]:>8.1f}" for size in SIZES)
        print(f"{label:<21} {queries} {times} {cpu}{flag}")
    preview_ms, commit_ms = bench_import(client, unit, template)
    print(f"import 1000 rows: upload + preview {preview_ms:.0f} ms, commit {commit_ms:.0f} ms")
    print("query counts equal for every size:", "yes" if same else "NO")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
