"""The venue screen: staff open it, it reads the pledge point by point, then the wall."""

import re

from django.test import Client

from pledges.models import AuditEntry, VenueDisplay
from pledges.services.venue import open_display
from tests.conftest import VALID_NIP, make_signatory, make_signature

STATE = "/layar/api/keadaan/"
STEP = "/layar/api/langkah/"


def state(token, **headers):
    return Client().get(
        STATE, {"since": headers.pop("since", 0)}, HTTP_X_DISPLAY_TOKEN=token, **headers
    )


def full_state(token):
    response = Client().get(STATE, {"full": "1"}, HTTP_X_DISPLAY_TOKEN=token)
    assert response.status_code == 200, response.content
    return response


def test_staff_open_a_display_and_see_its_link_once(client, staff, open_event):
    client.force_login(staff)
    response = client.post(f"/kegiatan/{open_event.pk}/layar/buka/", {"label": "Layar utama"})
    assert response.status_code == 302
    page = client.get(f"/kegiatan/{open_event.pk}/meja/").content.decode()
    link = re.search(r"data-display-link>([^<]+)<", page).group(1)
    assert "/layar/#" in link
    token = link.split("#", 1)[1]
    display = VenueDisplay.objects.get()
    assert display.token_sha256 != token and display.opened_by == staff
    assert token not in client.get(f"/kegiatan/{open_event.pk}/meja/").content.decode()
    assert AuditEntry.objects.filter(action="create", object_type="VenueDisplay").exists()
    # Staff stay logged in: the screen's link binds nothing to this browser.
    assert Client().get("/layar/").status_code == 200
    assert full_state(token).json()["event"]["title"] == open_event.title


def test_display_reads_the_frozen_pledge_part_by_part_then_shows_the_wall(open_event):
    display, token = open_display(open_event, "Layar")
    body = full_state(token).json()
    points = open_event.frozen_pledge["points"]
    kinds = [part["kind"] for part in body["parts"]]
    assert kinds == ["opening", *["point"] * len(points), "closing"]
    assert body["parts"][1] == {"kind": "point", "number": 1, "text": points[0]}
    last = len(points) + 2
    assert body["step"] == 0 and body["wall_step"] == last
    moves = [Client().post(STEP, b"by=1", "application/json", HTTP_X_DISPLAY_TOKEN=token)]
    moves += [
        Client().post(STEP, b'{"by": 1}', "application/json", HTTP_X_DISPLAY_TOKEN=token)
        for _ in range(last + 1)
    ]
    # What is not JSON moves nothing; the last step is the wall, and it goes no further.
    assert [move.json()["step"] for move in moves] == [0, *range(1, last + 1), last]
    back = Client().post(STEP, b'{"to": 0}', "application/json", HTTP_X_DISPLAY_TOKEN=token)
    assert back.json()["step"] == 0


def test_staff_move_the_screen_from_their_page(client, staff, open_event):
    display, token = open_display(open_event, "Layar")
    client.force_login(staff)
    url = f"/kegiatan/{open_event.pk}/layar/{display.pk}/langkah/"
    client.post(url, {"to": "next"})
    assert full_state(token).json()["step"] == 1
    client.post(url, {"to": "wall"})
    assert full_state(token).json()["step"] == len(open_event.frozen_pledge["points"]) + 2
    page = client.get(f"/kegiatan/{open_event.pk}/meja/").content.decode()
    assert "Daftar tanda tangan</td>" in page.replace("\n", "")
    client.post(url, {"to": "start"})
    assert full_state(token).json()["step"] == 0


def test_wall_shows_names_and_jabatan_and_counts_never_a_nip(open_event):
    display, token = open_display(open_event, "Layar")
    signer = make_signatory(open_event, "Rudiyanto", position="Sekretaris Daerah")
    make_signatory(open_event, "Siti Aminah", nip="199001012015032002", category="kepala_opd")
    make_signature(signer)
    response = full_state(token)
    body = response.json()
    assert body["signers"] == [
        {"id": signer.signature.pk, "name": "Rudiyanto", "position": "Sekretaris Daerah"}
    ]
    assert (body["registered"], body["signed"]) == (2, 1)
    assert {row["label"]: (row["signed"], row["registered"]) for row in body["categories"]} == {
        "Sekretaris daerah": (1, 1),
        "Kepala OPD": (0, 1),
    }
    text = response.content.decode()
    assert VALID_NIP not in text and "199001012015032002" not in text and "nip" not in text


def test_unchanged_poll_costs_a_bodiless_304_and_a_signature_changes_it(open_event):
    display, token = open_display(open_event, "Layar")
    first = state(token)
    etag = first["ETag"]
    again = state(token, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    since = 0
    signer = make_signatory(open_event, "Rudiyanto")
    walk_in = state(token, HTTP_IF_NONE_MATCH=etag)  # a new registration changes the counts
    assert walk_in.status_code == 200 and walk_in.json()["registered"] == 1
    make_signature(signer)
    changed = state(token, HTTP_IF_NONE_MATCH=walk_in["ETag"], since=since)
    assert changed.status_code == 200
    newest = changed.json()["signers"][0]["id"]
    # Asked with what it has, the screen gets only what is newer: nothing here.
    assert state(token, since=newest).json()["signers"] == []
    assert state(token, HTTP_IF_NONE_MATCH=changed["ETag"]).status_code == 304


def test_revoking_the_display_stops_it_at_once_with_a_clear_message(client, staff, open_event):
    display, token = open_display(open_event, "Layar")
    assert state(token).status_code == 200
    client.force_login(staff)
    client.post(f"/kegiatan/{open_event.pk}/layar/{display.pk}/cabut/")
    refused = state(token)
    assert refused.status_code == 403
    assert refused.json()["code"] == "display_revoked"
    assert "dicabut" in refused.json()["error"]
    step = Client().post(STEP, b'{"by": 1}', "application/json", HTTP_X_DISPLAY_TOKEN=token)
    assert step.status_code == 403
    assert AuditEntry.objects.filter(action="update", object_type="VenueDisplay").exists()


def test_unknown_token_and_a_stations_token_are_not_a_display(open_event):
    from pledges.services.signing import open_station

    _station, station_token = open_station(open_event, "Meja 1")
    for token in ("", "bukan-token", station_token):
        response = state(token)
        assert response.status_code == 404 and response.json()["code"] == "display_unknown"


def test_display_needs_an_open_event_and_staff_who_see_it(client, other_staff, staff, event):
    client.force_login(staff)
    client.post(f"/kegiatan/{event.pk}/layar/buka/", {"label": "Layar"})
    assert not VenueDisplay.objects.exists()  # a draft event: nothing to read yet
    from pledges.services.events import open_event

    open_event(event)
    client.force_login(other_staff)
    response = client.post(f"/kegiatan/{event.pk}/layar/buka/", {"label": "Layar"})
    assert response.status_code == 404 and not VenueDisplay.objects.exists()
