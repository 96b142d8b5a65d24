"""Signatures a tablet cannot deliver: reported by a revoked station, moved with the tablet."""

import json

from pledges.models import AuditEntry, Signature, SigningStation
from pledges.services.events import open_event
from pledges.services.signing import open_station, revoke_station
from tests.conftest import make_event, post_station_token
from tests.test_signing import post, submission

STATUS_URL = "/meja/api/status/"


def stations_url(event):
    return f"/kegiatan/{event.pk}/meja/"


def test_revoked_station_reports_what_it_holds_but_cannot_sign(kiosk, signatory):
    revoke_station(kiosk.station)
    response = post(
        kiosk,
        submission(signatory),
        HTTP_X_PENDING_SIGNATURES="0",
        HTTP_X_UNDELIVERABLE_SIGNATURES="2",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "station_revoked"
    assert not Signature.objects.exists()
    kiosk.station.refresh_from_db()
    assert kiosk.station.undeliverable_signatures == 2


def test_staff_see_undeliverable_signatures_and_what_to_do(client, staff, kiosk):
    revoke_station(kiosk.station)
    kiosk.get(STATUS_URL, HTTP_X_UNDELIVERABLE_SIGNATURES="1")
    client.force_login(staff)
    html = client.get(stations_url(kiosk.station.event)).content.decode()
    assert "1 tidak terkirim" in html
    assert "Buka meja baru dan pindai kode QR-nya dengan tablet ini" in html


def test_signature_queued_under_a_revoked_station_is_stored_once_from_the_new_one(kiosk, signatory):
    old = kiosk.station
    body = submission(signatory, taken_at_station=old.pk)
    # The first attempt was stored but its answer lost; then staff revoked the station.
    assert post(kiosk, body).status_code == 200
    revoke_station(old)
    new, token = open_station(signatory.event, "Meja 2")
    assert post_station_token(kiosk, token).status_code == 200
    again = post(kiosk, body)
    assert again.status_code == 200, again.content
    assert Signature.objects.filter(signatory=signatory).count() == 1
    assert Signature.objects.get().station == old


def test_signature_first_sent_from_the_new_station_records_where_it_was_taken(kiosk, signatory):
    old = kiosk.station
    revoke_station(old)
    body = submission(signatory, taken_at_station=old.pk)
    assert post(kiosk, body).status_code == 403
    new, token = open_station(signatory.event, "Meja 2")
    post_station_token(kiosk, token)
    assert post(kiosk, body).status_code == 200
    signature = Signature.objects.get()
    assert signature.station == new
    entry = AuditEntry.objects.get(action="sign")
    assert entry.changes["taken_at_station"] == old.pk


def test_rebinding_moves_the_counts_to_the_new_station_of_the_same_event(kiosk, signatory):
    old = kiosk.station
    revoke_station(old)
    kiosk.get(STATUS_URL, HTTP_X_PENDING_SIGNATURES="0", HTTP_X_UNDELIVERABLE_SIGNATURES="3")
    _new, token = open_station(signatory.event, "Meja 2")
    post_station_token(kiosk, token)
    old.refresh_from_db()
    assert (old.pending_signatures, old.undeliverable_signatures) == (0, 0)


def test_rebinding_to_another_event_leaves_the_old_counts_for_staff(kiosk, signatory):
    old = kiosk.station
    kiosk.get(STATUS_URL, HTTP_X_UNDELIVERABLE_SIGNATURES="3")
    event = signatory.event
    other = open_event(make_event(event.unit, event.region, event.template, title="Rapat Lain"))
    _new, token = open_station(other, "Meja lain")
    post_station_token(kiosk, token)
    old.refresh_from_db()
    assert old.undeliverable_signatures == 3


def test_key_from_another_station_for_another_person_is_still_a_conflict(kiosk, signatory):
    from tests.conftest import make_signatory

    body = submission(signatory)
    post(kiosk, body)
    _new, token = open_station(signatory.event, "Meja 2")
    post_station_token(kiosk, token)
    other = make_signatory(signatory.event, "Ahmad", nip="")
    response = post(kiosk, submission(other, idempotency_key=body["idempotency_key"]))
    assert response.json()["code"] == "idempotency_conflict"
    assert json.loads(response.content)["error"]
    assert SigningStation.objects.count() == 2


def test_staff_see_a_tablet_whose_storage_is_nearly_full(client, staff, kiosk):
    kiosk.get(STATUS_URL, HTTP_X_STORAGE_LOW="1")
    kiosk.station.refresh_from_db()
    assert kiosk.station.storage_low
    client.force_login(staff)
    html = client.get(stations_url(kiosk.station.event)).content.decode()
    assert "Penyimpanan tablet hampir penuh" in html
    kiosk.get(STATUS_URL, HTTP_X_STORAGE_LOW="0")
    kiosk.station.refresh_from_db()
    assert not kiosk.station.storage_low
