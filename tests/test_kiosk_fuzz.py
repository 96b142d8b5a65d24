"""The tablet's API under hostile input: whatever a body holds, a JSON answer, never a 5xx.

Every kiosk endpoint that reads input (bind, search, walk-in, sign) gets
arbitrary JSON, bodies shaped like the tablet's with fields swapped for junk,
deep nesting, huge numbers and bytes that are no JSON at all. A refusal is
JSON with an Indonesian message and a code from the catalogue, and leaves no
row behind.
"""

import json
import math
import uuid
from urllib.parse import quote_from_bytes

import pytest
from django.db import DataError, IntegrityError, ProgrammingError
from django.test import Client
from hypothesis import HealthCheck, currently_in_test_context, event, example, given, settings
from hypothesis import strategies as st

from pledges.errors import Code
from pledges.models import AuditEntry, Event, Signatory, Signature
from pledges.services.signing import open_station
from tests.conftest import VALID_NIP, make_signatory, make_strokes

SIGN_URL = "/meja/api/tanda-tangan/"
WALK_IN_URL = "/meja/api/daftar/"
SEARCH_URL = "/meja/api/penanda-tangan/"
BIND_URL = "/meja/hubungkan/"

EXAMPLES = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

# --- Junk ------------------------------------------------------------------------

# Every character, NUL, controls and lone surrogates included.
any_text = st.text(st.characters(exclude_categories=()), max_size=30)
huge_or_negative = st.one_of(
    st.integers(),
    st.integers(min_value=2**62, max_value=2**80),
    st.integers(max_value=0),
    st.sampled_from([0, -1, 2**63 - 1, 2**63, -(2**63), -(2**63) - 1, 2**64, 10**100]),
)
floats = st.floats(allow_nan=True, allow_infinity=True)
scalar = st.one_of(st.none(), st.booleans(), huge_or_negative, floats, any_text)
FIELD_NAMES = [
    "token",
    "idempotency_key",
    "signatory_id",
    "strokes",
    "canvas_width",
    "canvas_height",
    "pledge_sha256",
    "full_name",
    "nip",
    "position",
    "agency",
    "category",
    "x",
    "y",
    "t",
    "p",
]
keys = st.one_of(st.sampled_from(FIELD_NAMES), any_text)
json_value = st.recursive(
    scalar,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(keys, children, max_size=5),
    max_leaves=30,
)
# Nesting far past any recursion limit, still under the 256 KB cap.
deep = st.builds(
    lambda depth, opener, closed: (opener * depth + ("]" * depth if closed else "")).encode(),
    st.integers(1, 50_000),
    st.sampled_from(["[", '{"a":', '{"strokes":[', "[{}"]),
    st.booleans(),
)


def finite(value):
    """`value` with NaN and infinities made huge finite numbers: valid JSON a tablet could send."""
    if isinstance(value, float) and not math.isfinite(value):
        return math.copysign(1e308, value) if not math.isnan(value) else 1e308
    if isinstance(value, list):
        return [finite(item) for item in value]
    if isinstance(value, dict):
        return {key: finite(item) for key, item in value.items()}
    return value


@st.composite
def encoded(draw, values):
    """`values` as a request body: JSON (ASCII-escaped or raw UTF-8, NaN or not) or bytes."""
    value = draw(values)
    if isinstance(value, bytes):
        return value
    if draw(st.booleans()):
        value = finite(value)
    text = json.dumps(value, ensure_ascii=draw(st.booleans()))
    # A lone surrogate written raw is invalid UTF-8: a tablet could send those bytes too.
    return text.encode("utf-8", "surrogatepass")


def point_junk():
    number = st.one_of(st.floats(-50, 900), st.integers(-50, 900))
    good_point = st.tuples(number, number, st.integers(0, 10_000), st.floats(0, 1)).map(list)
    return st.one_of(
        good_point,
        st.lists(scalar, max_size=5),
        st.fixed_dictionaries({"x": scalar, "y": number, "t": scalar, "p": scalar}),
        json_value,
    )


