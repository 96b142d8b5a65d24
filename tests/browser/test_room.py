"""The room in a real browser: the venue screen on a projector, the signer's copy on a phone."""

import hashlib
import os
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from pledges.models import Document, Signature, VenueDisplay
from pledges.models.templates import COLLECTIVE, pledge_form
from pledges.services.venue import move_display, open_display, revoke_display
from tests.browser.axe import assert_accessible
from tests.browser.test_kiosk import PHONE, bind, sign_as, tablet, wait_until
from tests.conftest import VALID_NIP, make_signatory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

__all__ = ["tablet"]

HALL = {"width": 1920, "height": 1080}
# Screenshots for people to look at; set ROOM_SHOTS (or KIOSK_SHOTS) to a folder to keep them.
SHOTS = os.environ.get("ROOM_SHOTS") or os.environ.get("KIOSK_SHOTS")


def shot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"))


@pytest.fixture
def screen(browser):
    context = browser.new_context(viewport=HALL, locale="id-ID", timezone_id="Asia/Jakarta")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport=PHONE, has_touch=True, is_mobile=True, locale="id-ID", timezone_id="Asia/Jakarta"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def fits(page, selector):
    """The element is whole on the screen: nothing read aloud is cut off or scrolled away."""
    box = page.locator(selector).bounding_box()
    view = page.viewport_size
    assert box and box["y"] >= 0 and box["y"] + box["height"] <= view["height"] + 0.5, box
    assert page.evaluate("document.documentElement.scrollHeight") <= view["height"]


def test_venue_screen_reads_the_pledge_point_by_point_then_the_wall_follows_a_tablet(
    screen, tablet, live_server, open_event
):
    make_signatory(open_event, "Rudiyanto", position="Sekretaris Daerah")
    make_signatory(open_event, "Siti Aminah", nip="", position="Kepala Dinas Pendidikan")
    display, token = open_display(open_event, "Layar utama")
    pledge = open_event.frozen_pledge
    screen.goto(f"{live_server.url}/layar/#{token}")
    reading = screen.locator("#reading-text")
    expect(reading).to_have_text(pledge_form(pledge, COLLECTIVE)["opening"])
    assert token not in screen.url  # out of the address bar at once
    shot(screen, "venue-1920-opening")
    for number, point in enumerate(pledge["points"], start=1):
        screen.keyboard.press("ArrowRight" if number % 2 else "PageDown")  # keys or a clicker
        expect(reading).to_have_text(point)
        expect(screen.locator("#reading-number")).to_have_text(f"{number}.")
        fits(screen, "#reading-text")
        if number == 2:
            assert_accessible(screen, "venue reading")
            shot(screen, "venue-1920-point")
    screen.keyboard.press("ArrowLeft")
    expect(reading).to_have_text(pledge["points"][-2])
    screen.keyboard.press("ArrowRight")
    screen.keyboard.press("Space")
    expect(reading).to_have_text(pledge_form(pledge, COLLECTIVE)["closing"])
    # The screen's keys moved it on the server too (staff see where it is) ...
    closing = len(pledge["points"]) + 1
    deadline = time.monotonic() + 5
    while VenueDisplay.objects.get(pk=display.pk).step != closing:
        assert time.monotonic() < deadline
        time.sleep(0.1)
    # ... and staff move it from their page: the screen follows within a poll.
    display.refresh_from_db()
    move_display(display, by=1)
    expect(screen.locator("#venue-wall")).to_be_visible()
    expect(screen.locator("#wall-signed")).to_have_text("0")
    expect(screen.locator("#wall-registered")).to_have_text("2")

    bind(tablet, live_server, open_event)
    sign_as(tablet, "rudi", "Rudiyanto")
    signed_at = time.monotonic()
    expect(screen.locator("#wall-signers li").first).to_contain_text("Rudiyanto")
    seen_after = time.monotonic() - signed_at
    expect(screen.locator("#wall-signers li").first).to_contain_text("Sekretaris Daerah")
    expect(screen.locator("#wall-signed")).to_have_text("1")
    assert seen_after < 5, f"the wall showed the signature after {seen_after:.1f} s"
    assert screen.locator("#wall-progress").get_attribute("aria-valuenow") == "50"
    assert VALID_NIP not in screen.content()
    assert_accessible(screen, "venue wall")
    shot(screen, "venue-1920-wall")

    # A short drop: what is shown stays, and the screen says it is reconnecting.
    screen.context.set_offline(True)
    expect(screen.locator("#venue-status")).to_be_visible(timeout=8_000)
    expect(screen.locator("#wall-signers li")).to_have_count(1)
    shot(screen, "venue-1920-reconnecting")
    screen.context.set_offline(False)
    expect(screen.locator("#venue-status")).to_be_hidden(timeout=15_000)

    revoke_display(display)
    expect(screen.get_by_role("heading", name="Layar ini sudah dicabut")).to_be_visible()
    expect(screen.locator("#wall-signers li")).to_have_count(0)
    shot(screen, "venue-1920-revoked")


