import gzip
from io import StringIO

import pytest
from django.core.management import call_command

from pledges.core.time_zones import TIME_ZONES, time_zone_for
from pledges.models import Region
from pledges.services.regions import load_regions

# Exact figures of pledges/data/regions.tsv.gz (idn-area-data 4.0.1).
EXPECTED = {"province": 38, "regency": 514, "district": 7285, "village": 83762}


def load() -> str:
    out = StringIO()
    call_command("load_regions", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {level: Region.objects.filter(level=level).count() for level in EXPECTED}


def children(code: str, level: str):
    return Region.objects.filter(level=level, code__startswith=code + ".")


# The full list takes a few seconds to load and each test's transaction is
# rolled back, so everything that needs the real data shares this one test.
@pytest.mark.django_db
def test_full_load_and_reload():
    output = load()
    assert "38 provinsi, 514 kabupaten/kota, 7.285 kecamatan, 83.762 desa/kelurahan" in output
    assert counts() == EXPECTED

    # Kota Pasuruan: 4 kecamatan and 34 kelurahan (no desa), as reported in the news.
    pasuruan = Region.objects.get(code="35.75")
    assert (pasuruan.name, pasuruan.level, pasuruan.parent_id) == ("Kota Pasuruan", "regency", "35")
    assert pasuruan.children.count() == 4
    villages = children("35.75", Region.Level.VILLAGE)
    assert villages.count() == 34
    assert all(v.is_kelurahan for v in villages)

    gorontalo = Region.objects.get(code="75.71")
    assert gorontalo.name == "Kota Gorontalo"
    assert sorted(gorontalo.children.values_list("name", flat=True)) == [
        "Dumbo Raya",
        "Dungingi",
        "Hulonthalangi",
        "Kota Barat",
        "Kota Selatan",
        "Kota Tengah",
        "Kota Timur",
        "Kota Utara",
        "Sipatana",
    ]
    assert children("75.71", Region.Level.VILLAGE).count() == 50

    # Every stored parent is the code minus its last part.
    village = Region.objects.select_related("parent__parent__parent").get(code="35.75.01.1001")
    assert [village.parent_id, village.parent.parent_id, village.parent.parent.parent_id] == [
        "35.75.01",
        "35.75",
        "35",
    ]
    assert village.parent.parent.parent.parent_id is None

    assert Region.objects.get(code="35.75.01").time_zone_abbreviation == "WIB"  # Jawa Timur
    assert Region.objects.get(code="75.71.01.1001").time_zone_abbreviation == "WITA"  # Gorontalo
    assert str(Region.objects.get(code="94.01").time_zone) == "Asia/Jayapura"  # Papua Tengah
    # Every province in the data has a time zone, and no zone is for a missing province.
    provinces = set(Region.objects.filter(level="province").values_list("code", flat=True))
    assert provinces == set(TIME_ZONES)

    # A second run adds nothing and puts back names changed by hand.
    Region.objects.filter(code="35.75").update(name="Kota Pasuruan Lama")
    Region.objects.filter(code="75.71.09.1002").update(name="Salah")
    load()
    assert counts() == EXPECTED
    assert Region.objects.count() == sum(EXPECTED.values())
    assert Region.objects.get(code="35.75").name == "Kota Pasuruan"
    assert Region.objects.get(code="75.71.09.1002").name == "Pohe"


def write_regions(path, lines):
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.writelines(f"{code}\t{name}\n" for code, name in lines)
    return path


@pytest.mark.django_db
def test_reload_updates_and_adds_but_never_deletes(tmp_path):
    first = write_regions(
        tmp_path / "a.tsv.gz",
        [
            ("35", "Jawa Timur"),
            ("35.75", "Kota Pasuruan"),
            ("35.75.01", "Gadingrejo"),
            ("35.75.02", "Purworejo"),
        ],
    )
    assert load_regions(first) == {"province": 1, "regency": 1, "district": 2, "village": 0}

    # A newer list renames one kecamatan, adds a kelurahan and drops another kecamatan.
    second = write_regions(
        tmp_path / "b.tsv.gz",
        [
            ("35", "Jawa Timur"),
            ("35.75", "Kota Pasuruan"),
            ("35.75.01", "Gading Rejo"),
            ("35.75.01.1001", "Karangketug"),
        ],
    )
    load_regions(second)

    assert dict(Region.objects.values_list("code", "name")) == {
        "35": "Jawa Timur",
        "35.75": "Kota Pasuruan",
        "35.75.01": "Gading Rejo",
        "35.75.01.1001": "Karangketug",
        "35.75.02": "Purworejo",  # kept: other records may point at it
    }
    assert Region.objects.get(code="35.75.01.1001").parent_id == "35.75.01"


def test_time_zone_for():
    assert time_zone_for("35.75.01.1001") == ("Asia/Jakarta", "WIB")  # Jawa Timur
    assert time_zone_for("61.71") == ("Asia/Jakarta", "WIB")  # Kalimantan Barat
    assert time_zone_for("62") == ("Asia/Jakarta", "WIB")  # Kalimantan Tengah
    assert time_zone_for("64.72") == ("Asia/Makassar", "WITA")  # Kalimantan Timur
    assert time_zone_for("51.71") == ("Asia/Makassar", "WITA")  # Bali
    assert time_zone_for("75.71") == ("Asia/Makassar", "WITA")  # Gorontalo
    assert time_zone_for("82.71") == ("Asia/Jayapura", "WIT")  # Maluku Utara
    assert time_zone_for("91.71") == ("Asia/Jayapura", "WIT")  # Papua
    assert time_zone_for("96") == ("Asia/Jayapura", "WIT")  # Papua Barat Daya
    with pytest.raises(ValueError):
        time_zone_for("99.01")
