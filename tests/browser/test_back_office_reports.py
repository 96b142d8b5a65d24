"""The reports staff read and hand on, in a real browser: the laporan and the national picture."""

import io
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

from pledges.models import Document
from tests.browser.axe import serious_violations
from tests.browser.conftest import logged_in_page
from tests.conftest import make_signatory, make_signature

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_staff_write_the_laporan_with_a_photo_and_download_it(
    staff_page, live_server, open_event, tmp_path
):
    make_signature(make_signatory(open_event))
    photo = tmp_path / "apel.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 800), (180, 40, 40)).save(buffer, "JPEG")
    photo.write_bytes(buffer.getvalue())

    staff_page.goto(f"{live_server.url}/kegiatan/{open_event.pk}/")
    staff_page.get_by_role("link", name="Laporan").click()
    text = staff_page.get_by_label("Teks laporan").input_value()
    assert "Kegiatan ini dihadiri Sekretaris Daerah." in text
    staff_page.get_by_label("Foto (JPEG, PNG atau WebP, paling besar 10 MB)").set_input_files(
        str(photo)
    )
    staff_page.get_by_label("Keterangan").fill("Pembacaan ikrar")
    staff_page.get_by_role("button", name="Unggah foto").click()
    staff_page.get_by_text("Foto diunggah.").wait_for()
    # The message is in the page before the photo has come back from the server.
    expect(staff_page.locator("figure img")).to_have_js_property("naturalWidth", 1200)
    assert serious_violations(staff_page) == []
    staff_page.screenshot(path=str(tmp_path / "laporan.png"), full_page=True)

    staff_page.get_by_role("button", name="Buat PDF laporan bersegel").click()
    staff_page.goto(f"{live_server.url}/kegiatan/{open_event.pk}/laporan/")
    with staff_page.expect_download() as download:
        staff_page.get_by_role("link", name="Unduh PDF").first.click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    assert Document.objects.get(kind=Document.Kind.LAPORAN).status == Document.Status.READY


def test_national_staff_read_the_chart_and_open_a_province(
    browser, live_server, unit_ri, open_event, tmp_path
):
    from tests.conftest import make_staff

    make_signature(
        make_signatory(open_event, "Camat Gadingrejo", category="camat", led_region_id="35.75.01")
    )
    page = logged_in_page(browser, live_server, make_staff(unit_ri, "pusat"))
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Rekap per provinsi").click()
    bar = page.locator("svg.national-chart rect.chart-bar")
    assert bar.count() == 1
    # 1 of 2 kecamatan and none of 3 kelurahan: 20 %, drawn as a red bar.
    assert "chart-low" in bar.get_attribute("class")
    assert bar.bounding_box()["width"] > 50
    assert page.locator("svg.national-chart").get_by_text("20 %", exact=True).is_visible()
    assert serious_violations(page) == []
    page.screenshot(path=str(tmp_path / "national.png"), full_page=True)
    page.get_by_role("link", name="Jawa Timur").click()
    page.get_by_role("heading", name="Rekap Jawa Timur").wait_for()
    assert page.get_by_role("cell", name="Kota Pasuruan").is_visible()
    page.context.close()
