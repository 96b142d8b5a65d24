"""Each kiosk screen fits a 10-inch tablet either way up, and a phone, without scrolling."""

import os
import time
from pathlib import Path

import pytest
from django.core.files.base import ContentFile

from pledges.models import BawasluUnit, Event
from tests.browser.test_kiosk import LANDSCAPE, PHONE, PORTRAIT, agree_to_pledge, bind, draw, tablet
from tests.conftest import make_signatory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

__all__ = ["tablet"]

SCREENS = {"portrait": PORTRAIT, "landscape": LANDSCAPE, "phone": PHONE}
# Screenshots for people to look at; set KIOSK_SHOTS to a folder to keep them.
SHOTS = os.environ.get("KIOSK_SHOTS")
# A 1×1 PNG, enough to stand for a unit's logo.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d4944415478da63f8cfc0f01f0005000201a0e7d1b40000000049454e44ae426082"
)


def in_view(tablet, selector):
    box = tablet.locator(selector).bounding_box()
    viewport = tablet.viewport_size
    assert box is not None, f"{selector} is not shown"
    assert box["x"] >= 0 and box["y"] >= 0, (selector, box)
    assert box["x"] + box["width"] <= viewport["width"] + 0.5, (selector, box, viewport)
    assert box["y"] + box["height"] <= viewport["height"] + 0.5, (selector, box, viewport)
    return box


def no_scrolling(tablet):
    height = tablet.evaluate("document.documentElement.scrollHeight")
    assert height <= tablet.viewport_size["height"], f"the page is {height} px tall"


def overlap(a, b) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


def nothing_under_the_review(tablet):
    """The review covers neither the signature nor a button the signer could still see."""
    review = in_view(tablet, "#sign-review")
    assert not overlap(review, in_view(tablet, "#signature-pad")), "the review hides the pad"
    covered = [
        name
        for name, box in tablet.evaluate(
            """() => Array.from(document.querySelectorAll("#screen-sign button"))
              .filter((button) => !button.closest("#sign-review") && button.offsetParent)
              .map((button) => [button.textContent.trim(), button.getBoundingClientRect()])
              .map(([name, box]) => [name, {x: box.x, y: box.y, width: box.width,
                                            height: box.height}])"""
        )
        if overlap(review, box)
    ]
    assert covered == [], f"the review lies over {covered}"


def targets_are_big_enough(tablet):
    small = tablet.evaluate(
        """() => Array.from(document.querySelectorAll("button, input, select, .kiosk-agree"))
          .filter((element) => element.offsetParent !== null && element.type !== "hidden")
          .map((element) => [element.id || element.textContent.trim(),
                             element.getBoundingClientRect()])
          .filter(([, box]) => box.width < 48 || box.height < 48)
          .map(([name, box]) => `${name}: ${box.width}×${box.height}`)"""
    )
    assert small == []


def shot(tablet, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        tablet.screenshot(path=str(Path(SHOTS) / f"{name}.png"))


@pytest.mark.parametrize("screen", SCREENS)
def test_every_screen_fits_without_scrolling(tablet, live_server, open_event, screen):
    Event.objects.filter(pk=open_event.pk).update(allow_walk_ins=True)
    make_signatory(open_event, "Rudiyanto")
    tablet.set_viewport_size(SCREENS[screen])
    bind(tablet, live_server, open_event)
    tablet.locator("#search-input").fill("rudi")
    tablet.get_by_role("button", name="Rudiyanto").wait_for()
    targets_are_big_enough(tablet)
    shot(tablet, f"{screen}-1-search")
    tablet.get_by_role("button", name="Rudiyanto").click()
    in_view(tablet, "text=Ya, ini saya")
    targets_are_big_enough(tablet)
    shot(tablet, f"{screen}-2-confirm")
    tablet.get_by_role("button", name="Ya, ini saya").click()
    if screen != "phone":  # a phone scrolls through the pledge's text, as it must
        in_view(tablet, "#pledge-next")
        no_scrolling(tablet)
    targets_are_big_enough(tablet)
    shot(tablet, f"{screen}-3-pledge")
    agree_to_pledge(tablet)

    # The pad and the button to go on, together, with nothing to scroll.
    pad = in_view(tablet, "#signature-pad")
    in_view(tablet, "#sign-next")
    no_scrolling(tablet)
    assert pad["height"] >= 200
    targets_are_big_enough(tablet)
    draw(tablet)
    shot(tablet, f"{screen}-4-sign")
    tablet.get_by_role("button", name="Lanjut", exact=True).click()
    in_view(tablet, "#sign-submit")
    in_view(tablet, "#sign-back")
    nothing_under_the_review(tablet)
    if screen != "phone":
        no_scrolling(tablet)
    targets_are_big_enough(tablet)
    shot(tablet, f"{screen}-5-review")
    # Back to the pad: its buttons again, the review gone.
    tablet.get_by_role("button", name="Perbaiki").click()
    in_view(tablet, "#sign-next")
    tablet.get_by_role("button", name="Lanjut", exact=True).click()
    tablet.get_by_role("button", name="Ya, kirim").click()
    tablet.get_by_text("Tanda tangan Anda sudah tersimpan.").wait_for()
    in_view(tablet, "#screen-thanks button")
    shot(tablet, f"{screen}-6-thanks")
    tablet.get_by_role("button", name="Selesai").click()
    tablet.get_by_role("button", name="Nama saya tidak ada di daftar").click()
    in_view(tablet, "#walk-in-form button.btn-primary")
    targets_are_big_enough(tablet)
    shot(tablet, f"{screen}-7-walk-in")


def test_tablet_shows_the_units_logo_and_the_event(tablet, live_server, open_event):
    unit = BawasluUnit.objects.get(pk=open_event.unit_id)
    unit.logo.save("logo.png", ContentFile(PNG), save=True)
    bind(tablet, live_server, open_event)
    logo = tablet.get_by_role("img", name="Logo Bawaslu Kota Pasuruan")
    # The image arrives a moment after the page: wait for it, then check it drew.
    deadline = time.monotonic() + 10
    while not logo.evaluate("(image) => image.complete"):
        assert time.monotonic() < deadline, "the logo never loaded"
        time.sleep(0.1)
    assert logo.evaluate("(image) => image.naturalWidth") == 1
    assert tablet.locator(".kiosk-event").inner_text() == open_event.title
    assert "Bawaslu Kota Pasuruan" in tablet.locator(".kiosk-unit").inner_text()


def test_without_a_logo_the_tablet_names_the_unit(tablet, live_server, open_event):
    bind(tablet, live_server, open_event)
    assert tablet.locator(".kiosk-logo").count() == 0
    assert tablet.locator(".kiosk-unit").inner_text() == "Bawaslu Kota Pasuruan"
