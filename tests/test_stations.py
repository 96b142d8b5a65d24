"""Staff open signing stations for tablets, watch them and revoke them."""

import hashlib
import re

import pytest
import segno
from django.test import Client

from pledges.errors import PledgeError
from pledges.models import AuditEntry, SigningStation
from pledges.services.events import close_event
from pledges.services.signing import authenticate_station, open_station, revoke_station
from tests.conftest import post_station_token

BIND_URL = "/meja/hubungkan/"


def stations_url(event):
    return f"/kegiatan/{event.pk}/meja/"


def open_via_page(client, event, label="Meja 1"):
    return client.post(f"/kegiatan/{event.pk}/meja/buka/", {"label": label}, follow=True)


def test_staff_open_station_and_see_link_and_qr_once(client, staff, open_event):
    client.force_login(staff)
    response = open_via_page(client, open_event)
    html = response.content.decode()
    station = SigningStation.objects.get(event=open_event)
    assert station.label == "Meja 1"
    assert station.opened_by == staff
    # The token is in the fragment: a browser opening the link never sends it.
    link = re.search(r'href="(http://testserver/meja/hubungkan/#([\w-]+))"', html)
    assert link, "the page shows the station link"
    url, token = link.groups()
    assert station.token_sha256 == hashlib.sha256(token.encode()).hexdigest()
    assert token not in station.token_sha256
    assert '<svg width="' in html and 'class="segno"' in html
    # The QR code holds that same link, fragment and all.
    assert segno.make(url, error="m").svg_inline(scale=5, border=2) in html
    # Shown once: the token is not stored, so the next visit cannot show it.
    assert token not in client.get(stations_url(open_event)).content.decode()


def test_stations_page_is_never_stored_by_a_cache(client, staff, open_event):
    client.force_login(staff)
    response = open_via_page(client, open_event)
    assert response.redirect_chain, "opening a station shows the stations page"
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert "no-store" in client.get(stations_url(open_event))["Cache-Control"]


def test_station_tab_is_on_the_event_page(client, staff, open_event):
    client.force_login(staff)
    html = client.get(f"/kegiatan/{open_event.pk}/").content.decode()
    assert f'href="{stations_url(open_event)}"' in html
    assert "Meja tanda tangan" in html


def test_station_needs_a_label(client, staff, open_event):
    client.force_login(staff)
    response = open_via_page(client, open_event, label="   ")
    assert "Isi nama meja" in response.content.decode()
    assert not SigningStation.objects.exists()


def test_station_cannot_be_opened_for_a_draft_event(event):
    with pytest.raises(PledgeError) as raised:
        open_station(event, "Meja 1")
    assert raised.value.code == "event_not_open"


def test_station_cannot_be_opened_for_a_closed_event(client, staff, open_event):
    close_event(open_event)
    client.force_login(staff)
    response = open_via_page(client, open_event)
    assert "sudah ditutup" in response.content.decode()
    assert not SigningStation.objects.exists()


def test_staff_of_another_unit_cannot_open_or_revoke(client, other_staff, station):
    client.force_login(other_staff)
    assert open_via_page(client, station.event).status_code == 404
    assert client.get(stations_url(station.event)).status_code == 404
    response = client.post(f"/kegiatan/{station.event.pk}/meja/{station.pk}/cabut/")
    assert response.status_code == 404
    station.refresh_from_db()
    assert station.revoked_at is None


def test_staff_see_last_contact_and_unsent_signatures(client, staff, kiosk):
    kiosk.get("/meja/api/status/", HTTP_X_PENDING_SIGNATURES="2")
    client.force_login(staff)
    html = client.get(stations_url(kiosk.station.event)).content.decode()
    assert "2 belum terkirim" in html
    assert "belum pernah" not in html


def test_staff_revoke_station_and_tablet_is_refused(client, staff, kiosk):
    client.force_login(staff)
    event = kiosk.station.event
    response = client.post(f"/kegiatan/{event.pk}/meja/{kiosk.station.pk}/cabut/", follow=True)
    assert "Dicabut" in response.content.decode()
    page = kiosk.get("/meja/")
    assert page.status_code == 403
    assert "sudah dicabut" in page.content.decode()


def test_binding_page_loads_without_the_token_and_posts_it_from_the_fragment(client, open_event):
    page = client.get(BIND_URL)
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    assert "csrftoken" in page.cookies, "the script needs the CSRF cookie to POST the token"
    html = page.content.decode()
    assert 'src="/static/js/kiosk-bind.js"' in html
    assert "<script>" not in html, "no inline script: the CSP forbids it"
    assert 'data-bind-url="/meja/hubungkan/"' in html
    assert client.get("/meja/").status_code == 403, "loading the page binds nothing"


