"""axe-core on every screen of the tablet: no serious or critical violation."""

import pytest
from playwright.sync_api import expect

from pledges.models import Event
from pledges.services.signing import open_station, revoke_station
from tests.browser.axe import assert_accessible
from tests.browser.test_kiosk import agree_to_pledge, bind, draw, tablet
from tests.conftest import make_signatory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

__all__ = ["tablet"]


def test_every_kiosk_screen_passes_axe(tablet, live_server, open_event):
    Event.objects.filter(pk=open_event.pk).update(allow_walk_ins=True)
    make_signatory(open_event, "Rudiyanto")
    make_signatory(open_event, "Siti Aminah", nip="")

    tablet.goto(f"{live_server.url}/meja/hubungkan/")
    expect(tablet.get_by_role("heading", name="Tablet belum terhubung ke meja")).to_be_visible()
    assert_accessible(tablet, "bind page without a token")
    tablet.goto(f"{live_server.url}/meja/")
    assert_accessible(tablet, "refused page")

    station = bind(tablet, live_server, open_event)
    assert_accessible(tablet, "search")
    tablet.locator("#search-input").fill("rudi")
    tablet.get_by_role("button", name="Rudiyanto").wait_for()
    assert_accessible(tablet, "search results")
    tablet.locator("#search-input").fill("tidak ada orangnya")
    tablet.get_by_text("Nama tidak ditemukan").wait_for()
    assert_accessible(tablet, "search without results")

    tablet.locator("#search-input").fill("rudi")
    tablet.get_by_role("button", name="Rudiyanto").click()
    assert_accessible(tablet, "confirm")
    tablet.get_by_role("button", name="Ya, ini saya").click()
    tablet.get_by_role("button", name="Lanjut ke tanda tangan").click()
    assert_accessible(tablet, "pledge with its error")
    agree_to_pledge(tablet)
    tablet.get_by_role("button", name="Lanjut", exact=True).click()
    assert_accessible(tablet, "sign with its error")
    draw(tablet)
    tablet.get_by_role("button", name="Lanjut", exact=True).click()
    assert_accessible(tablet, "review")
    tablet.get_by_role("button", name="Ya, kirim").click()
    tablet.get_by_text("Tanda tangan Anda sudah tersimpan.").wait_for()
    assert_accessible(tablet, "thanks")

    tablet.get_by_role("button", name="Selesai").click()
    tablet.get_by_role("button", name="Nama saya tidak ada di daftar").click()
    tablet.locator("#walk-in-form").get_by_label("Kategori").select_option(label="Camat")
    tablet.get_by_label("Kecamatan yang Anda pimpin").locator("option").nth(1).wait_for(
        state="attached"
    )
    tablet.get_by_role("button", name="Daftar dan lanjut").click()
    tablet.locator("#walk-in-error").wait_for()
    assert_accessible(tablet, "walk-in with its error")

    tablet.locator("#walk-in-form").get_by_role("button", name="Batal").click()
    tablet.locator("#search-input").fill("siti")
    tablet.get_by_role("button", name="Siti Aminah").click()
    tablet.get_by_role("button", name="Ya, ini saya").click()
    agree_to_pledge(tablet)
    draw(tablet)
    tablet.get_by_role("button", name="Lanjut", exact=True).click()
    revoke_station(station)
    tablet.get_by_role("button", name="Ya, kirim").click()
    tablet.get_by_role("heading", name="Tanda tangan Anda belum terkirim").wait_for()
    assert_accessible(tablet, "undelivered")

    _other, token = open_station(open_event, "Meja 9")
    revoke_station(_other)
    tablet.goto(f"{live_server.url}/meja/hubungkan/#{token}")
    expect(tablet.get_by_text("Meja ini sudah dicabut oleh petugas")).to_be_visible()
    assert_accessible(tablet, "bind page refused")
