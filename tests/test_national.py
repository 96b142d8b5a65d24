"""The national picture: coverage of every province and kab/kota per election, on a fixture."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pledges.models import BawasluUnit
from pledges.services.events import close_event, open_event
from tests.conftest import make_event, make_signatory, make_signature, make_staff

ELECTION = "Pemilihan Serentak 2024"


def person(event, name, category, signed, region=None):
    signatory = make_signatory(
        event, name, nip="", category=category, position=name, led_region_id=region
    )
    if signed:
        make_signature(signatory)
    return signatory


@pytest.fixture
def country(unit, other_unit, pasuruan, gorontalo, template):
    """Kota Pasuruan: 2 kecamatan, 3 kelurahan; Kota Gorontalo: 1 kecamatan."""
    first = open_event(make_event(unit, pasuruan, template, title="A", election=ELECTION))
    person(first, "Sekda", "sekda", True)
    person(first, "Kadis 1", "kepala_opd", True)
    person(first, "Kadis 2", "kepala_opd", False)
    person(first, "Camat Gadingrejo", "camat", True, "35.75.01")
    person(first, "Lurah Krapyakrejo", "lurah", True, "35.75.01.1001")
    person(first, "Lurah Bukir", "lurah", False, "35.75.01.1002")
    close_event(first)
    second = open_event(make_event(unit, pasuruan, template, title="B", election=ELECTION))
    person(second, "Camat Purworejo", "camat", True, "35.75.02")
    person(second, "Lurah Krapyakrejo", "lurah", True, "35.75.01.1001")  # covered twice: once
    third = open_event(make_event(other_unit, gorontalo, template, title="C", election=ELECTION))
    person(third, "Staf", "asn_lainnya", True)
    draft = make_event(unit, pasuruan, template, title="Draf", election=ELECTION)
    person(draft, "Belum dibuka", "kepala_opd", False)
    earlier = open_event(make_event(unit, pasuruan, template, title="E", election="Pemilu 2019"))
    person(earlier, "Dulu", "kepala_opd", True)
    return first


def rows_of(response):
    return {row.name: row for row in response.context["picture"].rows}


def test_closing_an_event_keeps_its_summary(country):
    country.refresh_from_db()
    assert country.final_summary == {
        "categories": {"sekda": [1, 1], "kepala_opd": [2, 1], "camat": [1, 1], "lurah": [2, 1]},
        "led": ["35.75.01", "35.75.01.1001"],
    }


def test_every_province_with_its_figures_for_one_election(client, unit_ri, country):
    client.force_login(make_staff(unit_ri, "pusat"))
    response = client.get(reverse("staff:national"), {"pemilihan": ELECTION})
    rows = rows_of(response)
    assert list(rows) == ["Gorontalo", "Jawa Timur"]
    jatim = rows["Jawa Timur"]
    # A and B are held; the draft and the 2019 event are not counted.
    assert (jatim.events, jatim.registered, jatim.signed, jatim.percent) == (2, 8, 6, 75)
    assert jatim.signed_in("kepala_opd") == 1 and jatim.signed_in("lurah") == 2
    assert (jatim.districts_covered, jatim.districts_total) == (2, 2)
    assert (jatim.villages_covered, jatim.villages_total) == (1, 3)
    assert jatim.coverage == 60
    gorontalo = rows["Gorontalo"]
    assert (gorontalo.events, gorontalo.registered, gorontalo.signed) == (1, 1, 1)
    assert (gorontalo.districts_total, gorontalo.coverage) == (1, 0)
    total = response.context["picture"].total
    assert (total.events, total.registered, total.signed) == (3, 9, 7)
    page = response.content.decode()
    assert "60 %" in page and "2 / 2" in page and "1 / 3" in page
    assert 'width="222.0" height="18" class="chart-bar chart-mid"' in page


def test_the_newest_election_is_shown_first_and_all_can_be_chosen(client, unit_ri, country):
    client.force_login(make_staff(unit_ri, "pusat"))
    response = client.get(reverse("staff:national"))
    assert response.context["election"] == ELECTION
    assert response.context["elections"] == [ELECTION, "Pemilu 2019"]
    every = rows_of(client.get(reverse("staff:national"), {"pemilihan": ""}))
    assert every["Jawa Timur"].events == 3


def test_a_province_opens_into_its_kab_kota(client, unit_ri, country):
    client.force_login(make_staff(unit_ri, "pusat"))
    response = client.get(reverse("staff:national"), {"pemilihan": ELECTION, "provinsi": "35"})
    rows = rows_of(response)
    assert list(rows) == ["Kota Pasuruan"]
    assert rows["Kota Pasuruan"].coverage == 60
    assert "Rekap Jawa Timur" in response.content.decode()


def test_sorting_by_a_column_either_way(client, unit_ri, country):
    client.force_login(make_staff(unit_ri, "pusat"))
    url = reverse("staff:national")
    down = client.get(url, {"pemilihan": ELECTION, "urut": "cakupan", "arah": "turun"})
    assert list(rows_of(down)) == ["Jawa Timur", "Gorontalo"]
    up = client.get(url, {"pemilihan": ELECTION, "urut": "cakupan", "arah": "naik"})
    assert list(rows_of(up)) == ["Gorontalo", "Jawa Timur"]
    assert 'aria-sort="ascending"' in up.content.decode()


def test_each_unit_sees_only_what_lies_beneath_it(client, staff, unit, country):
    jatim = BawasluUnit.objects.get(name="Bawaslu Provinsi Jawa Timur")
    client.force_login(make_staff(jatim, "jatim"))
    assert list(rows_of(client.get(reverse("staff:national")))) == ["Jawa Timur"]
    client.force_login(staff)
    assert list(rows_of(client.get(reverse("staff:national")))) == ["Jawa Timur"]


def test_the_table_exports_as_csv_and_xlsx(client, unit_ri, country):
    client.force_login(make_staff(unit_ri, "pusat"))
    url = reverse("staff:national_export", args=["csv"])
    response = client.get(url, {"pemilihan": ELECTION})
    assert "rekap-nasional-pemilihan-serentak-2024.csv" in response["Content-Disposition"]
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert table[0][:6] == [
        "Kode wilayah",
        "Provinsi",
        "Kegiatan",
        "Terdaftar",
        "Bertanda tangan",
        "% bertanda tangan",
    ]
    jatim = next(row for row in table if row[1] == "Jawa Timur")
    # Codes stay text in a spreadsheet (leading zeros kept): ="35".
    assert jatim[:6] == ['="35"', "Jawa Timur", "2", "8", "6", "75"]
    assert jatim[-5:] == ["2", "2", "1", "3", "60"]
    xlsx = client.get(reverse("staff:national_export", args=["xlsx"]), {"pemilihan": ELECTION})
    assert xlsx.content.startswith(b"PK")


def test_closed_events_are_read_from_their_summary_not_their_rows(
    client, unit_ri, unit, pasuruan, template, country
):
    client.force_login(make_staff(unit_ri, "pusat"))
    url = reverse("staff:national")
    client.get(url)  # region totals cached
    with CaptureQueriesContext(connection) as before:
        client.get(url, {"pemilihan": ELECTION})
    for number in range(3):
        more = open_event(
            make_event(unit, pasuruan, template, title=f"M{number}", election=ELECTION)
        )
        for index in range(5):
            person(more, f"Orang {index}", "kepala_opd", True)
        close_event(more)
    with CaptureQueriesContext(connection) as after:
        response = client.get(url, {"pemilihan": ELECTION})
    assert len(after) == len(before)
    assert rows_of(response)["Jawa Timur"].signed_in("kepala_opd") == 16
