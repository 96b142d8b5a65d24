"""Walk-ins who lead a kecamatan or desa/kelurahan choose it, and count in coverage."""

import json

import pytest

from pledges.models import Event, Signatory
from pledges.services.coverage import REGISTERED, SIGNED, event_coverage
from tests.conftest import make_region
from tests.test_signing import post, submission

WALK_IN_URL = "/meja/api/daftar/"
REGIONS_URL = "/meja/api/wilayah/"


@pytest.fixture
def walk_ins(kiosk):
    Event.objects.filter(pk=kiosk.station.event_id).update(allow_walk_ins=True)
    return kiosk


def walk_in(client, **fields):
    body = {"full_name": "Hartono", "position": "Camat", "agency": "", "nip": "", **fields}
    return client.post(WALK_IN_URL, json.dumps(body), content_type="application/json")


def district_status(event, code):
    coverage = event_coverage(event)
    return {d.region.code: d.status for d in coverage.districts}[code]


def village_status(event, code):
    coverage = event_coverage(event)
    return {v.region.code: v.status for d in coverage.districts for v in d.villages}[code]


def test_tablet_lists_the_kecamatan_and_kelurahan_of_the_event(walk_ins, pasuruan):
    make_region("35.14", "Kabupaten Pasuruan")
    make_region("35.14.01", "Purwodadi")  # another kab/kota: never offered
    body = walk_ins.get(REGIONS_URL).json()
    assert [(d["code"], d["name"]) for d in body["districts"]] == [
        ("35.75.01", "Gadingrejo"),
        ("35.75.02", "Purworejo"),
    ]
    assert body["districts"][0]["villages"] == [
        {"code": "35.75.01.1001", "name": "Krapyakrejo", "kelurahan": True},
        {"code": "35.75.01.1002", "name": "Bukir", "kelurahan": True},
    ]


def test_walk_in_camat_counts_in_coverage_once_signed(walk_ins):
    event = Event.objects.get(pk=walk_ins.station.event_id)
    response = walk_in(walk_ins, category="camat", nip="198604112008012002", led_region="35.75.02")
    assert response.status_code == 201, response.content
    camat = Signatory.objects.get(pk=response.json()["signatory"]["id"])
    assert camat.registration == Signatory.Registration.WALK_IN
    assert camat.led_region_id == "35.75.02"
    assert district_status(event, "35.75.02") == REGISTERED
    assert post(walk_ins, submission(camat)).status_code == 200
    assert district_status(event, "35.75.02") == SIGNED


def test_walk_in_lurah_counts_for_the_kelurahan_they_lead(walk_ins):
    event = Event.objects.get(pk=walk_ins.station.event_id)
    response = walk_in(
        walk_ins,
        category="lurah",
        nip="199007232015032004",
        position="Lurah Bukir",
        led_region="35.75.01.1002",
    )
    assert response.status_code == 201, response.content
    lurah = Signatory.objects.get(pk=response.json()["signatory"]["id"])
    post(walk_ins, submission(lurah))
    assert village_status(event, "35.75.01.1002") == SIGNED


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"category": "camat"}, "field_required"),
        ({"category": "camat", "led_region": "35.75.01.1001"}, "region_outside"),
        ({"category": "kepala_desa", "led_region": "35.75.01.1001"}, "region_kind"),
        ({"category": "camat", "led_region": "99.99.99"}, "region_unknown"),
        ({"category": "camat", "led_region": "Gadingrejo"}, "region_unknown"),
        ({"category": "camat", "led_region": ["35.75.01"]}, "region_unknown"),
        ({"category": "non_asn", "led_region": "35.75.01"}, "region_not_allowed"),
    ],
)
def test_walk_in_region_that_does_not_fit_is_refused_and_nobody_registered(walk_ins, fields, code):
    response = walk_in(walk_ins, nip="198604112008012002", **fields)
    assert response.status_code == 422
    assert response.json()["code"] == code
    assert response.json()["error"]
    assert not Signatory.objects.filter(full_name="Hartono").exists()