real_strokes = st.builds(make_strokes, x=st.integers(0, 400), y=st.integers(0, 200))
junk_strokes = st.one_of(
    # A real signature with one point spoiled, or strokes made of junk points.
    st.builds(
        lambda strokes, index, point: [strokes[0][:index] + [point] + strokes[0][index + 1 :]],
        real_strokes,
        st.integers(0, 39),
        point_junk(),
    ),
    st.lists(st.lists(point_junk(), max_size=40), max_size=6),
    json_value,
)


@st.composite
def spoiled(draw, real, junk):
    """A body of `real` values with up to two fields dropped or swapped for `junk`."""
    body = {name: draw(strategy) for name, strategy in real.items()}
    for name in draw(st.sets(st.sampled_from(sorted(real)), max_size=2)):
        if draw(st.booleans()):
            del body[name]
        else:
            body[name] = draw(junk.get(name, json_value))
    return body


def sign_bodies(signatory_id, pledge_sha256, strokes=real_strokes):
    """Bodies shaped like the tablet's submission, a field or two missing or junk."""
    real = {
        # Fresh each time: a key used before is (rightly) refused as a conflict.
        "idempotency_key": st.builds(uuid.uuid4).map(str),
        "signatory_id": st.just(signatory_id),
        "strokes": strokes,
        "canvas_width": st.sampled_from([800, 1200.5]),
        "canvas_height": st.sampled_from([320, 480]),
        "pledge_sha256": st.just(pledge_sha256),
    }
    junk = {
        "signatory_id": st.one_of(huge_or_negative, json_value),
        "strokes": junk_strokes,
        "canvas_width": st.one_of(huge_or_negative, floats, json_value),
    }
    return spoiled(real, junk)


walk_in_bodies = spoiled(
    {
        "full_name": st.sampled_from(["Siti Aminah, S.Sos.", "Bambang", "Dr. Rina Kusuma"]),
        "nip": st.sampled_from(["", VALID_NIP, "1980 0512 2005 01 1 002", "12345"]),
        "position": st.just("Kepala Seksi"),
        "agency": st.just("Dinas Kesehatan"),
        "category": st.sampled_from(["non_asn", "non_asn", *Signatory.Category.values]),
    },
    {"full_name": st.one_of(any_text, json_value), "nip": st.one_of(any_text, json_value)},
)
pending_header = st.one_of(st.none(), st.text(st.characters(max_codepoint=255), max_size=8))

# --- What every answer must be ---------------------------------------------------------


def rows():
    return (Signature.objects.count(), Signatory.objects.count(), AuditEntry.objects.count())


def assert_clear_answer(response, before, accepted):
    """JSON always; a refusal with an Indonesian message and a catalogued code, and no rows."""
    assert response.status_code < 500, response.content[:300]
    if currently_in_test_context():  # shown by --hypothesis-show-statistics
        event(f"{response.status_code} {response.json().get('code', '')}")
    assert response["Content-Type"] == "application/json", response.content[:300]
    body = response.json()
    if response.status_code in accepted:
        return body
    assert 400 <= response.status_code < 500
    assert isinstance(body["error"], str) and body["error"].strip()
    assert body["code"] in Code.values, body
    assert rows() == before, "a refused request left rows behind"
    return body


def headers(pending):
    return {} if pending is None else {"HTTP_X_PENDING_SIGNATURES": pending}


@pytest.fixture
def tablet(kiosk, settings):
    """A bound tablet of an event that takes walk-ins, with one person still to sign."""
    settings.KIOSK_SIGN_RATE = settings.KIOSK_SEARCH_RATE = "1000000/m"
    Event.objects.filter(pk=kiosk.station.event_id).update(allow_walk_ins=True)
    kiosk.signatory = make_signatory(kiosk.station.event)
    return kiosk


# --- Properties ------------------------------------------------------------------------


