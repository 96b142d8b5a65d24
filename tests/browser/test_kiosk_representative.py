"""A representative signs "mewakili" an official on the tablet, with a surat tugas number."""

import pytest

from pledges.models import Event, Representation, Signature
from tests.browser.axe import assert_accessible
from tests.browser.test_kiosk import (
    LANDSCAPE,
    PHONE,
    PORTRAIT,
    agree_to_pledge,
    bind,
    draw,
    tablet,
    wait_for_signatures,
)
from tests.browser.test_kiosk_layout import in_view, no_scrolling, targets_are_big_enough
from tests.conftest import make_signatory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

__all__ = ["tablet"]


def test_a_representative_signs_for_the_official_and_both_are_stored_together(
    tablet, live_server, open_event
):
    Event.objects.filter(pk=open_event.pk).update(allow_representatives=True)
    official = make_signatory(
        open_event, "Ir. Wahyu Hidayat", position="Kepala Dinas PUPR", category="kepala_opd"
    )
    bind(tablet, live_server, open_event)
    tablet.set_viewport_size(PORTRAIT)
    tablet.locator("#search-input").fill("Wahyu")
    tablet.get_by_role("button", name="Ir. Wahyu Hidayat").click()
    offer = tablet.get_by_role("button", name="Saya mewakili pejabat ini (dengan surat tugas)")
    for size in (PORTRAIT, LANDSCAPE, PHONE):  # the confirm screen still fits with the offer
        tablet.set_viewport_size(size)
        no_scrolling(tablet)
        in_view(tablet, "#represent-start")
    tablet.set_viewport_size(PORTRAIT)
    offer.click()
    tablet.get_by_role("heading", name="Mewakili Ir. Wahyu Hidayat").wait_for()
    form = tablet.locator("#represent-form")
    form.get_by_label("Nama lengkap Anda").fill("Sri Lestari, S.T.")
    form.get_by_label("Jabatan Anda").fill("Sekretaris Dinas PUPR")
    form.get_by_role("button", name="Lanjut ke ikrar").click()
    # Nothing is sent without the surat tugas: the tablet says what is missing.
    assert tablet.locator("#represent-error").inner_text() == "Isi nomor surat tugas."
    tablet.screenshot(path="/tmp/kiosk-represent-portrait.png")
    assert_accessible(tablet, "kiosk: representative form")
    for size in (LANDSCAPE, PHONE, PORTRAIT):
        tablet.set_viewport_size(size)
        tablet.screenshot(path=f"/tmp/kiosk-represent-{size['width']}.png")
        no_scrolling(tablet)
        targets_are_big_enough(tablet)
    tablet.set_viewport_size(LANDSCAPE)
    tablet.screenshot(path="/tmp/kiosk-represent-landscape.png")
    tablet.set_viewport_size(PORTRAIT)
    form.get_by_label("Nomor surat tugas").fill("094/77/PUPR/2024")
    assert tablet.locator("#represent-error").is_hidden()  # cleared as the signer acts
    form.get_by_role("button", name="Lanjut ke ikrar").click()
    assert (
        "Sri Lestari, S.T. a.n. Ir. Wahyu Hidayat"
        in tablet.locator(".kiosk-signer").first.inner_text()
    )
    agree_to_pledge(tablet)
    draw(tablet)
    tablet.get_by_role("button", name="Lanjut", exact=True).click()
    tablet.get_by_role("button", name="Ya, kirim").click()
    tablet.get_by_text("Tanda tangan Anda sudah tersimpan.").wait_for()
    assert wait_for_signatures(1) == 1
    deputy = Representation.objects.get(signatory=official)
    assert (deputy.full_name, deputy.position, deputy.letter_number) == (
        "Sri Lestari, S.T.",
        "Sekretaris Dinas PUPR",
        "094/77/PUPR/2024",
    )
    assert Signature.objects.get().signatory == official


def test_without_the_events_permission_the_tablet_offers_no_representation(
    tablet, live_server, open_event
):
    make_signatory(open_event, "Ir. Wahyu Hidayat", category="kepala_opd")
    bind(tablet, live_server, open_event)
    tablet.locator("#search-input").fill("Wahyu")
    tablet.get_by_role("button", name="Ir. Wahyu Hidayat").click()
    tablet.get_by_role("heading", name="Apakah ini Anda?").wait_for()
    assert (
        tablet.get_by_role("button", name="Saya mewakili pejabat ini (dengan surat tugas)").count()
        == 0
    )
