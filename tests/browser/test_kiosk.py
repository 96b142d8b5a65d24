"""The tablet in a real browser: Debian's Chromium, tablet-sized, with touch."""

import json
import re
import time

import pytest
from playwright.sync_api import expect

from pledges.models import Signature
from pledges.rendering.pictures import signature_svg
from pledges.services.signing import open_station, revoke_station
from tests.conftest import make_signatory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LANDSCAPE = {"width": 1280, "height": 800}
PORTRAIT = {"width": 800, "height": 1280}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def tablet(browser):
    context = browser.new_context(
        viewport=LANDSCAPE, has_touch=True, locale="id-ID", timezone_id="Asia/Jakarta"
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def bind(tablet, live_server, event, label="Meja 1"):
    """Open the station's link as staff give it to the tablet: the token after the #."""
    station, token = open_station(event, label)
    tablet.goto(f"{live_server.url}/meja/hubungkan/#{token}")
    tablet.get_by_role("heading", name="Selamat datang").wait_for()
    # The heading is in the page before kiosk.js has run and opened its queue.
    tablet.locator("#kiosk[data-ready]").wait_for(state="attached")
    return station


def wait_until(tablet, expression, timeout=10):
    """Poll `expression` in the page from Python until it is true.

    Playwright's own wait_for_function polls with eval inside the page, which
    the kiosk's Content-Security-Policy rightly forbids (it fails whenever the
    first check is false).
    """
    deadline = time.monotonic() + timeout
    while not tablet.evaluate(expression):
        assert time.monotonic() < deadline, f"never true: {expression}"
        time.sleep(0.2)


# How many signatures the tablet's IndexedDB queue holds.
QUEUED = """async () => {
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open("netralitas");
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const count = await new Promise((resolve) => {
    const request = db.transaction("queue").objectStore("queue").count();
    request.onsuccess = () => resolve(request.result);
  });
  db.close();
  return count;
}"""


def draw(tablet, start=(0.1, 0.3), end=(0.6, 0.7), steps=24):
    pad = tablet.locator("#signature-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    x0, y0 = box["x"] + box["width"] * start[0], box["y"] + box["height"] * start[1]
    x1, y1 = box["x"] + box["width"] * end[0], box["y"] + box["height"] * end[1]
    tablet.mouse.move(x0, y0)
    tablet.mouse.down()
    for step in range(1, steps + 1):
        wave = 25 if step % 2 else -25
        tablet.mouse.move(
            x0 + (x1 - x0) * step / steps, y0 + (y1 - y0) * step / steps + wave, steps=2
        )
    tablet.mouse.up()


def agree_to_pledge(tablet):
    """On the pledge's own screen: agree, and go on to the pad."""
    tablet.locator("#agree").check()
    tablet.get_by_role("button", name="Lanjut ke tanda tangan").click()
    tablet.locator("#signature-pad").wait_for()


def sign_as(tablet, name_query, name):
    tablet.locator("#search-input").fill(name_query)
    tablet.get_by_role("button", name=name).click()
    tablet.get_by_role("heading", name="Apakah ini Anda?").wait_for()
    tablet.get_by_role("button", name="Ya, ini saya").click()
    agree_to_pledge(tablet)
    draw(tablet)
    tablet.get_by_role("button", name="Lanjut", exact=True).click()
    tablet.get_by_role("button", name="Ya, kirim").click()
    tablet.get_by_role("heading", name=f"Terima kasih, {name}").wait_for()


def wait_for_signatures(count, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if Signature.objects.count() >= count:
            break
        time.sleep(0.2)
    return Signature.objects.count()


def test_a_name_typed_before_the_kiosk_script_has_run_is_kept_and_searched(
    tablet, live_server, open_event
):
    make_signatory(open_event)
    held = []
    tablet.route(re.compile(r"/js/kiosk(\.[0-9a-f]+)?\.js$"), lambda route: held.append(route))
    station, token = open_station(open_event, "Meja 1")
    tablet.goto(f"{live_server.url}/meja/hubungkan/#{token}")
    tablet.get_by_role("heading", name="Selamat datang").wait_for()
    while not held:
        tablet.wait_for_timeout(50)
    tablet.locator("#search-input").fill("rudi")
    held[0].continue_()

    tablet.get_by_role("button", name="Rudiyanto").wait_for()
    expect(tablet.locator("#search-input")).to_have_value("rudi")


def test_official_finds_name_reads_pledge_signs_and_is_stored(tablet, live_server, open_event):
    signatory = make_signatory(open_event)
    station = bind(tablet, live_server, open_event)
    tablet.locator("#search-input").fill("rudi")
    tablet.get_by_role("button", name="Rudiyanto").click()
    expect(tablet.locator("#screen-confirm [data-field=position]")).to_have_text(
        "Sekretaris Daerah"
    )
    tablet.get_by_role("button", name="Ya, ini saya").click()
    expect(tablet.get_by_text("Menghindari konflik kepentingan.")).to_be_visible()
    assert tablet.locator(".kiosk-pledge ol li").count() == 4

    # The pledge is agreed to on its own screen; the error goes once the signer acts.
    tablet.get_by_role("button", name="Lanjut ke tanda tangan").click()
    expect(tablet.get_by_text("Centang pernyataan")).to_be_visible()
    tablet.locator("#agree").check()
    expect(tablet.get_by_text("Centang pernyataan")).to_be_hidden()
    tablet.get_by_role("button", name="Lanjut ke tanda tangan").click()

    # An empty pad is refused on the tablet itself, until the signer draws.
    tablet.get_by_role("button", name="Lanjut", exact=True).click()
    expect(tablet.get_by_text("Tanda tangan masih kosong")).to_be_visible()
    draw(tablet)
    expect(tablet.get_by_text("Tanda tangan masih kosong")).to_be_hidden()
    tablet.get_by_role("button", name="Lanjut", exact=True).click()
    with tablet.expect_request("**/meja/api/tanda-tangan/") as sent:
        tablet.get_by_role("button", name="Ya, kirim").click()
    tablet.get_by_text("Tanda tangan Anda sudah tersimpan.").wait_for()

    # The tablet sends each point as [x, y, t, p], as the server stores it.
    sent_strokes = json.loads(sent.value.post_data)["strokes"]
    assert all(len(point) == 4 for point in sent_strokes[0])
    assert wait_for_signatures(1) == 1
    signature = Signature.objects.get()
    assert signature.strokes == sent_strokes
    assert signature.signatory == signatory
    assert signature.station == station
    assert len(signature.strokes) == 1 and len(signature.strokes[0]) > 10
    assert signature_svg(signature).count("<path") == 1
    assert "Chrome" in signature.user_agent
    # The tablet goes back to the search by itself (after the time to scan the
    # copy's QR code), and the signer is gone from it.
    tablet.get_by_role("heading", name="Selamat datang").wait_for(timeout=30_000)
    tablet.locator("#search-input").fill("rudi")
    tablet.get_by_text("Nama tidak ditemukan").wait_for()


# The drawn ink's box inside the pad, in CSS pixels, read from the canvas itself.
INK_BOX = """() => {
  const canvas = document.getElementById("signature-pad");
  const { width, height } = canvas;
  const pixels = canvas.getContext("2d").getImageData(0, 0, width, height).data;
  let [left, top, right, bottom] = [width, height, -1, -1];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (pixels[(y * width + x) * 4 + 3] > 0) {
        left = Math.min(left, x); right = Math.max(right, x);
        top = Math.min(top, y); bottom = Math.max(bottom, y);
      }
    }
  }
  const k = canvas.getBoundingClientRect().width / width;
  return { x: left * k, y: top * k, width: (right - left) * k, height: (bottom - top) * k };
}"""


def ink_box(tablet):
    """INK_BOX once the pad has been resized for the present viewport (a resize event later)."""
    wait_until(
        tablet,
        "(() => { const c = document.getElementById('signature-pad');"
        " return c.width === Math.round(c.offsetWidth * Math.max(devicePixelRatio, 1)); })()",
    )
    return tablet.evaluate(INK_BOX)


def assert_same_box(box, expected, tolerance=0.03):
    for key, reference in (
        ("x", "width"),
        ("y", "height"),
        ("width", "width"),
        ("height", "height"),
    ):
        assert abs(box[key] - expected[key]) <= tolerance * expected[reference], (box, expected)


def test_turning_the_tablet_keeps_a_half_drawn_signature(tablet, live_server, open_event):
    make_signatory(open_event)
    bind(tablet, live_server, open_event)
    tablet.locator("#search-input").fill("Rudi")
    tablet.get_by_role("button", name="Rudiyanto").click()
    tablet.get_by_role("button", name="Ya, ini saya").click()
    agree_to_pledge(tablet)
    draw(tablet, start=(0.1, 0.2), end=(0.9, 0.8))
    drawn = ink_box(tablet)
    assert drawn["width"] > 300
    pad = tablet.locator("#signature-pad").bounding_box()

    # Portrait and back: the pad keeps its size, the ink its size and place.
    tablet.set_viewport_size(PORTRAIT)
    turned = tablet.locator("#signature-pad").bounding_box()
    assert (turned["width"], turned["height"]) == (pad["width"], pad["height"])
    assert_same_box(ink_box(tablet), drawn)
    tablet.set_viewport_size(LANDSCAPE)
    assert_same_box(ink_box(tablet), drawn)

    tablet.set_viewport_size(PORTRAIT)
    draw(tablet, start=(0.2, 0.5), end=(0.5, 0.6), steps=10)
    tablet.get_by_role("button", name="Lanjut", exact=True).click()
    tablet.get_by_role("button", name="Ya, kirim").click()
    tablet.get_by_text("Tanda tangan Anda sudah tersimpan.").wait_for()

    assert wait_for_signatures(1) == 1
    strokes = Signature.objects.get().strokes
    assert len(strokes) == 2, "the stroke drawn before turning is kept"
    xs = [point[0] for point in strokes[0]]
    assert abs((max(xs) - min(xs)) - drawn["width"]) < 0.05 * drawn["width"]


def test_turning_a_phone_twice_gives_back_the_signature_as_drawn(tablet, live_server, open_event):
    make_signatory(open_event)
    tablet.set_viewport_size(PHONE)
    bind(tablet, live_server, open_event)
    tablet.locator("#search-input").fill("Rudi")
    tablet.get_by_role("button", name="Rudiyanto").click()
    tablet.get_by_role("button", name="Ya, ini saya").click()
    agree_to_pledge(tablet)
    draw(tablet, start=(0.1, 0.2), end=(0.9, 0.8))
    drawn = ink_box(tablet)
    # On its side the phone's pad is another size: the ink is scaled evenly...
    tablet.set_viewport_size({"width": PHONE["height"], "height": PHONE["width"]})
    sideways = ink_box(tablet)
    assert abs(sideways["width"] / sideways["height"] - drawn["width"] / drawn["height"]) < 0.1
    # ...and upright again it is as it was drawn, not smaller.
    tablet.set_viewport_size(PHONE)
    assert_same_box(ink_box(tablet), drawn)


def test_offline_signatures_wait_on_the_tablet_and_arrive_exactly_once(
    tablet, live_server, open_event
):
    make_signatory(open_event, "Rudiyanto")
    make_signatory(open_event, "Siti Aminah", nip="")
    make_signatory(open_event, "Bambang Sutrisno", nip="")
    station = bind(tablet, live_server, open_event)
    # The list kept for searching by name while offline.
    wait_until(tablet, f"localStorage.getItem('netralitas.signatories.{station.pk}') !== null")
    context = tablet.context

    context.set_offline(True)
    sign_as(tablet, "rudi", "Rudiyanto")
    # Auto-waiting assertions: the queue's text follows the failed send by a moment.
    expect(tablet.get_by_text("akan terkirim otomatis")).to_be_visible()
    tablet.get_by_role("button", name="Selesai").click()
    sign_as(tablet, "siti", "Siti Aminah")
    expect(tablet.locator("#queue-status")).to_have_text("2 tanda tangan menunggu dikirim")
    # Signed people are no longer offered while their signatures wait.
    tablet.get_by_role("button", name="Selesai").click()
    tablet.locator("#search-input").fill("rudi")
    tablet.get_by_text("Nama tidak ditemukan").wait_for()
    assert Signature.objects.count() == 0

    context.set_offline(False)
    assert wait_for_signatures(2) == 2
    tablet.locator("#queue-status").wait_for(state="hidden", timeout=15_000)
    time.sleep(1)
    assert Signature.objects.count() == 2
    assert sorted(Signature.objects.values_list("signatory__full_name", flat=True)) == [
        "Rudiyanto",
        "Siti Aminah",
    ]


def test_kiosk_page_loads_from_the_service_worker_cache_when_offline(
    tablet, live_server, open_event
):
    make_signatory(open_event)
    station = bind(tablet, live_server, open_event)
    # Offline, names are found in the list the tablet keeps: wait until it is kept.
    wait_until(tablet, f"localStorage.getItem('netralitas.signatories.{station.pk}') !== null")
    wait_until(tablet, "navigator.serviceWorker.controller !== null")
    wait_until(tablet, "caches.match(location.href).then((hit) => !!hit)")
    tablet.context.set_offline(True)
    tablet.goto(f"{live_server.url}/meja/")
    tablet.get_by_role("heading", name="Selamat datang").wait_for()
    tablet.locator("#kiosk[data-ready]").wait_for(state="attached")
    tablet.locator("#search-input").fill("rudi")
    tablet.get_by_role("button", name="Rudiyanto").wait_for()


def test_station_link_binds_the_tablet_and_leaves_no_token_behind(tablet, live_server, open_event):
    make_signatory(open_event)
    station, token = open_station(open_event, "Meja 4")
    sent = []
    tablet.on("request", lambda request: sent.append((request.method, request.url)))
    with tablet.expect_request(lambda request: request.method == "POST") as bind_request:
        tablet.goto(f"{live_server.url}/meja/hubungkan/#{token}")
    tablet.get_by_role("heading", name="Selamat datang").wait_for()
    expect(tablet.locator(".kiosk-station")).to_have_text("Meja 4")
    # The token went once, in a POST body; no URL the browser asked for holds it.
    posts = [url for method, url in sent if method == "POST"]
    assert posts == [f"{live_server.url}/meja/hubungkan/"]
    assert json.loads(bind_request.value.post_data) == {"token": token}
    assert not [url for _method, url in sent if token in url]
    # Nor the address bar, nor the history the back button walks.
    assert tablet.url == f"{live_server.url}/meja/"
    tablet.go_back()
    assert token not in tablet.url
    assert "#" not in tablet.url
    station.refresh_from_db()
    assert station.last_seen_at is not None


def test_wrong_or_revoked_link_shows_a_clear_message_and_binds_nothing(
    tablet, live_server, open_event
):
    tablet.goto(f"{live_server.url}/meja/hubungkan/#tokenyangsalah")
    expect(tablet.get_by_role("heading", name="Meja tidak dapat dipakai")).to_be_visible()
    expect(tablet.get_by_text("Tautan meja tidak dikenal")).to_be_visible()
    assert "tokenyangsalah" not in tablet.url

    station, token = open_station(open_event, "Meja 5")
    revoke_station(station)
    tablet.goto(f"{live_server.url}/meja/hubungkan/#{token}")
    expect(tablet.get_by_text("Meja ini sudah dicabut oleh petugas")).to_be_visible()
    tablet.goto(f"{live_server.url}/meja/")
    expect(tablet.get_by_text("Tablet ini belum terhubung ke meja")).to_be_visible()


def test_binding_page_without_a_token_says_to_scan_the_qr_code(tablet, live_server, open_event):
    tablet.goto(f"{live_server.url}/meja/hubungkan/")
    expect(tablet.get_by_role("heading", name="Tablet belum terhubung ke meja")).to_be_visible()
    expect(tablet.get_by_text("Pindai kode QR")).to_be_visible()


def test_offline_search_finds_a_name_whichever_way_its_accents_are_typed(
    tablet, live_server, open_event
):
    make_signatory(open_event, "José Ramos-Horta", nip="")
    station = bind(tablet, live_server, open_event)
    wait_until(tablet, f"localStorage.getItem('netralitas.signatories.{station.pk}') !== null")
    tablet.context.set_offline(True)
    # "e" followed by a combining acute accent: how some keyboards type é.
    tablet.locator("#search-input").fill("jose\u0301")
    expect(tablet.get_by_role("button", name="José Ramos-Horta")).to_be_visible()
