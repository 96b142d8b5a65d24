"""A camat who is not on the list registers at the venue, chooses the kecamatan, and counts."""

import pytest
from playwright.sync_api import expect

from pledges.models import Event, Signatory
from pledges.services.coverage import SIGNED, event_coverage
from tests.browser.test_kiosk import agree_to_pledge, bind, draw, tablet, wait_for_signatures

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

__all__ = ["tablet"]


def test_walk_in_camat_chooses_the_kecamatan_and_counts_in_coverage(
    tablet, live_server, open_event
):
    Event.objects.filter(pk=open_event.pk).update(allow_walk_ins=True)
    bind(tablet, live_server, open_event)
    tablet.get_by_role("button", name="Nama saya tidak ada di daftar").click()
    form = tablet.locator("#walk-in-form")
    form.get_by_label("Nama lengkap").fill("Hartono, S.Sos.")
    form.get_by_label("Kategori").select_option(label="Camat")
    region = form.get_by_label("Kecamatan yang Anda pimpin")
    expect(region.locator("option", has_text="Kec. Purworejo")).to_have_count(1)
    # A lurah is offered kelurahan, not kecamatan.
    form.get_by_label("Kategori").select_option(label="Lurah")
    expect(form.get_by_label("Kelurahan yang Anda pimpin").locator("option")).to_have_count(4)
    form.get_by_label("Kategori").select_option(label="Camat")
    region.select_option(label="Kec. Purworejo")
    form.get_by_label("NIP").fill("198604112008012002")
    form.get_by_label("Jabatan").fill("Camat Purworejo")
    form.get_by_role("button", name="Daftar dan lanjut").click()

    agree_to_pledge(tablet)
    draw(tablet)
    tablet.get_by_role("button", name="Lanjut", exact=True).click()
    tablet.get_by_role("button", name="Ya, kirim").click()
    tablet.get_by_text("Tanda tangan Anda sudah tersimpan.").wait_for()
    assert wait_for_signatures(1) == 1
    camat = Signatory.objects.get(full_name="Hartono, S.Sos.")
    assert camat.led_region_id == "35.75.02"
    statuses = {d.region.code: d.status for d in event_coverage(open_event).districts}
    assert statuses["35.75.02"] == SIGNED