@EXAMPLES
@given(data=st.data())
def test_sign_answers_any_body_clearly_and_stores_only_whole_signatures(tablet, data):
    # Someone still to sign in every example, so a whole body can be stored.
    signatory = make_signatory(tablet.station.event, f"Peserta {uuid.uuid4()}", nip="")
    shaped = sign_bodies(signatory.pk, signatory.event.frozen_pledge_sha256)
    bad_ink = sign_bodies(signatory.pk, signatory.event.frozen_pledge_sha256, junk_strokes)
    values = st.one_of(shaped, shaped, bad_ink, json_value, deep, st.binary(max_size=300))
    raw = data.draw(encoded(values), label="body")
    before = rows()
    response = tablet.post(
        SIGN_URL, raw, content_type="application/json", **headers(data.draw(pending_header))
    )
    body = assert_clear_answer(response, before, accepted={200})
    if response.status_code == 200:
        assert body["signatory"] == signatory.pk
        signature = Signature.objects.get(signatory=signatory)
        # Number for number as sent; points sent as objects are kept as [x, y, t, p].
        sent = [
            [[p["x"], p["y"], p["t"], p["p"]] if isinstance(p, dict) else p for p in stroke]
            for stroke in json.loads(raw)["strokes"]
        ]
        assert signature.strokes == sent
        assert rows() == (before[0] + 1, before[1], before[2] + 1)


@EXAMPLES
@given(data=st.data())
def test_walk_in_answers_any_body_clearly_and_registers_only_whole_people(tablet, data):
    values = st.one_of(walk_in_bodies, walk_in_bodies, json_value, deep, st.binary(max_size=300))
    raw = data.draw(encoded(values), label="body")
    before = rows()
    response = tablet.post(
        WALK_IN_URL, raw, content_type="application/json", **headers(data.draw(pending_header))
    )
    body = assert_clear_answer(response, before, accepted={201})
    if response.status_code == 201:
        person = Signatory.objects.get(pk=body["signatory"]["id"])
        assert person.registration == Signatory.Registration.WALK_IN
        assert Signatory.objects.count() == before[1] + 1


@EXAMPLES
@given(
    query=st.one_of(
        st.text(st.characters(exclude_categories=("Cs",)), max_size=120),
        st.binary(max_size=60),
        st.lists(st.text(max_size=10), max_size=3),
    ),
    pending=pending_header,
)
def test_search_answers_any_query_clearly(tablet, query, pending):
    before = rows()
    if isinstance(query, bytes):
        # Not even UTF-8, percent-encoded by hand as a browser might.
        response = tablet.get(f"{SEARCH_URL}?q={quote_from_bytes(query)}", **headers(pending))
    else:
        response = tablet.get(SEARCH_URL, {"q": query}, **headers(pending))
    body = assert_clear_answer(response, before, accepted={200})
    if response.status_code == 200:
        assert isinstance(body["signatories"], list)
        assert rows() == before


@EXAMPLES
@given(data=st.data())
def test_binding_answers_any_body_clearly(open_event, data):
    _station, token = open_station(open_event, "Meja uji")
    shaped = spoiled({"token": st.just(token)}, {"token": st.one_of(any_text, json_value)})
    raw = data.draw(encoded(st.one_of(shaped, json_value, deep, st.binary(max_size=300))))
    before = rows()
    response = Client().post(BIND_URL, raw, content_type="application/json")
    body = assert_clear_answer(response, before, accepted={200})
    if response.status_code == 200:
        assert body == {"next": "/meja/"}
        assert AuditEntry.objects.filter(action="bind").count() >= 1


# --- The cases that answered 500 or a false outage before ---------------------------------


def submission(signatory, **overrides):
    return {
        "idempotency_key": str(uuid.uuid4()),
        "signatory_id": signatory.pk,
        "strokes": make_strokes(),
        "pledge_sha256": signatory.event.frozen_pledge_sha256,
        "canvas_width": 800,
        "canvas_height": 320,
        **overrides,
    }


