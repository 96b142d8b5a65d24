"""Load benchmark: 100 tablets doing what static/js/kiosk.js does, against production gunicorn.

Starts gunicorn with the command line of docs/deploy/netralitas-web.service
(only the port changed; its access log goes to a file) and the environment of
docs/deploy/netralitas.env.example (DJANGO_ENV=production: DEBUG off, the
database task queue), against PostgreSQL (DATABASE_URL, default
netralitas_kiosk). Before anything is timed it prepares one open event per
step with one station per tablet, binds every tablet as the binding page
does (GET for the CSRF cookie, POST of the token) and loads each tablet's
signatory list as kiosk.js does on start.

Each step offers a paced rate of signers per second spread over the
tablets. Per signer a tablet replays kiosk.js: the searches a person types
as the input debounces (a prefix of the first name, then first name and
part of the second, then the whole name if still not listed), served by
the server's /meja/api/penanda-tangan/?q= or, where kiosk.js searches its
fresh list first, from the list the tablet holds; then the sign POST with
the headers kiosk.js sends (X-Pending-Signatures: 1 for the signature in
the queue, X-Undeliverable-Signatures, X-Storage-Low, X-CSRFToken, the
CSRF and station cookies, Origin) and kiosk.js's body: a signature as
signature_pad 5 records it on a 10-inch pad of 760 × 520 CSS px (six
strokes, about 1,000 points no closer than its minDistance of 5 px and
its 16 ms throttle, with times and pressure: about 28 KB of JSON).
Every tablet also refreshes its whole list every 30 s. The same rate is
then offered to a bench-only view that parses the same body and does one
INSERT (bench/views.py).

Per step it prints offered and achieved signers/s, p50/p95/p99 of the sign
POST, the p95 of searches and list refreshes, errors, the CPU per signer of
PostgreSQL and of this load generator (all three share the machine's cores:
their sum per signer bounds the knee), and the server CPU per
signer: utime+stime of the gunicorn master and its workers from /proc
(workers that exit meanwhile are counted through the master's cutime),
divided by the signers of the step. The knee is the highest offered rate
whose sign POSTs have p95 < 150 ms with no error on any request. At the end
every signature is checked to be stored exactly once (rows = signers,
distinct keys, strokes equal to those sent).

    .venv/bin/pip install -e '.[bench]'
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/netralitas_kiosk \\
        .venv/bin/python bench/kiosk_load.py --reset [--rates 40,60,80,100,125,150,175,200]
"""

import argparse
import asyncio
import math
import os
import random
import resource
import socket
import subprocess
import sys
import time
import uuid
from http.cookies import SimpleCookie
from pathlib import Path