def test_venue_screen_on_a_phone(phone, live_server, open_event):
    make_signatory(open_event, "Rudiyanto", position="Sekretaris Daerah")
    display, token = open_display(open_event, "Layar ponsel")
    phone.goto(f"{live_server.url}/layar/#{token}")
    expect(phone.locator("#reading-text")).to_have_text(
        pledge_form(open_event.frozen_pledge, COLLECTIVE)["opening"]
    )
    phone.locator("#venue-reading").tap()
    expect(phone.locator("#reading-number")).to_have_text("1.")
    fits(phone, "#reading-text")
    shot(phone, "venue-phone-point")
    # A reload keeps the screen's token (in the tab) and where the reading was.
    phone.reload()
    expect(phone.locator("#reading-number")).to_have_text("1.")
    move_display(display, to=100)
    expect(phone.locator("#venue-wall")).to_be_visible()
    shot(phone, "venue-phone-wall")


def copy_code(tablet):
    code = tablet.locator("#thanks-code")
    expect(code).to_have_text(__import__("re").compile(r"^[A-Z2-9]{5}-[A-Z2-9]{5}$"))
    return code.inner_text()


def test_signer_scans_the_thank_you_code_and_downloads_their_own_pdf_once(
    tablet, phone, live_server, open_event
):
    rudi = make_signatory(open_event, "Rudiyanto")
    siti = make_signatory(open_event, "Siti Aminah", nip="")
    bind(tablet, live_server, open_event)
    sign_as(tablet, "rudi", "Rudiyanto")
    expect(tablet.locator("#thanks-qr svg")).to_be_visible()
    code = copy_code(tablet)
    assert_accessible(tablet, "thanks with copy")
    shot(tablet, "copy-tablet-thanks")

    phone.goto(f"{live_server.url}/salinan/{code}/")
    phone.get_by_role("link", name="Unduh PDF pakta integritas").wait_for()
    expect(phone.get_by_role("heading", name="Rudiyanto")).to_be_visible()
    assert_accessible(phone, "copy ready")
    shot(phone, "copy-phone-ready")
    with phone.expect_download() as download:
        phone.get_by_role("link", name="Unduh PDF pakta integritas").click()
    pdf = Path(download.value.path()).read_bytes()
    ready = Document.objects.get(signatory=rudi, status=Document.Status.READY)
    assert hashlib.sha256(pdf).hexdigest() == ready.sha256
    assert pdf.startswith(b"%PDF")

    # The tablet hands out a code only for its own signature of a moment ago.
    tablet.get_by_role("button", name="Selesai").click()
    sign_as(tablet, "siti", "Siti Aminah")
    other_code = copy_code(tablet)
    assert other_code != code
    siti_signature = Signature.objects.get(signatory=siti).pk
    refused = tablet.evaluate(
        """async ([url, id]) => {
          const csrf = document.cookie.match(/csrftoken=([^;]+)/)[1];
          const headers = {"Content-Type": "application/json", "X-CSRFToken": csrf};
          const body = JSON.stringify({signature: id});
          const response = await fetch(url, {method: "POST", headers, body});
          return [response.status, (await response.json()).code];
        }""",
        ["/meja/api/salinan/", siti_signature + 1000],
    )
    assert refused == [403, "copy_not_issuable"]
    # Used up after its few retries: the link says so instead of handing out the PDF again.
    for _ in range(2):
        phone.goto(f"{live_server.url}/salinan/{code}/")
    phone.goto(f"{live_server.url}/salinan/{code}/")
    for _ in range(3):
        phone.request.get(f"{live_server.url}/salinan/{code}/unduh/")
    phone.goto(f"{live_server.url}/salinan/{code}/")
    expect(phone.get_by_role("heading", name="Tautan salinan tidak berlaku lagi")).to_be_visible()
    shot(phone, "copy-phone-used")


