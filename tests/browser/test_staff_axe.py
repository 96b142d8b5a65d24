"""axe-core on the staff pages a tablet's day touches: no serious or critical violation."""

import pytest
from django.conf import settings
from django.test import Client

from pledges.services.signing import open_station, revoke_station
from tests.browser.axe import serious_violations
from tests.conftest import make_signatory, make_signature

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def staff_page(browser, live_server, staff):
    client = Client()
    client.force_login(staff)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    yield page
    context.close()


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
