"""The room, measured: the signer's copy and the venue screen (issue #17).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/netralitas_room_bench \\
        .venv/bin/python bench/room.py [--copies 5] [--wall 20] [--port 8900]

The named PostgreSQL database is dropped and made again (default
netralitas_room_bench). Static files are collected into staticfiles/ as for
production; gunicorn serves the app (2 workers × 4 threads, DEBUG off), with

1. the database task backend and one `manage.py db_worker` as production runs
   them (docs/deploy/netralitas-worker.service, default 1 s polling), then
2. the immediate backend of development (the PDF is made inside the request).

Prints, for each backend, the seconds from the signature's answer (the
tablet shows the thank-you screen) until the copy link's page offers the
download, and until the PDF is downloaded, per signature (the first is
cold: the worker's first PDF loads WeasyPrint and the certificate).

With the database backend it also opens the venue screen in Debian's Chromium
(static/js/venue.js, polling every 2 s) on the wall and prints how long after
each signature's answer the new name is on the screen, and the bytes the
screen moved (request and response headers and bodies, as Chromium counts
them) in one idle minute and in a minute with a signature every 3 s.
"""

import argparse
import http.cookiejar
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.postgres import create_database_if_missing  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/netralitas_room_bench"
CHROMIUM = "/usr/bin/chromium"
REGISTERED = 300
MEDIA_ROOT = tempfile.mkdtemp(prefix="netralitas-room-bench-")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=5, help="signatures timed per backend")
    parser.add_argument("--wall", type=int, default=20, help="signatures in the busy minute")
    parser.add_argument("--port", type=int, default=8900)
    parser.add_argument("--idle-seconds", type=float, default=60)
    return parser.parse_args()


def environment(database_url: str, backend: str) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="netralitas.settings",
        DEBUG="false",
        LOG_LEVEL="WARNING",
        TASKS_BACKEND=backend,
        COPY_RATE="10000/m",
        KIOSK_SIGN_RATE="10000/m",
        MEDIA_ROOT=MEDIA_ROOT,
        PADES_DEV_CERT_DIR=str(ROOT / "dev-certs"),
    )
    return env


def prepare(database_url: str) -> dict:
    """An open event with REGISTERED signatories, a station and a venue screen at the wall."""
    os.environ.update(environment(database_url, "django_tasks_db.DatabaseBackend"))
    import django

    django.setup()
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from django.core.management import call_command

    from pledges.models import BawasluUnit, Event, PledgeTemplate, Region, Signatory
    from pledges.services.events import open_event
    from pledges.services.signing import open_station
    from pledges.services.venue import move_display, open_display

    call_command("migrate", verbosity=0)
    for code, name, level, parent in [
        ("35", "Jawa Timur", "province", None),
        ("35.75", "Kota Pasuruan", "regency", "35"),
    ]:
        Region.objects.update_or_create(
            code=code, defaults={"name": name, "level": level, "parent_id": parent}
        )
    unit = BawasluUnit.objects.create(
        name="Bawaslu Kota Pasuruan", level="kabkota", region_id="35.75", address="Pasuruan"
    )
    event = open_event(
        Event.objects.create(
            unit=unit,
            region_id="35.75",
            template=PledgeTemplate.objects.filter(is_current=True).order_by("pk").first(),
            title="Sosialisasi Netralitas ASN",
            kind="sosialisasi",
            election="Pemilihan Serentak 2024",
            starts_at=datetime(2024, 9, 23, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta")),
            venue="Ascent Premier Hotel",
        )
    )
    people = Signatory.objects.bulk_create(
        Signatory(
            event=event,
            full_name=f"Pejabat Kota Pasuruan {number:03d}",
            nip="",
            position="Kepala Dinas Pendidikan",
            category="kepala_opd",
            agency="Pemerintah Kota Pasuruan",
        )
        for number in range(REGISTERED)
    )
    _station, station_token = open_station(event, "Meja 1")
    display, display_token = open_display(event, "Layar utama")
    move_display(display, to=1000)
    call_command("collectstatic", interactive=False, verbosity=0)
    return {
        "people": [(person.pk, person.full_name) for person in people],
        "pledge_sha256": event.frozen_pledge_sha256,
        "station_token": station_token,
        "display_token": display_token,
    }


class Tablet:
    """A signing tablet as kiosk.js talks to the server, over plain HTTP."""

    def __init__(self, base: str, token: str, pledge_sha256: str):
        self.base = base
        self.pledge_sha256 = pledge_sha256
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.opener.open(base + "/meja/hubungkan/").read()
        self.post("/meja/hubungkan/", {"token": token})

    def csrf(self) -> str:
        return next(cookie.value for cookie in self.jar if cookie.name == "csrftoken")

    def post(self, path: str, body: dict) -> dict:
        request = urllib.request.Request(
            self.base + path,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "X-CSRFToken": self.csrf()},
        )
        with self.opener.open(request) as response:
            return json.loads(response.read())

    def sign(self, signatory_id: int) -> dict:
        strokes = [[[20 + i * 8, 30 + (15 if i % 2 else 0), i * 16, 0.5] for i in range(40)]]
        return self.post(
            "/meja/api/tanda-tangan/",
            {
                "idempotency_key": str(uuid.uuid4()),
                "signatory_id": signatory_id,
                "strokes": strokes,
                "pledge_sha256": self.pledge_sha256,
                "canvas_width": 800,
                "canvas_height": 320,
            },
        )


