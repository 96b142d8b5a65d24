"""A staff user finds a NIP's pledges and downloads the sealed rekam jejak, in a real browser."""

from pathlib import Path

import pytest

from pledges.models import Document
from tests.browser.axe import serious_violations
from tests.conftest import VALID_NIP, make_signatory, make_signature

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_staff_search_a_nip_and_download_its_record(staff_page, live_server, open_event, tmp_path):
    make_signature(make_signatory(open_event))
    staff_page.goto(live_server.url + "/")
    staff_page.get_by_role("link", name="Rekam jejak NIP").click()
    staff_page.get_by_label("NIP").fill(VALID_NIP)
    staff_page.get_by_role("button", name="Telusuri").click()
    staff_page.get_by_text("1 penandatanganan").wait_for()
    assert open_event.title in staff_page.content()
    assert serious_violations(staff_page) == []
    staff_page.screenshot(path=str(tmp_path / "search.png"), full_page=True)

    staff_page.get_by_role("button", name="Buat PDF rekam jejak bersegel").click()
    staff_page.get_by_role("link", name="Unduh PDF").wait_for()
    assert VALID_NIP not in staff_page.url
    with staff_page.expect_download() as download:
        staff_page.get_by_role("link", name="Unduh PDF").click()
    document = Document.objects.get(kind=Document.Kind.REKAM_JEJAK)
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    assert document.verification_code in download.value.suggested_filename
    assert serious_violations(staff_page) == []