import orjson

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.postgres import create_database_if_missing  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/netralitas_kiosk"
SERVICE_FILE = BASE_DIR / "docs" / "deploy" / "netralitas-web.service"
KIOSK_JS = BASE_DIR / "static" / "js" / "kiosk.js"
PRODUCTION_ENV = {
    # docs/deploy/netralitas.env.example, for a server reached without its proxy.
    "DJANGO_ENV": "production",
    "SECRET_KEY": "bench-only-" + "k" * 50,
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "CSRF_TRUSTED_ORIGINS": "",
    "SITE_URL": "http://127.0.0.1",
    "PROXY_COUNT": "0",
    "SECURE_SSL_REDIRECT": "false",
    "SECURE_HSTS_SECONDS": "0",
    "LOG_LEVEL": "WARNING",
    # The per-tablet limits still run (their cost is measured) but do not
    # refuse: a simulated tablet serves a signer every second or so, far
    # faster than people sign.
    "KIOSK_SIGN_RATE": "1000000/m",
    "KIOSK_SEARCH_RATE": "1000000/m",
}
USER_AGENT = (
    "Mozilla/5.0 (Linux; Android 13; SM-X200) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)
SEARCH_PATH = "/meja/api/penanda-tangan/"
SIGN_PATH = "/meja/api/tanda-tangan/"
INSERT_PATH = "/bench/insert/"
LIST_INTERVAL = 30.0  # kiosk.js: setInterval(refreshList, 30000)
PAD = (760, 520)  # kiosk.css: the pad on a 10-inch tablet, CSS px
FIRST = [
    "Siti",
    "Agus",
    "Budi",
    "Dewi",
    "Eko",
    "Fitri",
    "Gilang",
    "Hendra",
    "Indah",
    "Joko",
    "Kartika",
    "Lestari",
    "Muhammad",
    "Nur",
    "Putri",
    "Rizky",
    "Slamet",
    "Tri",
    "Wahyu",
    "Yusuf",
    "Ahmad",
    "Bambang",
    "Citra",
    "Dian",
    "Endang",
    "Fajar",
    "Gita",
    "Hadi",
    "Ika",
    "Januar",
    "Kurnia",
    "Lukman",
    "Maya",
    "Novi",
    "Oki",
    "Puji",
    "Rahmat",
    "Sri",
    "Taufik",
    "Umar",
]
SECOND = [
    "Rahmawati",
    "Santoso",
    "Wibowo",
    "Lestari",
    "Hidayat",
    "Kurniawan",
    "Susanti",
    "Prasetyo",
    "Handayani",
    "Saputra",
    "Setiawan",
    "Wulandari",
    "Nugroho",
    "Rahayu",
    "Purnomo",
    "Maharani",
    "Firmansyah",
    "Anggraini",
    "Suryadi",
    "Pratiwi",
    "Hakim",
    "Ramadhan",
    "Safitri",
    "Gunawan",
    "Yulianti",
    "Hartono",
    "Permata",
    "Irawan",
    "Kusuma",
    "Novitasari",
]
THIRD = [
    "Abdullah",
    "Basri",
    "Cahyono",
    "Darmawan",
    "Effendi",
    "Fauzi",
    "Halim",
    "Iskandar",
    "Junaidi",
    "Kadir",
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tablets", type=int, default=100)
    parser.add_argument(
        "--rates",
        default="40,60,80,100,125,150,175,200",
        help="offered signers per second, one step each, in order",
    )
    parser.add_argument("--seconds", type=float, default=15.0, help="length of each step")
    parser.add_argument(
        "--search",
        choices=("auto", "server", "local-first"),
        default="auto",
        help="how kiosk.js searches; auto reads static/js/kiosk.js",
    )
    parser.add_argument("--no-insert", action="store_true", help="skip the one-INSERT view")
    parser.add_argument(
        "--reset",
        action="store_true",
        help="drop and recreate the database first, so that every run starts from the same state",
    )
    return parser.parse_args()


def kiosk_searches_locally_first() -> bool:
    """Whether this tree's kiosk.js answers a search from its fresh list before asking."""
    return "LIST_FRESH_MS" in KIOSK_JS.read_text()


def free_port():
    """A free port in 8700-8799 (the range this machine gives benchmarks)."""
    for port in random.sample(range(8700, 8800), 100):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise SystemExit("no free port in 8700-8799")


def service_command(port: int) -> list[str]:
    """The ExecStart of docs/deploy/netralitas-web.service, with this venv and `port`."""
    text = SERVICE_FILE.read_text().replace("\\\n", " ")
    line = next(line for line in text.splitlines() if line.startswith("ExecStart="))
    words = line.removeprefix("ExecStart=").split()
    words[0] = str(Path(sys.executable).parent / "gunicorn")
    bind = words.index("--bind")
    words[bind + 1] = f"127.0.0.1:{port}"
    return words


def start_server(port, database_url, **popen_options):
    """gunicorn as docs/deploy runs it, on `port`; `popen_options` go to Popen (e.g. stdout)."""
    env = {**os.environ, **PRODUCTION_ENV, "DATABASE_URL": database_url}
    env["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    # As a deployment does: WhiteNoise's manifest names every static file.
    manifest = BASE_DIR / "staticfiles" / "staticfiles.json"
    sources = (BASE_DIR / "static").rglob("*")
    if not manifest.exists() or any(p.stat().st_mtime > manifest.stat().st_mtime for p in sources):
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=BASE_DIR,
            env=env,
            check=True,
        )
    return subprocess.Popen(service_command(port), cwd=BASE_DIR, env=env, **popen_options)


def setup_django(database_url):
    os.environ.update(PRODUCTION_ENV)
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()


def person_names(count, rng):
    names = [f"{a} {b} {c}" for a in FIRST for b in SECOND for c in THIRD]
    if count > len(names):
        names += [f"{name} {n}" for n in range(2, 2 + count // len(names)) for name in names]
    return rng.sample(names, count)


def prepare(tablets, signers, rng):
    """An open event with `signers` signatories and one station per tablet.

    Returns (event, [(station, its token)], [(signatory id, name)]).
    """
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
    people = Signatory.objects.bulk_create(
        Signatory(
            event=event,
            full_name=name,
            position="Kepala Seksi",
            category=Signatory.Category.NON_ASN,
            agency="Pemkot Pasuruan",
        )
        for number, name in enumerate(person_names(signers, rng))
    )
    stations = [open_station(event, f"Meja {number + 1}") for number in range(tablets)]
    return event, stations, [(person.pk, person.full_name) for person in people]


def signature_strokes(rng):
    """A signature as signature_pad 5 records it on the 760 × 520 pad of a 10-inch tablet.

    signature_pad adds a point when the pen has moved at least minDistance
    (5 px) since the last one, at most once per throttle (16 ms); a pen
    moving at 0.35–0.6 px/ms is recorded every 16–17 ms, 5–10 px apart.
    Six strokes of loops across the pad's middle band, 140–200 points each.
    """
    width, height = PAD
    strokes, t = [], 0
    x = rng.uniform(60, 120)
    for _stroke in range(6):
        y0 = rng.uniform(height * 0.35, height * 0.6)
        x = min(x, width - 200)
        heading = rng.uniform(-0.5, 0.5)
        points = []
        for _ in range(rng.randint(140, 200)):
            speed = rng.uniform(0.35, 0.6)  # px per ms
            dt = rng.choice((16, 16, 17, 17, 18))
            heading += rng.uniform(-0.9, 0.9)
            step = max(5.0, speed * dt)
            x = min(max(x + abs(math.cos(heading)) * step * 0.6 + 0.8, 10), width - 10)
            y = min(max(y0 + 90 * math.sin(heading), 10), height - 10)
            t += dt
            points.append([round(x, 2), round(y, 2), t, round(rng.uniform(0.45, 0.55), 3)])
        strokes.append(points)
        x -= rng.uniform(120, 260)
        t += rng.randint(180, 450)  # the pen lifted between strokes
    return strokes


def sign_body(person, strokes, station_id, event_id, sha):
    """What kiosk.js's JSON.stringify(item) sends for one signer."""
    return orjson.dumps(
        {
            "idempotency_key": str(uuid.uuid4()),
            "event": event_id,
            "taken_at_station": station_id,
            "signatory_id": person[0],
            "name": person[1],
            "strokes": strokes,
            "canvas_width": PAD[0],
            "canvas_height": PAD[1],
            "pledge_sha256": sha,
            "queued_at": int(time.time() * 1000),
        }
    )


def typed_queries(name):
    """What a person types, as the 250 ms debounce sends it: each a longer prefix.

    At least the first two are searched; the whole name only if still not listed.
    """
    first, second = name.split(" ")[:2]
    return [first[:4], f"{first} {second[:5]}", name]


def searchable(text):
    return text.lower()


def search_locally(people, query):
    words = searchable(query).split()
    return [p for p in people if all(word in searchable(p["name"]) for word in words)]


class Tablet:
    """One browser: its cookies for each step's station, its list, its figures."""

    def __init__(self, number):
        self.number = number
        self.cookies = {}  # step -> Cookie header
        self.csrf = {}
        self.station_id = {}
        self.people = []
        self.listed = set()  # the ids of `people` not signed here since the list came
        self.list_at = 0.0

    def set_people(self, people):
        self.people = people
        self.listed = {person["id"] for person in people}

    def headers(self, step, pending=0, post=False, base_url=""):
        headers = {
            "Accept": "application/json",
            "X-Pending-Signatures": str(pending),
            "X-Undeliverable-Signatures": "0",
            "X-Storage-Low": "0",
            "Cookie": self.cookies[step],
            "User-Agent": USER_AGENT,
        }
        if post:
            headers["Content-Type"] = "application/json"
            headers["X-CSRFToken"] = self.csrf[step]
            headers["Origin"] = base_url
        return headers


def cookie_header(jar: dict) -> str:
    return "; ".join(f"{name}={value}" for name, value in jar.items())


def cookies_of(response) -> dict:
    # aiohttp's jar would drop the production cookies (Secure) over plain HTTP.
    jar = {}
    for header in response.headers.getall("Set-Cookie", []):
        parsed = SimpleCookie()
        parsed.load(header)
        jar.update({name: morsel.value for name, morsel in parsed.items()})
    return jar


async def bind(session, base_url, tablet, step, station_and_token):
    """As static/js/kiosk-bind.js does: load the page (CSRF cookie), POST the token."""
    station, token = station_and_token
    async with session.get(
        f"{base_url}/meja/hubungkan/", headers={"User-Agent": USER_AGENT}
    ) as response:
        assert response.status == 200, f"binding page failed: {response.status}"
        jar = cookies_of(response)
    async with session.post(
        f"{base_url}/meja/hubungkan/",
        data=orjson.dumps({"token": token}),
        headers={
            "Content-Type": "application/json",
            "X-CSRFToken": jar["csrftoken"],
            "Cookie": cookie_header(jar),
            "Origin": base_url,
            "User-Agent": USER_AGENT,
        },
    ) as response:
        assert response.status == 200, f"binding failed: {response.status}"
        jar.update(cookies_of(response))
    tablet.station_id[step] = station.pk
    tablet.cookies[step] = cookie_header(jar)
    tablet.csrf[step] = jar["csrftoken"]


class Figures:
    def __init__(self):
        self.sign, self.search, self.lists, self.errors = [], [], [], []
        self.signers = 0
        self.searches_sent = 0
        self.reconnects = 0
        self.last_done = 0.0


async def timed(session, method, url, figures, bucket, **options):
    """One request; its latency goes to `bucket`, a failure to figures.errors. Returns body."""
    import aiohttp

    started = time.perf_counter()
    for attempt in (1, 2):
        try:
            async with session.request(method, url, **options) as response:
                body = await response.read()
                if response.status != 200:
                    figures.errors.append(f"{response.status} {url.split('?')[0][-30:]}")
                    body = None
            break
        except (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError) as error:
            # The server closed a kept-alive connection as it was reused (its
            # keep-alive ran out, a worker restarted): Chromium sends the
            # request again on a fresh connection, unseen by the page.
            if attempt == 1:
                figures.reconnects += 1
                continue
            figures.errors.append(type(error).__name__)
            body = None
        except Exception as error:  # any other failure counts, as the tablet sees it
            figures.errors.append(type(error).__name__)
            body = None
            break
    bucket.append(time.perf_counter() - started)
    return body


async def refresh_list(session, base_url, tablet, step, figures, until):
    """kiosk.js's refreshList every 30 s from a random phase until the step ends."""
    await asyncio.sleep(random.uniform(0, LIST_INTERVAL))
    while time.perf_counter() < until:
        body = await timed(
            session,
            "GET",
            f"{base_url}{SEARCH_PATH}",
            figures,
            figures.lists,
            headers=tablet.headers(step),
        )
        if body is not None:
            tablet.set_people(orjson.loads(body)["signatories"])
            tablet.list_at = time.perf_counter()
        await asyncio.sleep(LIST_INTERVAL)


async def serve_signers(session, base_url, tablet, step, work, figures, local_first, start):
    """One tablet's signers in turn, each due at its time (or as soon as the last is done)."""
    for due, person, body in work:
        await asyncio.sleep(max(0, start + due - time.perf_counter()))
        found = None
        for number, query in enumerate(typed_queries(person[1])):
            # kiosk.js: a fresh list answers when it lists someone; else the server.
            if local_first and person[0] in tablet.listed:
                # The tablet's own work, done on the tablet and not on the server's cores:
                # every word typed comes from this person's name, so the list search would
                # find them. Answered by membership, exactly as search_locally would.
                people = [{"id": person[0]}]
            else:
                still = [p for p in tablet.people if p["id"] in tablet.listed]
                people = search_locally(still, query) if local_first else []
            if not people:
                figures.searches_sent += 1
                answer = await timed(
                    session,
                    "GET",
                    f"{base_url}{SEARCH_PATH}",
                    figures,
                    figures.search,
                    params={"q": query},
                    headers=tablet.headers(step),
                )
                people = orjson.loads(answer)["signatories"] if answer else []
            # A person types on past the first results; they stop once listed.
            if number and any(p["id"] == person[0] for p in people):
                found = person
                break
        if found is None:
            figures.errors.append("not found by search")
            continue
        answer = await timed(
            session,
            "POST",
            f"{base_url}{SIGN_PATH}",
            figures,
            figures.sign,
            data=body,
            headers=tablet.headers(step, pending=1, post=True, base_url=base_url),
        )
        if answer is not None:
            figures.signers += 1
            # kiosk.js drops who signed here from its list.
            tablet.listed.discard(person[0])
        figures.last_done = time.perf_counter()


async def post_inserts(session, base_url, work, figures, start):
    for due, _person, body in work:
        await asyncio.sleep(max(0, start + due - time.perf_counter()))
        answer = await timed(
            session,
            "POST",
            f"{base_url}{INSERT_PATH}",
            figures,
            figures.sign,
            data=body,
            headers={"Content-Type": "application/json", "User-Agent": USER_AGENT},
        )
        if answer is not None:
            figures.signers += 1
        figures.last_done = time.perf_counter()


def schedule(count, tablets, rate, rng):
    """Signer k is due at k / rate seconds (± 0.2 s), served by tablet k mod tablets."""
    plan = [[] for _ in range(tablets)]
    for k in range(count):
        plan[k % tablets].append(max(0.0, k / rate + rng.uniform(-0.2, 0.2)))
    return plan


# --- server CPU -------------------------------------------------------------------

TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid):
    text = Path(f"/proc/{pid}/stat").read_text()
    fields = text[text.rindex(")") + 2 :].split()
    # After the name: state(3) ppid(4) … utime(14) stime(15) cutime(16) cstime(17).
    return int(fields[1]), [int(value) for value in fields[11:15]]


def server_cpu_seconds(master):
    """utime+stime of the master and its live workers, plus the workers it has reaped."""
    _ppid, (utime, stime, cutime, cstime) = _stat(master)
    total = utime + stime + cutime + cstime
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            ppid, (utime, stime, _cu, _cs) = _stat(entry)
        except (OSError, ValueError):
            continue
        if ppid == master:
            total += utime + stime
    return total / TICK


def postgres_cpu_seconds():
    """utime+stime of this machine's PostgreSQL: its live processes, and through the
    postmaster's cutime+cstime the backends that have exited (a gunicorn worker that
    restarts closes its connections)."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            if Path(f"/proc/{entry}/comm").read_text().strip() != "postgres":
                continue
            found[int(entry)] = _stat(entry)
        except (OSError, ValueError):
            continue
    total = 0
    for ppid, (utime, stime, cutime, cstime) in found.values():
        total += utime + stime
        if ppid not in found:  # the postmaster: its children are the backends
            total += cutime + cstime
    return total / TICK


def own_cpu_seconds():
    """The load generator's own CPU: it shares the 2 cores with the server and the database."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# --- the run ------------------------------------------------------------------------


async def wait_until_up(base_url, process):
    import aiohttp

    async with aiohttp.ClientSession() as session:
        for _ in range(150):
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


def percentile(values, q):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[max(0, math.ceil(len(values) * q / 100) - 1)] * 1000


async def run_step(base_url, master, tablets, step, work, rate, seconds, local_first, view):
    import aiohttp

    figures = Figures()
    connector = aiohttp.TCPConnector(limit=0, limit_per_host=0)
    async with aiohttp.ClientSession(
        connector=connector,
        cookie_jar=aiohttp.DummyCookieJar(),
        timeout=aiohttp.ClientTimeout(total=30),
    ) as session:
        cpu_before = server_cpu_seconds(master)
        database_before, client_before = postgres_cpu_seconds(), own_cpu_seconds()
        start = time.perf_counter() + 0.5
        until = start + seconds
        if view == "signing":
            jobs = [
                serve_signers(session, base_url, tablet, step, work[n], figures, local_first, start)
                for n, tablet in enumerate(tablets)
            ]
            refreshers = [
                asyncio.create_task(refresh_list(session, base_url, tablet, step, figures, until))
                for tablet in tablets
            ]
        else:
            jobs = [
                post_inserts(session, base_url, work[n], figures, start)
                for n in range(len(tablets))
            ]
            refreshers = []
        await asyncio.gather(*jobs)
        for task in refreshers:
            task.cancel()
        await asyncio.gather(*refreshers, return_exceptions=True)
        elapsed = max(figures.last_done, until) - start
        cpu = server_cpu_seconds(master) - cpu_before
        database = postgres_cpu_seconds() - database_before
        client = own_cpu_seconds() - client_before
    total = sum(len(w) for w in work)
    signers = max(figures.signers, 1)
    return {
        "offered": rate,
        "achieved": figures.signers / elapsed,
        "signers": figures.signers,
        "expected": total,
        "p50": percentile(figures.sign, 50),
        "p95": percentile(figures.sign, 95),
        "p99": percentile(figures.sign, 99),
        "search_p95": percentile(figures.search, 95),
        "list_p95": percentile(figures.lists, 95),
        "searches": figures.searches_sent / max(total, 1),
        "lists": len(figures.lists),
        "errors": figures.errors,
        "reconnects": figures.reconnects,
        "cpu_ms": cpu * 1000 / signers,
        "database_ms": database * 1000 / signers,
        "client_ms": client * 1000 / signers,
        "cores": (cpu + database + client) / elapsed,
    }


def print_step(view, result):
    errors = result["errors"]
    kinds = sorted(set(errors))[:3]
    extra = (
        f"  searches/signer {result['searches']:.2f}  search p95 {result['search_p95']:.0f} ms"
        f"  list p95 {result['list_p95']:.0f} ms ({result['lists']})"
        if view == "signing"
        else ""
    )
    print(
        f"{view:<8} offered {result['offered']:>5.0f}/s  achieved {result['achieved']:>6.1f}/s  "
        f"p50 {result['p50']:6.1f}  p95 {result['p95']:6.1f}  p99 {result['p99']:6.1f} ms  "
        f"errors {len(errors):>4} (resent {result['reconnects']})  "
        f"CPU/signer {result['cpu_ms']:5.1f} ms (PostgreSQL {result['database_ms']:.1f}, "
        f"load generator {result['client_ms']:.1f}; {result['cores']:.2f} of {os.cpu_count()} "
        f"cores busy){extra}" + (f"  ({', '.join(kinds)})" if errors else ""),
        flush=True,
    )


def uptime():
    return Path("/proc/loadavg").read_text().split()[:3]


def make_work(tablets, step, people, strokes_pool, event, rate, rng):
    work = []
    for n, dues in enumerate(schedule(len(people), len(tablets), rate, rng)):
        mine = people[n :: len(tablets)]
        work.append(
            [
                (
                    due,
                    person,
                    sign_body(
                        person,
                        strokes_pool[(n + k) % len(strokes_pool)],
                        tablets[n].station_id[step],
                        event.pk,
                        event.frozen_pledge_sha256,
                    ),
                )
                for k, (due, person) in enumerate(zip(dues, mine, strict=True))
            ]
        )
    return work


async def bind_all(base_url, tablets, tokens_per_step):
    import aiohttp

    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session:
        for step, tokens in enumerate(tokens_per_step):
            await asyncio.gather(
                *(
                    bind(session, base_url, tablet, step, token)
                    for tablet, token in zip(tablets, tokens, strict=True)
                )
            )


async def load_lists(base_url, tablets, step):
    """kiosk.js's first refreshList, as the page starts: outside the timed window."""
    import aiohttp

    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session:
        for tablet in tablets:
            async with session.get(
                f"{base_url}{SEARCH_PATH}", headers=tablet.headers(step)
            ) as response:
                assert response.status == 200, f"list failed: {response.status}"
                tablet.set_people(orjson.loads(await response.read())["signatories"])
                tablet.list_at = time.perf_counter()


def check_stored(events_and_work):
    """Every signature sent is stored exactly once, its strokes as sent."""
    from django.db.models import Count

    from pledges.models import Signature

    problems = 0
    for event, work, result in events_and_work:
        sent = {}
        for tablet_work in work:
            for _due, person, body in tablet_work:
                sent[person[0]] = orjson.loads(body)
        rows = Signature.objects.filter(signatory__event=event)
        count = rows.count()
        keys = rows.values("idempotency_key").distinct().count()
        people = rows.values("signatory_id").annotate(n=Count("id")).filter(n__gt=1).count()
        if count != result["signers"] or keys != count or people:
            problems += 1
            print(
                f"event {event.pk}: {count} rows, {keys} distinct keys, {people} people twice, "
                f"{result['signers']} signers answered 200"
            )
        for signature in rows.order_by("?")[:25]:
            body = sent[signature.signatory_id]
            if (
                signature.strokes != body["strokes"]
                or str(signature.idempotency_key) != body["idempotency_key"]
            ):
                problems += 1
                print(f"signature {signature.pk}: stored strokes or key differ from those sent")
    return problems


def main():
    args = parse_args()
    rates = [float(rate) for rate in args.rates.split(",")]
    local_first = (
        kiosk_searches_locally_first() if args.search == "auto" else args.search == "local-first"
    )
    database_url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    if not database_url.startswith("postgres"):
        raise SystemExit("The benchmark runs against PostgreSQL: set DATABASE_URL=postgres://…")
    create_database_if_missing(database_url, args.reset)
    setup_django(database_url)
    rng = random.Random(15)
    print(f"Preparing {len(rates)} events, {args.tablets} stations each …", flush=True)
    steps = [prepare(args.tablets, max(1, round(rate * args.seconds)), rng) for rate in rates]
    strokes_pool = [signature_strokes(rng) for _ in range(64)]
    sample = sign_body((1, "Siti Rahmawati Abdullah"), strokes_pool[0], 1, 1, "0" * 64)
    points = [sum(len(stroke) for stroke in strokes) for strokes in strokes_pool]
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    command = service_command(port)
    log_path = Path(f"/tmp/kiosk_load-access-{port}.log")
    print("gunicorn:", " ".join(command[1:]))
    print(
        f"signatures: {min(points)}–{max(points)} points, {len(sample) / 1000:.1f} KB of JSON; "
        f"search: {'local list first' if local_first else 'server'}; {os.cpu_count()} CPUs"
    )
    with log_path.open("wb") as log:
        server = start_server(port, database_url, stdout=log, stderr=subprocess.DEVNULL)
    tablets = [Tablet(n) for n in range(args.tablets)]
    checks, signing, inserts = [], [], []
    try:
        asyncio.run(wait_until_up(base_url, server))
        started = time.perf_counter()
        asyncio.run(bind_all(base_url, tablets, [stations for _e, stations, _p in steps]))
        print(
            f"bound {args.tablets} tablets × {len(steps)} stations in "
            f"{time.perf_counter() - started:.1f} s (not timed)\n",
            flush=True,
        )
        failing = 0
        for step, ((event, _stations, people), rate) in enumerate(zip(steps, rates, strict=True)):
            print(f"load {' '.join(uptime())}", flush=True)
            work = make_work(tablets, step, people, strokes_pool, event, rate, rng)
            asyncio.run(load_lists(base_url, tablets, step))
            result = asyncio.run(
                run_step(
                    base_url,
                    server.pid,
                    tablets,
                    step,
                    work,
                    rate,
                    args.seconds,
                    local_first,
                    "signing",
                )
            )
            print_step("signing", result)
            signing.append(result)
            checks.append((event, work, result))
            if not args.no_insert:
                result = asyncio.run(
                    run_step(
                        base_url,
                        server.pid,
                        tablets,
                        step,
                        work,
                        rate,
                        args.seconds,
                        False,
                        "1 INSERT",
                    )
                )
                print_step("1 INSERT", result)
                inserts.append(result)
            failing = 0 if passes(signing[-1]) else failing + 1
            if failing == 2:
                break
    finally:
        server.terminate()
        server.wait(timeout=30)
    print_summary(signing, inserts, log_path)
    problems = check_stored(checks)
    print(f"stored exactly once, strokes as sent: {'yes' if not problems else 'NO'}")
    if problems:
        raise SystemExit(1)


def passes(result):
    return result["p95"] < 150 and not result["errors"]


def cpu_fit(results):
    """(ms per signer, ms per second) of server CPU against signers per second, or None."""
    points = [(r["achieved"], r["cpu_ms"] * r["achieved"]) for r in results]  # (x/s, ms/s)
    if len(points) < 2:
        return None
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    if not spread:
        return None
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / spread
    return slope, mean_y - slope * mean_x


def print_summary(signing, inserts, log_path):
    good = [result for result in signing if passes(result)]
    knee = max((result["offered"] for result in good), default=None)
    print(f"\nknee (p95 < 150 ms, 0 errors): {knee:.0f} signers/s" if knee else "\nknee: none")
    below = [result for result in signing if result["offered"] <= (knee or 0)] or signing
    cpu = sorted(result["cpu_ms"] for result in below)
    print(f"server CPU per signer up to the knee: median {cpu[len(cpu) // 2]:.1f} ms")
    if fit := cpu_fit(below):
        slope, intercept = fit
        print(
            f"server CPU by rate up to the knee (least squares over the steps): {slope:.1f} ms"
            f" per signer + {intercept:.0f} ms per second whatever the rate (the tablets'"
            " list refreshes and idle connections): at a low rate that fixed part makes the"
            " per-signer median above look dearer"
        )
    if inserts:
        cpu = sorted(result["cpu_ms"] for result in inserts)
        good = [result for result in inserts if passes(result)]
        knee = max((result["offered"] for result in good), default=0)
        print(
            f"1 INSERT view: CPU per request median {cpu[len(cpu) // 2]:.1f} ms, "
            f"all steps passed up to {knee:.0f}/s"
        )
    lines = sum(1 for _ in log_path.open("rb"))
    print(f"access log: {lines} lines in {log_path}; load {' '.join(uptime())}")


if __name__ == "__main__":
    main()
