"""The tablet never calls a refused signature saved, and keeps it until staff can deliver it."""

import time

import pytest
from django.test import Client
from playwright.sync_api import expect

from pledges.models import Signature
from pledges.services.signing import revoke_station
from tests.browser.test_kiosk import (
    QUEUED,
    agree_to_pledge,
    bind,
    draw,
    tablet,
    wait_for_signatures,
)
from tests.conftest import make_signatory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

__all__ = ["tablet"]


def revoked_while_signing(tablet, live_server, open_event):
    make_signatory(open_event, "Rudiyanto")
    station = bind(tablet, live_server, open_event)
    tablet.locator("#search-input").fill("rudi")
    tablet.get_by_role("button", name="Rudiyanto").click()
    tablet.get_by_role("button", name="Ya, ini saya").click()
    agree_to_pledge(tablet)
    draw(tablet)
    tablet.get_by_role("button", name="Lanjut", exact=True).click()
    revoke_station(station)
    tablet.get_by_role("button", name="Ya, kirim").click()
    return station


def test_revocation_while_signing_is_told_not_saved_and_staff_see_it(
    tablet, live_server, open_event, staff
):
    station = revoked_while_signing(tablet, live_server, open_event)
    expect(tablet.get_by_role("heading", name="Tanda tangan Anda belum terkirim")).to_be_visible()
    message = tablet.locator("#outcome-message")
    expect(message).to_contain_text("Meja ini sudah dicabut oleh petugas")
    expect(tablet.locator("#undeliverable-status")).to_have_text("1 tanda tangan tidak terkirim")
    text = tablet.locator("body").inner_text()
    assert "sudah tersimpan" not in text
    assert "akan terkirim otomatis" not in text
    assert not Signature.objects.exists()

    # The next request the tablet makes brings its count to the staff page.
    tablet.get_by_role("button", name="Selesai").click()
    tablet.locator("#search-input").fill("rudi")
    deadline = time.monotonic() + 10
    while True:
        station.refresh_from_db()
        if station.undeliverable_signatures == 1 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert (station.undeliverable_signatures, station.pending_signatures) == (1, 0)
    staff_browser = Client()
    staff_browser.force_login(staff)
    html = staff_browser.get(f"/kegiatan/{open_event.pk}/meja/").content.decode()
    assert "1 tidak terkirim" in html


def test_rebinding_the_tablet_delivers_the_undeliverable_signature_exactly_once(
    tablet, live_server, open_event
):
    old = revoked_while_signing(tablet, live_server, open_event)
    tablet.get_by_role("heading", name="Tanda tangan Anda belum terkirim").wait_for()
    # Nobody new can sign at a revoked station.
    tablet.get_by_role("button", name="Selesai").click()
    make_signatory(open_event, "Siti Aminah", nip="")
    tablet.locator("#search-input").fill("siti")
    expect(tablet.get_by_role("heading", name="Meja tidak dapat dipakai")).to_be_visible()

    new = bind(tablet, live_server, open_event, label="Meja 2")
    assert wait_for_signatures(1) == 1
    tablet.locator("#undeliverable-status").wait_for(state="hidden")
    # Stored on the server first, then taken off the tablet once the answer arrives.
    deadline = time.monotonic() + 15
    while tablet.evaluate(QUEUED) != 0:
        assert time.monotonic() < deadline, "the delivered signature stayed queued"
        time.sleep(0.2)
    # A reload sends nothing again.
    tablet.reload()
    tablet.get_by_role("heading", name="Selamat datang").wait_for()
    tablet.locator("#kiosk[data-ready]").wait_for(state="attached")
    time.sleep(1.5)
    signature = Signature.objects.get()
    assert signature.signatory.full_name == "Rudiyanto"
    assert signature.station == new
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.undeliverable_signatures == 0
    assert (new.pending_signatures, new.undeliverable_signatures) == (0, 0)
