import os
import subprocess
import sys
import uuid
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from pledges.models import (
    BawasluUnit,
    Event,
    PledgeTemplate,
    Region,
    Signatory,
    Signature,
    User,
)

VALID_NIP = "198005122005011002"
BASE_DIR = Path(__file__).resolve().parent.parent


def run_manage(*args, **env):
    """Run manage.py in a subprocess; `env` adds variables, or removes those given as None."""
    environment = {**os.environ, **env}
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests' fixture
    environment = {key: value for key, value in environment.items() if value is not None}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def make_region(code, name):
    level = ["province", "regency", "district", "village"][code.count(".")]
    parent_code = code.rsplit(".", 1)[0] if "." in code else None
    return Region.objects.create(code=code, name=name, level=level, parent_id=parent_code)


@pytest.fixture
def pasuruan(db):
    """Jawa Timur › Kota Pasuruan with two kecamatan and three kelurahan."""
    make_region("35", "Jawa Timur")
    kota = make_region("35.75", "Kota Pasuruan")
    make_region("35.75.01", "Gadingrejo")
    make_region("35.75.02", "Purworejo")
    make_region("35.75.01.1001", "Krapyakrejo")
    make_region("35.75.01.1002", "Bukir")
    make_region("35.75.02.1001", "Purworejo")
    return kota


@pytest.fixture
def gorontalo(db):
    make_region("75", "Gorontalo")
    kota = make_region("75.71", "Kota Gorontalo")
    make_region("75.71.01", "Kota Barat")
    return kota


@pytest.fixture
def unit_ri(db):
    return BawasluUnit.objects.create(name="Bawaslu RI", level="ri")


@pytest.fixture
def unit(pasuruan, unit_ri):
    jatim = BawasluUnit.objects.create(
        name="Bawaslu Provinsi Jawa Timur", level="provinsi", region_id="35", parent=unit_ri
    )
    return BawasluUnit.objects.create(
        name="Bawaslu Kota Pasuruan", level="kabkota", region=pasuruan, parent=jatim
    )


@pytest.fixture
def other_unit(gorontalo, unit_ri):
    prov = BawasluUnit.objects.create(
        name="Bawaslu Provinsi Gorontalo", level="provinsi", region_id="75", parent=unit_ri
    )
    return BawasluUnit.objects.create(
        name="Bawaslu Kota Gorontalo", level="kabkota", region=gorontalo, parent=prov
    )


def make_staff(unit, username):
    from django.contrib.auth.models import Permission

    user = User.objects.create_user(username, password="rahasia-uji-123", is_staff=True, unit=unit)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="pledges"))
    return user


@pytest.fixture
def staff(unit):
    return make_staff(unit, "petugas")


@pytest.fixture
def other_staff(other_unit):
    return make_staff(other_unit, "petugas_gorontalo")


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("admin", "admin@example.org", "rahasia-uji-123")


@pytest.fixture
def template(db):
    # Transactional tests flush the table the data migration filled; refill it.
    from pledges.services.templates import load_shipped_templates

    load_shipped_templates()
    return PledgeTemplate.objects.get(slug="ikrar-netralitas-asn-pasuruan", is_current=True)


def make_unit_template(unit, slug, title):
    """A one-point pledge template owned by `unit`."""
    return PledgeTemplate.objects.create(
        unit=unit,
        slug=slug,
        kind="ikrar",
        title=title,
        opening="Kami:",
        points=["Satu."],
        closing="Demikian.",
        individual_opening="Saya:",
        individual_closing="Demikian.",
    )