@pytest.mark.parametrize("url", [SIGN_URL, WALK_IN_URL, BIND_URL])
@pytest.mark.parametrize("body", ["[" * 100_000, '{"a":' * 50_000, "[" * 2000 + "]" * 2000])
def test_deeply_nested_body_is_refused_as_unreadable(tablet, url, body):
    assert len(body) < 256 * 1024
    before = rows()
    response = tablet.post(url, body, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["code"] == "bad_json"
    assert response.json()["error"] == "Data yang dikirim tidak dikenali."
    assert rows() == before


@pytest.mark.parametrize("signatory_id", [2**63, 2**64, 10**30, -(2**63) - 1, 0, -1])
def test_signatory_id_outside_the_databases_range_names_nobody(tablet, signatory_id):
    response = tablet.post(
        SIGN_URL,
        json.dumps(submission(tablet.signatory, signatory_id=signatory_id)),
        content_type="application/json",
    )
    assert response.status_code == 404
    assert response.json()["code"] == "signatory_unknown"
    assert not Signature.objects.exists()


def test_largest_possible_id_is_looked_up_and_names_nobody(tablet):
    response = tablet.post(
        SIGN_URL,
        json.dumps(submission(tablet.signatory, signatory_id=2**63 - 1)),
        content_type="application/json",
    )
    assert response.status_code == 404
    assert response.json()["code"] == "signatory_unknown"


@pytest.mark.parametrize("url", [SIGN_URL, WALK_IN_URL])
def test_csrf_failure_on_the_tablet_is_json_telling_to_reload(tablet, url):
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = tablet.cookies
    response = strict.post(url, json.dumps(submission(tablet.signatory)), "application/json")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "csrf_failed"
    assert "Muat ulang halaman" in response.json()["error"]
    assert not Signature.objects.exists()


def test_csrf_failure_on_a_staff_page_is_an_indonesian_page(staff):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/masuk/", {"username": "petugas", "password": "rahasia-uji-123"})
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "Halaman kedaluwarsa" in html and "Muat ulang halaman" in html
    assert "Forbidden" not in html and "CSRF verification failed" not in html


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("multipart/form-data", b"no boundary"),
        ("application/x-www-form-urlencoded", b"a=1&" * 2000),  # past Django's 1000 fields
        ("multipart/form-data; boundary=zz", b'--zz\r\nContent-Disposition: form-data; name="a"'),
        ("text/plain", b"\xff\xfe"),
    ],
)
@pytest.mark.parametrize("url", [SIGN_URL, WALK_IN_URL, BIND_URL])
def test_form_bodies_no_tablet_sends_get_json_refusals_too(tablet, url, content_type, body):
    # CSRF checked, as in production: the middleware reads a form body before the view.
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = tablet.cookies
    strict.get(BIND_URL)
    csrf = strict.cookies["csrftoken"].value
    before = rows()
    response = strict.post(url, body, content_type=content_type, HTTP_X_CSRFTOKEN=csrf)
    assert_clear_answer(response, before, accepted=set())
    assert response.json()["code"] in ("bad_request", "bad_json")


def test_unreadable_form_on_a_staff_page_gets_an_indonesian_page(client, staff):
    client.force_login(staff)
    response = client.post("/kegiatan/baru/", b"x", content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Permintaan tidak dapat dibaca" in response.content.decode()


@pytest.mark.parametrize("text", ["Ab\x00c", "\x00"])
def test_nul_character_is_refused_before_the_database(tablet, text):
    before = rows()
    search = tablet.get(SEARCH_URL, {"q": text})
    assert search.status_code == 400 and search.json()["code"] == "bad_request"
    body = {"full_name": text, "position": "Staf", "category": "non_asn"}
    walk_in = tablet.post(WALK_IN_URL, json.dumps(body), content_type="application/json")
    assert walk_in.status_code == 422 and walk_in.json()["code"] == "bad_json"
    assert rows() == before


@example(pending="²")
@EXAMPLES
@given(pending=st.text(st.characters(max_codepoint=255), max_size=8))
def test_any_pending_count_header_is_read_or_ignored(tablet, pending):
    assert tablet.get("/meja/api/status/", HTTP_X_PENDING_SIGNATURES=pending).status_code == 200


# --- The database middleware ---------------------------------------------------------------


@pytest.mark.parametrize("error", [DataError, IntegrityError, ProgrammingError])
def test_a_database_fault_that_is_no_outage_is_not_reported_as_one(tablet, monkeypatch, error):
    def fault(*args, **kwargs):
        raise error("bigint out of range")

    monkeypatch.setattr("pledges.web.views.kiosk.record_signature", fault)
    with pytest.raises(error):
        tablet.post(SIGN_URL, json.dumps(submission(tablet.signatory)), "application/json")
    tablet.raise_request_exception = False
    response = tablet.post(SIGN_URL, json.dumps(submission(tablet.signatory)), "application/json")
    assert response.status_code == 500, "not a 503: the tablet must not hear 'database down'"
    assert "database_unavailable" not in response.content.decode()
