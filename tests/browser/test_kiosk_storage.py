"""The tablet's queue in IndexedDB: moved from localStorage, and refusing out loud when full."""

import json
import time
import uuid

import pytest
from playwright.sync_api import expect

from pledges.models import Signature
from tests.browser.test_kiosk import (
    QUEUED,
    bind,
    draw,
    sign_as,
    tablet,
    wait_for_signatures,
    wait_until,
)
from tests.conftest import make_signatory, make_strokes

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

__all__ = ["tablet"]

# A disk that fills, as the browser reports it: IndexedDB refuses the write
# with QuotaExceededError and the estimate shows no room. (Chromium's own
# quota override, CDP Storage.overrideQuotaForOrigin, has no effect on
# Playwright's browser contexts in this Chromium.)
FILLING_DISK = """(() => {
  const put = IDBObjectStore.prototype.put;
  IDBObjectStore.prototype.put = function (...args) {
    if (window.diskFullForTest) throw new DOMException("Kuota habis", "QuotaExceededError");
    return put.apply(this, args);
  };
  const estimate = StorageManager.prototype.estimate;
  StorageManager.prototype.estimate = async function () {
    const real = await estimate.call(this);
    return window.diskFullForTest ? { usage: real.usage, quota: real.usage + 1000 } : real;
  };
})();"""


def test_a_localstorage_queue_of_the_old_version_moves_over_and_arrives_once(
    tablet, live_server, open_event
):
    people = [make_signatory(open_event, name, nip="") for name in ("Siti Aminah", "Bambang")]
    station = bind(tablet, live_server, open_event)
    # What the version before queued: one list per station, in localStorage.
    old = [
        {
            "idempotency_key": str(uuid.uuid4()),
            "signatory_id": person.pk,
            "name": person.full_name,
            "strokes": make_strokes(),
            "canvas_width": 800,
            "canvas_height": 320,
            "pledge_sha256": open_event.frozen_pledge_sha256,
        }
        for person in people
    ]
    tablet.route("**/meja/api/tanda-tangan/", lambda route: route.abort())
    key = f"netralitas.queue.{station.pk}"
    tablet.evaluate("([key, items]) => localStorage.setItem(key, items)", [key, json.dumps(old)])
    tablet.reload()
    tablet.get_by_role("heading", name="Selamat datang").wait_for()
    tablet.locator("#kiosk[data-ready]").wait_for(state="attached")
    expect(tablet.locator("#queue-status")).to_have_text("2 tanda tangan menunggu dikirim")
    assert tablet.evaluate(QUEUED) == 2
    assert tablet.evaluate(f"localStorage.getItem('{key}')") is None
    assert Signature.objects.count() == 0

    tablet.unroute("**/meja/api/tanda-tangan/")
    tablet.evaluate("window.dispatchEvent(new Event('online'))")
    assert wait_for_signatures(2) == 2
    tablet.locator("#queue-status").wait_for(state="hidden")
    tablet.reload()
    tablet.get_by_role("heading", name="Selamat datang").wait_for()
    tablet.locator("#kiosk[data-ready]").wait_for(state="attached")
    time.sleep(1.5)
    assert Signature.objects.count() == 2
    assert {str(s.idempotency_key) for s in Signature.objects.all()} == {
        item["idempotency_key"] for item in old
    }


def test_full_storage_refuses_the_next_signature_and_loses_none_taken(
    tablet, live_server, open_event
):
    for name in ("Rudiyanto", "Siti Aminah", "Bambang Sutrisno"):
        make_signatory(open_event, name, nip="")
    tablet.context.add_init_script(FILLING_DISK)
    station = bind(tablet, live_server, open_event)
    wait_until(tablet, f"localStorage.getItem('netralitas.signatories.{station.pk}') !== null")
    tablet.context.set_offline(True)
    sign_as(tablet, "rudi", "Rudiyanto")
    tablet.get_by_role("button", name="Selesai").click()
    sign_as(tablet, "siti", "Siti Aminah")
    tablet.get_by_role("button", name="Selesai").click()
    tablet.evaluate("window.diskFullForTest = true")

    tablet.locator("#search-input").fill("bambang")
    tablet.get_by_role("button", name="Bambang Sutrisno").click()
    tablet.get_by_role("button", name="Ya, ini saya").click()
    tablet.locator("#agree").check()
    tablet.get_by_role("button", name="Lanjut ke tanda tangan").click()
    draw(tablet)
    tablet.get_by_role("button", name="Lanjut", exact=True).click()
    tablet.get_by_role("button", name="Ya, kirim").click()
    expect(tablet.get_by_role("heading", name="Penyimpanan tablet penuh")).to_be_visible()
    expect(tablet.locator("#outcome-message")).to_contain_text("tidak diambil")
    assert "tersimpan di tablet ini dan akan terkirim" not in tablet.locator("body").inner_text()
    expect(tablet.locator("#storage-status")).to_be_visible()
    assert tablet.evaluate(QUEUED) == 2

    tablet.context.set_offline(False)
    tablet.evaluate("window.dispatchEvent(new Event('online'))")
    assert wait_for_signatures(2) == 2
    tablet.locator("#queue-status").wait_for(state="hidden")
    time.sleep(1.5)
    names = sorted(Signature.objects.values_list("signatory__full_name", flat=True))
    assert names == ["Rudiyanto", "Siti Aminah"]
    station.refresh_from_db()
    assert station.storage_low