def make_event(unit, region, template, **fields):
    defaults = {
        "title": "Sosialisasi Netralitas ASN",
        "kind": Event.Kind.SOSIALISASI,
        "election": "Pemilihan Serentak 2024",
        "starts_at": datetime(2024, 9, 23, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta")),
        "venue": "Ascent Premier Hotel",
    }
    return Event.objects.create(
        unit=unit, region=region, template=template, **{**defaults, **fields}
    )


@pytest.fixture
def event(unit, pasuruan, template):
    return make_event(unit, pasuruan, template)


@pytest.fixture
def open_event(event):
    from pledges.services.events import open_event

    return open_event(event)


def make_signatory(event, full_name="Rudiyanto", nip=VALID_NIP, **fields):
    defaults = {"position": "Sekretaris Daerah", "category": "sekda", "agency": "Pemkot Pasuruan"}
    return Signatory.objects.create(
        event=event, full_name=full_name, nip=nip, **{**defaults, **fields}
    )


@pytest.fixture
def signatory(open_event):
    return make_signatory(open_event)


def make_signature(signatory, **fields):
    strokes = [[[10, 10, 0, 0.5], [120, 60, 40, 0.5]]]
    defaults = {
        "signed_at": timezone.now(),
        "strokes": strokes,
        "svg": '<svg xmlns="http://www.w3.org/2000/svg"><path d="M10 10L120 60"/></svg>',
        "pledge_sha256": signatory.event.frozen_pledge_sha256,
        "idempotency_key": uuid.uuid4(),
    }
    return Signature.objects.create(signatory=signatory, **{**defaults, **fields})


# --- Real-browser tests (Playwright driving Debian's Chromium) ---------------

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    """A headless Chromium for tests marked `browser`; `make test` installs it."""
    import os

    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run `make test`, which installs Debian's chromium")
    # Playwright's sync API runs an event loop; Django's ORM must be allowed beside it.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="id-ID", timezone_id="Asia/Jakarta")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


# --- Generated documents -----------------------------------------------------


@pytest.fixture(scope="session")
def dev_cert_dir(tmp_path_factory):
    # One development certificate for the whole run: making an RSA key is slow.
    return tmp_path_factory.mktemp("dev-certs")


@pytest.fixture(autouse=True)
def _isolated_files(settings, tmp_path, dev_cert_dir):
    """Stored PDFs and the PAdES development certificate stay out of the worktree."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PADES_PKCS12_PATH = ""
    settings.PADES_DEV_CERT_DIR = dev_cert_dir
    settings.PADES_TSA_URL = ""
    settings.PADES_DOCUMENT_TIMESTAMP = True
    settings.PADES_TRUST_ROOTS = ""


@pytest.fixture(scope="session")
def local_pki(tmp_path_factory):
    """A real CA (CRL, OCSP) and RFC 3161 TSA served on a free loopback port for the run."""
    from tests.local_pki import LocalPki

    with LocalPki.start(tmp_path_factory.mktemp("pki")) as pki:
        yield pki


@pytest.fixture
def timestamping(settings, local_pki):
    """Seal as production with a TSA does: the unit's CA-issued certificate, the local TSA."""
    for name, value in local_pki.settings().items():
        setattr(settings, name, value)
    return local_pki


def pytest_collection_modifyitems(items):
    """Run browser tests last: Playwright's session keeps an asyncio loop running in this
    thread, and libraries that call asyncio.run() (pyHanko) refuse to run beside it."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


# --- Signing stations ----------------------------------------------------------


def make_strokes(x=20, y=30, width=300, points=40):
    """A plausible signature: one wavy stroke `width` pixels wide."""
    step = width / (points - 1)
    return [[[x + i * step, y + (15 if i % 2 else 0), i * 16, 0.5] for i in range(points)]]


@pytest.fixture
def station(open_event, staff):
    from pledges.services.signing import open_station

    station, _token = open_station(open_event, "Meja 1", staff)
    return station


def bind_client(client, event, label="Meja 1"):
    """Open a station for `event` and bind `client` to it as its link's page does."""
    from pledges.services.signing import open_station

    station, token = open_station(event, label)
    response = post_station_token(client, token)
    assert response.status_code == 200, response.content
    return station


def post_station_token(client, token, **extra):
    """What /meja/hubungkan/'s script sends with the token it read from the link's fragment."""
    import json

    return client.post(
        "/meja/hubungkan/", json.dumps({"token": token}), content_type="application/json", **extra
    )


@pytest.fixture
def kiosk(client, open_event):
    """A test client bound to a fresh station of `open_event`, as a tablet is."""
    client.station = bind_client(client, open_event)
    return client


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache; each test starts with none."""
    from django.core.cache import cache

    cache.clear()