def test_posted_token_binds_the_tablet_and_leaves_no_token_in_any_url(client, open_event):
    station, token = open_station(open_event, "Meja 3")
    response = post_station_token(client, token)
    assert response.status_code == 200
    assert response.json() == {"next": "/meja/"}
    assert "no-store" in response["Cache-Control"]
    page = client.get("/meja/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Meja 3" in html and open_event.title in html
    assert token not in html
    assert "Menghindari konflik kepentingan." in html


def test_binding_is_audited_with_address_and_browser_and_no_user(client, staff, open_event):
    client.force_login(staff)
    station, token = open_station(open_event, "Meja 2")
    post_station_token(client, token, HTTP_USER_AGENT="Tablet Uji", REMOTE_ADDR="10.9.8.7")
    entry = AuditEntry.objects.get(action="bind")
    assert entry.station == station and entry.actor is None
    assert (entry.object_type, entry.object_id) == ("SigningStation", str(station.pk))
    assert entry.event_id == open_event.pk
    assert entry.changes == {"client_ip": "10.9.8.7", "user_agent": "Tablet Uji"}
    assert token not in str(entry.changes) and token not in entry.object_repr


def test_kiosk_speaks_indonesian_whatever_the_browser_asks(kiosk):
    html = kiosk.get("/meja/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Senin, 23 September 2024" in html


def test_unknown_token_is_refused_with_a_clear_message(client, open_event):
    open_station(open_event, "Meja 1")
    for body in ("tokenyangsalah123", "", None, 12345, ["x"], {"token": "x"}):
        response = post_station_token(client, body)
        assert response.status_code == 404, body
        assert response.json()["code"] == "station_unknown"
        assert "Tautan meja tidak dikenal" in response.json()["error"]
        assert client.get("/meja/").status_code == 403
    assert not AuditEntry.objects.filter(action="bind").exists()


def test_revoked_station_link_no_longer_binds(client, open_event):
    station, token = open_station(open_event, "Meja 1")
    revoke_station(station)
    response = post_station_token(client, token)
    assert response.status_code == 403
    assert response.json()["code"] == "station_revoked"
    assert "sudah dicabut" in response.json()["error"]
    assert client.get("/meja/").status_code == 403
    with pytest.raises(PledgeError) as raised:
        authenticate_station(token)
    assert raised.value.code == "station_revoked"


def test_link_of_a_closed_event_binds_nothing(client, open_event):
    _station, token = open_station(open_event, "Meja 1")
    close_event(open_event)
    response = post_station_token(client, token)
    assert response.status_code == 403
    assert response.json()["code"] == "event_closed"
    assert "netralitas_meja" not in response.cookies


def test_old_link_with_the_token_in_its_path_is_refused_and_binds_nothing(
    client, open_event, django_assert_num_queries
):
    _station, token = open_station(open_event, "Meja 1")
    # Not even looked up: that token is in the access logs now.
    with django_assert_num_queries(0):
        response = client.get(f"/meja/{token}/")
    assert response.status_code == 410
    assert "tidak berlaku lagi" in response.content.decode()
    assert "netralitas_meja" not in response.cookies
    assert client.get("/meja/").status_code == 403


def test_binding_needs_the_pages_csrf_cookie(open_event):
    tablet = Client(enforce_csrf_checks=True)
    _station, token = open_station(open_event, "Meja 1")
    refused = post_station_token(tablet, token)
    assert refused.status_code == 403
    assert refused.json()["code"] == "csrf_failed"
    assert "Muat ulang halaman" in refused.json()["error"]
    assert tablet.get("/meja/").status_code == 403
    tablet.get(BIND_URL)
    csrf = tablet.cookies["csrftoken"].value
    assert post_station_token(tablet, token, HTTP_X_CSRFTOKEN=csrf).status_code == 200
    assert tablet.get("/meja/").status_code == 200


def test_closed_event_shows_a_clear_page_on_the_tablet(kiosk, open_event):
    close_event(open_event)
    response = kiosk.get("/meja/")
    assert response.status_code == 403
    assert "sudah ditutup" in response.content.decode()
    json_response = kiosk.get("/meja/api/penanda-tangan/")
    assert json_response.json()["code"] == "event_closed"


def test_binding_a_browser_ends_its_staff_login(client, staff, open_event):
    client.force_login(staff)
    station, token = open_station(open_event, "Meja 1")
    post_station_token(client, token)
    assert client.get("/").status_code == 302


def test_contact_is_written_at_most_every_thirty_seconds(kiosk):
    kiosk.get("/meja/api/status/")
    kiosk.station.refresh_from_db()
    first_seen = kiosk.station.last_seen_at
    kiosk.get("/meja/api/status/")
    kiosk.station.refresh_from_db()
    assert kiosk.station.last_seen_at == first_seen


def test_service_worker_is_served_with_kiosk_scope(kiosk):
    response = kiosk.get("/meja/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/meja/"


def test_signatures_taken_are_counted_on_the_station_row(client, staff, kiosk, signatory):
    from tests.test_signing import post, submission

    assert post(kiosk, submission(signatory)).status_code == 200
    client.force_login(staff)
    html = client.get(stations_url(signatory.event)).content.decode()
    assert re.search(r'<td class="text-end">1</td>', html)