def time_copy(tablet: Tablet, signatory_id: int) -> tuple[float, float, float, int]:
    """Seconds the signature took, then from its answer to the download offered and done."""
    sent = time.perf_counter()
    signed = tablet.sign(signatory_id)
    answered = time.perf_counter()
    copy = tablet.post("/meja/api/salinan/", {"signature": signed["signature"]})
    while True:
        with urllib.request.urlopen(copy["url"]) as response:
            if b"data-copy-download" in response.read():
                break
        time.sleep(0.1)
    offered = time.perf_counter() - answered
    with urllib.request.urlopen(copy["url"] + "unduh/") as response:
        pdf = response.read()
    assert pdf.startswith(b"%PDF"), pdf[:20]
    return answered - sent, offered, time.perf_counter() - answered, len(pdf)


def start_server(database_url: str, backend: str, port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "netralitas.wsgi",
            f"--bind=127.0.0.1:{port}",
            "--workers=2",
            "--threads=4",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=environment(database_url, backend),
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/layar/").read()
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


def copies_report(label: str, tablet: Tablet, people: list, count: int) -> None:
    rows = [time_copy(tablet, person_id) for person_id, _name in people[:count]]
    print(f"\n{label}: thank-you screen → copy downloadable (s)")
    for number, (signing, offered, downloaded, size) in enumerate(rows, start=1):
        cold = " (cold)" if number == 1 else ""
        print(
            f"  #{number}: signature answered in {signing:5.2f}, then offered {offered:5.2f}, "
            f"downloaded {downloaded:5.2f}  PDF {size / 1024:.0f} KB{cold}"
        )
    warm = [row[1] for row in rows[1:]] or [rows[0][1]]
    print(f"  warm median {statistics.median(warm):.2f} s, max {max(warm):.2f} s")
    del people[:count]


def pause(page, seconds: float) -> None:
    # Playwright's own wait: its events (the byte counts) are delivered meanwhile.
    if seconds > 0:
        page.wait_for_timeout(seconds * 1000)


def venue_report(base: str, token: str, tablet: Tablet, people: list, args) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
        # What went over the wire, as Chromium's network layer counts it: the
        # request's headers as sent, the response's headers and body as received.
        moved = []
        urls = {}
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")

        def sent(event):
            urls[event["requestId"]] = event["request"]["url"]

        def request_headers(event):
            if "/layar/api/" in urls.get(event["requestId"], ""):
                headers = event["headers"]
                line = len(urls[event["requestId"]]) + 16  # "GET <path> HTTP/1.1"
                moved.append(line + sum(len(k) + len(v) + 4 for k, v in headers.items()))

        def finished(event):
            if "/layar/api/" in urls.get(event["requestId"], ""):
                moved.append(int(event["encodedDataLength"]))
                polls.append(1)

        def received(event):
            # A 304 has no body to finish loading (Chromium then reports it
            # aborted): its headers are all that came.
            response = event["response"]
            if "/layar/api/" in response["url"] and response["status"] == 304:
                moved.append(int(response["encodedDataLength"]))
                polls.append(1)

        cdp.on("Network.responseReceived", received)
        polls = []
        cdp.on("Network.requestWillBeSent", sent)
        cdp.on("Network.requestWillBeSentExtraInfo", request_headers)
        cdp.on("Network.loadingFinished", finished)
        page.goto(f"{base}/layar/#{token}")
        page.locator("#venue-wall:not([hidden])").wait_for()
        time.sleep(3)
        moved.clear()
        polls.clear()
        pause(page, args.idle_seconds)
        idle, idle_polls = sum(moved), len(polls)
        moved.clear()
        polls.clear()
        seen = []
        started = time.perf_counter()
        for number in range(args.wall):
            person_id, name = people.pop(0)
            slot = started + number * 60 / args.wall
            pause(page, slot - time.perf_counter())
            tablet.sign(person_id)
            answered = time.perf_counter()
            while name not in page.locator("#wall-signers li").first.inner_text():
                page.wait_for_timeout(20)
            seen.append(time.perf_counter() - answered)
        pause(page, started + 60 - time.perf_counter())
        busy, busy_polls = sum(moved), len(polls)
        browser.close()
    print("\nVenue screen (database backend, 2 s polls)")
    print(
        f"  new name on the wall after the signature's answer: median "
        f"{statistics.median(seen):.2f} s, max {max(seen):.2f} s ({len(seen)} signatures)"
    )
    per_minute = 60 / args.idle_seconds
    print(
        f"  idle: {idle * per_minute / 1024:.1f} KB/min in {idle_polls * per_minute:.0f} polls "
        f"({idle / max(idle_polls, 1):.0f} B each, 304 without a body)"
    )
    print(
        f"  {args.wall} signatures/min: {busy / 1024:.1f} KB/min in {busy_polls} polls "
        f"({busy / max(busy_polls, 1):.0f} B each)"
    )


def main():
    args = parse_args()
    database_url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    create_database_if_missing(database_url, reset=True)
    setup = prepare(database_url)
    people = list(setup["people"])
    base = f"http://127.0.0.1:{args.port}"
    env = environment(database_url, "django_tasks_db.DatabaseBackend")
    server = start_server(database_url, "django_tasks_db.DatabaseBackend", args.port)
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--worker-id", "bench"],
        cwd=ROOT,
        env=env,
    )
    try:
        tablet = Tablet(base, setup["station_token"], setup["pledge_sha256"])
        copies_report("Database backend + db_worker", tablet, people, args.copies)
        venue_report(base, setup["display_token"], tablet, people, args)
    finally:
        worker.terminate()
        server.terminate()
        worker.wait()
        server.wait()
    server = start_server(
        database_url, "django_tasks.backends.immediate.ImmediateBackend", args.port
    )
    try:
        tablet = Tablet(base, setup["station_token"], setup["pledge_sha256"])
        copies_report("Immediate backend (development)", tablet, people, args.copies)
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
