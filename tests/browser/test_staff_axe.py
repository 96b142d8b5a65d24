"""axe-core on the staff pages a tablet's day touches: no serious or critical violation."""

import pytest

from pledges.services.signing import open_station, revoke_station
from tests.browser.axe import serious_violations
from tests.browser.conftest import logged_in_page
from tests.conftest import make_signatory, make_signature

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def admin_page(browser, live_server, superuser):
    page = logged_in_page(browser, live_server, superuser)
    yield page
    page.context.close()


def test_stations_page_passes_axe(staff_page, live_server, open_event):
    make_signature(make_signatory(open_event))
    station, _token = open_station(open_event, "Meja 1")
    station.undeliverable_signatures = 1
    station.storage_low = True
    station.save()
    revoke_station(station)
    open_station(open_event, "Meja 2")
    staff_page.goto(f"{live_server.url}/kegiatan/{open_event.pk}/meja/")
    staff_page.get_by_text("1 tidak terkirim").wait_for()
    assert serious_violations(staff_page) == []


@pytest.mark.parametrize(
    "path", ["/", "kegiatan/{pk}/", "kegiatan/{pk}/cakupan/", "kegiatan/{pk}/progres/"]
)
def test_staff_pages_around_the_tablet_pass_axe(staff_page, live_server, open_event, path):
    make_signature(make_signatory(open_event))
    staff_page.goto(f"{live_server.url}/{path.format(pk=open_event.pk)}".replace("//", "/", 2))
    assert serious_violations(staff_page) == []


@pytest.mark.parametrize(
    "path",
    [
        "kegiatan/{pk}/penanda-tangan/tambah/",
        "kegiatan/{pk}/penanda-tangan/{signatory}/ubah/",
        "kegiatan/{pk}/penanda-tangan/{signatory}/wakil/",
        "kegiatan/{pk}/penanda-tangan/{signatory}/tanda-tangan-basah/",
        "kegiatan/{pk}/impor/",
        "kegiatan/{pk}/dokumen/",
    ],
)
def test_signatory_import_and_document_pages_pass_axe(staff_page, live_server, open_event, path):
    signatory = make_signatory(open_event, "Rudiyanto")
    make_signature(make_signatory(open_event, "Siti Aminah", nip=""))
    staff_page.goto(f"{live_server.url}/{path.format(pk=open_event.pk, signatory=signatory.pk)}")
    name = path.strip("/").replace("{pk}", "").replace("{signatory}", "").replace("/", "-")
    staff_page.screenshot(path=f"/tmp/staff-{name}.png", full_page=True)
    assert serious_violations(staff_page) == []


@pytest.mark.parametrize(
    "path",
    [
        "admin/",
        "admin/pledges/signatory/",
        "admin/pledges/signatory/{signatory}/change/",
        "admin/pledges/event/{pk}/change/",
        "admin/pledges/signature/",
    ],
)
def test_django_admin_pages_pass_axe(admin_page, live_server, open_event, path):
    signatory = make_signatory(open_event, "Rudiyanto")
    make_signature(make_signatory(open_event, "Siti Aminah", nip=""))
    admin_page.goto(f"{live_server.url}/{path.format(pk=open_event.pk, signatory=signatory.pk)}")
    assert admin_page.locator("#content").count() == 1
    assert serious_violations(admin_page) == []