def test_thank_you_screen_is_honest_when_the_signature_is_only_queued(
    tablet, live_server, open_event
):
    make_signatory(open_event, "Rudiyanto")
    station = bind(tablet, live_server, open_event)
    wait_until(tablet, f"localStorage.getItem('netralitas.signatories.{station.pk}') !== null")
    tablet.context.set_offline(True)
    sign_as(tablet, "rudi", "Rudiyanto")
    expect(tablet.locator("#thanks-no-copy")).to_contain_text("belum dapat diberikan")
    expect(tablet.locator("#thanks-no-copy")).to_contain_text("Petugas Bawaslu dapat mencetak")
    assert tablet.locator("#thanks-copy").is_hidden()
    shot(tablet, "copy-tablet-offline")


def test_a_full_wall_stays_readable_on_the_hall_screen_and_a_phone(
    screen, phone, live_server, open_event
):
    from tests.conftest import make_signature

    for number in range(80):
        signer = make_signatory(
            open_event,
            f"Pejabat Nomor {number:02d} Dengan Nama Cukup Panjang",
            nip="",
            position="Kepala Dinas Pekerjaan Umum dan Penataan Ruang",
            category="kepala_opd",
        )
        if number < 47:
            make_signature(signer)
    display, token = open_display(open_event, "Layar")
    move_display(display, to=100)
    for page, name in ((screen, "venue-1920-wall-full"), (phone, "venue-phone-wall-full")):
        page.goto(f"{live_server.url}/layar/#{token}")
        expect(page.locator("#wall-signed")).to_have_text("47")
        expect(page.locator("#wall-signers li").first).to_contain_text("Nomor 46")
        assert (
            page.evaluate("document.documentElement.scrollHeight") <= page.viewport_size["height"]
        )
        shot(page, name)


def test_staff_open_the_screen_from_the_stations_page_and_lead_it_with_its_buttons(
    page, screen, live_server, staff, open_event
):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/")
    page.get_by_label("Nama pengguna").fill("petugas")
    page.get_by_label("Sandi").fill("rahasia-uji-123")
    page.get_by_role("button", name="Masuk").click()
    page.goto(f"{live_server.url}/kegiatan/{open_event.pk}/meja/")
    page.get_by_label("Nama layar").fill("Layar utama")
    page.get_by_role("button", name="Buka layar acara").click()
    link = page.locator("[data-display-link]").inner_text()
    screen.goto(link)
    reading = screen.locator("#reading-text")
    expect(reading).to_have_text(pledge_form(open_event.frozen_pledge, COLLECTIVE)["opening"])
    page.get_by_role("button", name="Berikutnya ›").click()
    expect(reading).to_have_text(open_event.frozen_pledge["points"][0])
    expect(page.locator("[data-display-step]")).to_contain_text("bagian 2 dari")
    assert_accessible(page, "stations page with a venue screen")
    shot(page, "venue-staff-controls")
    page.get_by_role("button", name="Daftar tanda tangan").click()
    expect(screen.locator("#venue-wall")).to_be_visible()
    page.get_by_role("button", name="Cabut").last.click()
    expect(screen.get_by_role("heading", name="Layar ini sudah dicabut")).to_be_visible()


def test_two_quick_presses_reach_the_server_in_order_when_the_first_is_slow(
    screen, live_server, open_event, monkeypatch
):
    from pledges.web.views import venue as views

    display, token = open_display(open_event, "Layar utama")
    handled = []

    def slow_first_point(venue_display, **move):
        if move.get("to") == 1:
            time.sleep(1.5)  # a slow network or server: the next press is already made
        step = move_display(venue_display, **move)
        handled.append(move)
        return step

    monkeypatch.setattr(views, "move_display", slow_first_point)
    screen.goto(f"{live_server.url}/layar/#{token}")
    pledge = open_event.frozen_pledge
    reading = screen.locator("#reading-text")
    expect(reading).to_have_text(pledge_form(pledge, COLLECTIVE)["opening"])

    screen.keyboard.press("ArrowRight")
    screen.keyboard.press("ArrowRight")

    expect(screen.locator("#reading-number")).to_have_text("2.")
    deadline = time.monotonic() + 10
    while not ({"to": 1} in handled and {"to": 2} in handled):
        assert time.monotonic() < deadline, handled
        time.sleep(0.1)
    # The screen, staff and a reload all agree on where the reading is.
    assert VenueDisplay.objects.get(pk=display.pk).step == 2
    assert handled.index({"to": 1}) < handled.index({"to": 2})
    time.sleep(0.5)  # a poll in between does not move the screen back
    expect(reading).to_have_text(pledge["points"][1])
