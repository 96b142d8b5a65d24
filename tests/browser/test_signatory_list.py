"""The event page's list in a real browser: search, filter and pages replace only the list."""

import pytest

from pledges.models import Signatory
from tests.conftest import make_signatory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_typing_a_name_filters_the_list_in_place_and_pages_follow(
    staff_page, live_server, open_event
):
    Signatory.objects.bulk_create(
        Signatory(
            event=open_event, full_name=f"Peserta {i:03d}", position="Staf", category="asn_lainnya"
        )
        for i in range(120)
    )
    make_signatory(open_event, full_name="René Wali", nip="", category="kepala_daerah")
    page = staff_page
    page.goto(f"{live_server.url}/kegiatan/{open_event.pk}/")
    page.get_by_text("Halaman 1 dari 3").wait_for()
    # The first row is the kepala daerah, though registered last.
    assert page.locator("#signatory-list tbody tr").first.inner_text().count("René Wali") == 1
    page.evaluate("window.notReloaded = true")

    page.fill("#id_q", "rene")
    page.get_by_text("cocok dari 121 penanda tangan").wait_for()
    assert page.locator("#signatory-list tbody tr").count() == 1
    assert "q=rene" in page.url
    assert page.evaluate("window.notReloaded") is True

    page.fill("#id_q", "")
    page.select_option("#id_category", "asn_lainnya")
    page.get_by_text("cocok dari 121 penanda tangan").wait_for()
    page.get_by_role("link", name="Berikutnya ›").click()
    page.get_by_text("Halaman 2 dari 3").wait_for()
    assert "Peserta 050" in page.locator("#signatory-list tbody tr").first.inner_text()
    assert "category=asn_lainnya" in page.url and "page=2" in page.url
    assert page.evaluate("window.notReloaded") is True
