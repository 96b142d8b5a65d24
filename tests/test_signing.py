"""Taking signatures through the tablet's API: exactly once, validated, SVG drawn by the server."""

import hashlib
import json
import threading
import uuid

import pytest
from django.db import connection
from django.test import Client

from pledges.models import AuditEntry, Signatory, Signature, SigningStation
from pledges.rendering.pictures import signature_svg
from pledges.services.events import close_event
from pledges.services.signing import revoke_station
from tests.conftest import bind_client, make_event, make_signatory, make_signature, make_strokes

SIGN_URL = "/meja/api/tanda-tangan/"


def submission(signatory, **overrides):
    body = {
        "idempotency_key": str(uuid.uuid4()),
        "signatory_id": signatory.pk,
        "strokes": make_strokes(),
        "pledge_sha256": signatory.event.frozen_pledge_sha256,
        "canvas_width": 800,
        "canvas_height": 320,
    }
    return {**body, **overrides}


def post(client, body, **headers):
    raw = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(SIGN_URL, raw, content_type="application/json", **headers)


def test_signature_is_stored_with_its_evidence(kiosk, signatory):
    body = submission(signatory)
    response = post(kiosk, body, HTTP_USER_AGENT="Tablet Uji", REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    assert response.json()["name"] == "Rudiyanto"
    signature = Signature.objects.get(signatory=signatory)
    assert signature.strokes == body["strokes"]
    assert signature.station == kiosk.station
    assert signature.client_ip == "10.1.2.3"
    assert signature.user_agent == "Tablet Uji"
    assert signature.pledge_sha256 == signatory.event.frozen_pledge_sha256
    assert str(signature.idempotency_key) == body["idempotency_key"]
    # Only the numbers are stored; the drawing shown anywhere is made from them.
    assert signature.svg == ""
    drawing = signature_svg(signature)
    assert drawing.startswith('<svg xmlns="http://www.w3.org/2000/svg" viewBox=')
    assert drawing.count("<path") == 1
    entry = AuditEntry.objects.get(action="sign", object_id=str(signature.pk))
    assert (entry.object_type, entry.object_repr) == ("Signature", str(signature))
    assert str(signature).startswith("Rudiyanto — ")
    assert entry.station == kiosk.station and entry.actor is None
    assert entry.event_id == signatory.event_id
    assert entry.changes == {
        "station": kiosk.station.label,
        "signatory": signatory.pk,
        "signed_at": signature.signed_at.isoformat(),
        "client_ip": "10.1.2.3",
        "idempotency_key": body["idempotency_key"],
        "canvas": [800, 320],
        "pledge_sha256": signatory.event.frozen_pledge_sha256,
        "ink_sha256": hashlib.sha256(signature.ink.encode()).hexdigest(),
    }


def test_retry_with_same_key_returns_the_same_result(kiosk, signatory):
    body = submission(signatory)
    first = post(kiosk, body)
    again = post(kiosk, body)
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert Signature.objects.filter(signatory=signatory).count() == 1


def test_second_submission_for_signed_person_gets_clear_conflict(kiosk, signatory):
    assert post(kiosk, submission(signatory)).status_code == 200
    response = post(kiosk, submission(signatory))
    assert response.status_code == 409
    assert response.json()["code"] == "already_signed"
    assert "sudah menandatangani" in response.json()["error"]


def test_second_station_cannot_sign_same_signatory(kiosk, signatory, client_factory=Client):
    other_tablet = client_factory()
    bind_client(other_tablet, signatory.event, "Meja 2")
    assert post(kiosk, submission(signatory)).status_code == 200
    response = post(other_tablet, submission(signatory))
    assert response.status_code == 409
    assert Signature.objects.filter(signatory=signatory).count() == 1


def test_key_reused_for_another_person_is_refused(kiosk, signatory):
    body = submission(signatory)
    post(kiosk, body)
    other = make_signatory(signatory.event, "Ahmad", nip="")
    response = post(kiosk, submission(other, idempotency_key=body["idempotency_key"]))
    assert response.json()["code"] == "idempotency_conflict"
    assert not Signature.objects.filter(signatory=other).exists()


@pytest.mark.parametrize(
    ("override", "code"),
    [
        ({"strokes": []}, "strokes_empty"),
        ({"strokes": [[{"x": 1, "y": 1, "t": 0, "p": 0}] * 5001]}, "too_many_points"),
        ({"strokes": make_strokes(x=5000)}, "out_of_range"),
        ({"strokes": [[{"x": "1", "y": 2, "t": 0, "p": 0.5}]]}, "strokes_invalid"),
        ({"strokes": '<svg onload="alert(1)"><path d="M0 0L9 9"/></svg>'}, "strokes_invalid"),
        ({"strokes": [["<script>alert(1)</script>"]]}, "strokes_invalid"),
        ({"canvas_width": "800"}, "canvas_size"),
        ({"pledge_sha256": "0" * 64}, "pledge_changed"),
        ({"idempotency_key": "bukan-uuid"}, "idempotency_key_invalid"),
    ],
)
def test_bad_submission_is_refused_and_stores_nothing(kiosk, signatory, override, code):
    response = post(kiosk, submission(signatory, **override))
    assert response.status_code == 422
    assert response.json()["code"] == code
    assert response.json()["error"]
    assert not Signature.objects.exists()


def test_payload_of_several_megabytes_is_refused_before_parsing(kiosk, signatory):
    body = submission(signatory, padding="x" * (3 * 1024 * 1024))
    response = post(kiosk, body)
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert not Signature.objects.exists()


def test_body_that_is_not_json_is_refused(kiosk, signatory):
    response = post(kiosk, "<svg><script>alert(1)</script></svg>")
    assert response.status_code == 422
    assert response.json()["code"] == "bad_json"


def test_signatory_id_that_is_not_a_number_is_not_found(kiosk, signatory):
    response = post(kiosk, submission(signatory, signatory_id=str(signatory.pk)))
    assert response.status_code == 404
    assert response.json()["code"] == "signatory_unknown"


def test_signatory_of_another_event_is_not_found(kiosk, signatory, unit, pasuruan, template):
    from pledges.services.events import open_event

    other_event = open_event(make_event(unit, pasuruan, template, title="Rapat lain"))
    stranger = make_signatory(other_event, "Orang Lain")
    response = post(kiosk, submission(stranger, pledge_sha256=signatory.event.frozen_pledge_sha256))
    assert response.status_code == 404
    assert not Signature.objects.exists()


def test_closed_event_refuses_signatures(kiosk, signatory):
    close_event(signatory.event)
    response = post(kiosk, submission(signatory))
    assert response.status_code == 403
    assert response.json()["code"] == "event_closed"
    assert "ditutup" in response.json()["error"]
    assert not Signature.objects.exists()


def test_revoked_station_refuses_signatures(kiosk, signatory):
    revoke_station(kiosk.station)
    response = post(kiosk, submission(signatory))
    assert response.status_code == 403
    assert response.json()["code"] == "station_revoked"
    assert not Signature.objects.exists()


def test_tablet_reports_signatures_waiting_on_it(kiosk, signatory):
    # Three waiting, one of them this request: once it is stored, two remain.
    post(kiosk, submission(signatory), HTTP_X_PENDING_SIGNATURES="3")
    kiosk.station.refresh_from_db()
    assert kiosk.station.pending_signatures == 2
    assert kiosk.station.last_seen_at is not None
    kiosk.get("/meja/api/status/", HTTP_X_PENDING_SIGNATURES="0")
    kiosk.station.refresh_from_db()
    assert kiosk.station.pending_signatures == 0


def test_a_signature_stored_as_it_is_sent_is_not_shown_to_staff_as_waiting(kiosk, signatory):
    # kiosk.js counts the signature it is sending as pending (it is in its queue).
    post(kiosk, submission(signatory), HTTP_X_PENDING_SIGNATURES="1")
    kiosk.station.refresh_from_db()
    assert kiosk.station.pending_signatures == 0
    # Refused, it is still on the tablet: the count stays as the tablet says.
    response = post(kiosk, submission(signatory), HTTP_X_PENDING_SIGNATURES="1")
    assert response.status_code == 409
    kiosk.station.refresh_from_db()
    assert kiosk.station.pending_signatures == 1


def test_search_lists_only_unsigned_people_of_the_event_with_masked_nip(kiosk, signatory):
    signed = make_signatory(signatory.event, "Rudi Hartono", nip="197001012000031001")
    make_signature(signed)
    make_signatory(signatory.event, "Siti Aminah", nip="", position="Camat", category="camat")
    response = kiosk.get("/meja/api/penanda-tangan/", {"q": "rud"})
    people = response.json()["signatories"]
    assert [person["name"] for person in people] == ["Rudiyanto"]
    assert people[0] == {
        "id": signatory.pk,
        "name": "Rudiyanto",
        "position": "Sekretaris Daerah",
        "agency": "Pemkot Pasuruan",
        "nip": "1980•••••••••••002",
        "representative": "",
    }
    assert signatory.nip not in response.content.decode()


def test_search_by_part_of_nip(kiosk, signatory):
    make_signatory(signatory.event, "Siti Aminah", nip="197203152000032001")
    people = kiosk.get("/meja/api/penanda-tangan/", {"q": "2005 01"}).json()["signatories"]
    assert [person["name"] for person in people] == ["Rudiyanto"]


def test_walk_in_registers_and_can_sign(kiosk, open_event, staff):
    response = kiosk.post(
        "/meja/api/daftar/",
        {
            "full_name": "Drs. Bambang Sutrisno",
            "nip": "19691231 199003 1 004",
            "position": "Lurah Bukir",
            "agency": "Kecamatan Gadingrejo",
            "category": "lurah",
            "led_region": "35.75.01.1002",
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    walk_in = Signatory.objects.get(full_name="Drs. Bambang Sutrisno")
    assert walk_in.registration == Signatory.Registration.WALK_IN
    assert walk_in.nip == "196912311990031004"
    assert response.json()["signatory"]["nip"] == "1969•••••••••••004"
    assert post(kiosk, submission(walk_in)).status_code == 200

    # Staff see who registered at the venue.
    staff_client = Client()
    staff_client.force_login(staff)
    page = staff_client.get(f"/kegiatan/{open_event.pk}/").content.decode()
    row = page[page.index("Drs. Bambang Sutrisno") :][:200]
    assert "Daftar di tempat" in row


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ({"full_name": "", "position": "Camat", "category": "camat", "nip": ""}, "field_required"),
        ({"full_name": "A", "position": "Camat", "category": "x", "nip": ""}, "category_invalid"),
        ({"full_name": "A", "position": "Camat", "category": "camat", "nip": ""}, "nip_required"),
        (
            {"full_name": "A", "position": "Camat", "category": "camat", "nip": "123"}
            | {"led_region": "35.75.01"},
            "nip_length",
        ),
        ({"full_name": "A" * 151, "position": "X", "category": "non_asn"}, "field_too_long"),
    ],
)
def test_bad_walk_in_gets_clear_message_and_registers_nobody(kiosk, data, code):
    before = Signatory.objects.count()
    response = kiosk.post("/meja/api/daftar/", data, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["code"] == code
    assert Signatory.objects.count() == before


def test_walk_in_refused_when_event_does_not_allow_it(kiosk, open_event):
    open_event.allow_walk_ins = False
    open_event.save()
    response = kiosk.post(
        "/meja/api/daftar/",
        {"full_name": "Tamu", "position": "Staf", "category": "non_asn"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "walk_in_not_allowed"


# --- real concurrency ------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_stations_at_the_same_moment_end_with_exactly_one_signature(unit, pasuruan, template):
    if connection.vendor == "sqlite":
        pytest.skip("row locks between real connections need PostgreSQL")
    from pledges.services.events import open_event

    event = open_event(make_event(unit, pasuruan, template))
    signatory = make_signatory(event)
    tablets = [Client() for _ in range(6)]
    for number, tablet in enumerate(tablets, 1):
        bind_client(tablet, event, f"Meja {number}")
    barrier = threading.Barrier(len(tablets))
    results = []

    def submit(tablet):
        barrier.wait()
        try:
            results.append(post(tablet, submission(signatory)).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(tablet,)) for tablet in tablets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [200] + [409] * (len(tablets) - 1)
    assert Signature.objects.filter(signatory=signatory).count() == 1
    assert SigningStation.objects.filter(event=event).count() == len(tablets)


def test_database_outage_gets_a_json_503_the_tablet_retries(kiosk, signatory, monkeypatch):
    from django.db import OperationalError

    def outage(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("pledges.web.views.kiosk.record_signature", outage)
    response = post(kiosk, submission(signatory))
    assert response.status_code == 503 and response["Retry-After"] == "2"
    assert response.json()["code"] == "database_unavailable"
    assert "dikirim ulang otomatis" in response.json()["error"]
    assert not Signature.objects.exists()


def test_signing_finds_the_signatory_by_primary_key_on_a_freshly_imported_list(kiosk, signatory):
    """A list imported minutes ago has no statistics yet; a signature must not scan it."""
    if connection.vendor == "sqlite":
        pytest.skip("PostgreSQL's planner")
    Signatory.objects.bulk_create(
        Signatory(event=signatory.event, full_name=f"Peserta {number}", category="non_asn")
        for number in range(3000)
    )
    plans = []

    def explain_the_store(execute, sql, params, many, context):
        if sql.lstrip().startswith("WITH") and "INSERT INTO" in sql:
            context["cursor"].cursor.execute("EXPLAIN " + sql, params)
            plans.append("\n".join(row[0] for row in context["cursor"].cursor.fetchall()))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(explain_the_store):
        assert post(kiosk, submission(signatory)).status_code == 200
    assert len(plans) == 1
    assert "pledges_signatory_pkey" in plans[0]
    assert "pledges_signatory_event_id" not in plans[0]


def test_signing_statements_are_prepared_once_per_connection(kiosk, open_event):
    if connection.vendor == "sqlite":
        pytest.skip("PostgreSQL's prepared statements")
    for number in range(3):
        signatory = make_signatory(open_event, f"Peserta {number}", nip="")
        assert post(kiosk, submission(signatory)).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any("INSERT INTO pledges_signature" in statement for statement in prepared)
    assert any("FROM pledges_signingstation" in statement for statement in prepared)
