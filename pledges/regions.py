"""Official Kemendagri regions: time zones and loading the shipped code list.

Contract:

- ``data/regions.tsv.gz`` holds one region per line, ``code<TAB>name``, sorted
  by code. Codes are dotted Kemendagri codes: "35" (provinsi), "35.75"
  (kabupaten/kota), "35.75.01" (kecamatan), "35.75.01.1001" (desa/kelurahan).
  The level is the number of dots; the parent is the code minus its last part.
  See ``REGIONS-LICENSE.md`` for its source and licence (ODbL) and
  ``tools/convert_regions.py`` for how to regenerate it.
- ``load_regions()`` makes the ``Region`` table match the file: it adds new
  codes and updates name, level and parent of existing ones, in one
  transaction. Running it again changes nothing. It never deletes: a code that
  disappears from the file stays, because events and units may point at it.
- ``time_zone_for(code)`` gives the legal time zone of any region code; every
  region lies wholly inside its province's zone.
"""

import gzip
from pathlib import Path

from django.db import transaction

DATA_FILE = Path(__file__).resolve().parent / "data" / "regions.tsv.gz"

WIB = ("Asia/Jakarta", "WIB")
WITA = ("Asia/Makassar", "WITA")
WIT = ("Asia/Jayapura", "WIT")

# Province code -> (zoneinfo name, abbreviation), following the time zones set
# by Keppres 41/1987; Kalimantan Barat and Tengah are WIB, the rest of
# Kalimantan WITA.
TIME_ZONES: dict[str, tuple[str, str]] = {
    "11": WIB,  # Aceh
    "12": WIB,  # Sumatera Utara
    "13": WIB,  # Sumatera Barat
    "14": WIB,  # Riau
    "15": WIB,  # Jambi
    "16": WIB,  # Sumatera Selatan
    "17": WIB,  # Bengkulu
    "18": WIB,  # Lampung
    "19": WIB,  # Kepulauan Bangka Belitung
    "21": WIB,  # Kepulauan Riau
    "31": WIB,  # DKI Jakarta
    "32": WIB,  # Jawa Barat
    "33": WIB,  # Jawa Tengah
    "34": WIB,  # DI Yogyakarta
    "35": WIB,  # Jawa Timur
    "36": WIB,  # Banten
    "51": WITA,  # Bali
    "52": WITA,  # Nusa Tenggara Barat
    "53": WITA,  # Nusa Tenggara Timur
    "61": WIB,  # Kalimantan Barat
    "62": WIB,  # Kalimantan Tengah
    "63": WITA,  # Kalimantan Selatan
    "64": WITA,  # Kalimantan Timur
    "65": WITA,  # Kalimantan Utara
    "71": WITA,  # Sulawesi Utara
    "72": WITA,  # Sulawesi Tengah
    "73": WITA,  # Sulawesi Selatan
    "74": WITA,  # Sulawesi Tenggara
    "75": WITA,  # Gorontalo
    "76": WITA,  # Sulawesi Barat
    "81": WIT,  # Maluku
    "82": WIT,  # Maluku Utara
    "91": WIT,  # Papua
    "92": WIT,  # Papua Barat
    "93": WIT,  # Papua Selatan
    "94": WIT,  # Papua Tengah
    "95": WIT,  # Papua Pegunungan
    "96": WIT,  # Papua Barat Daya
}

# Enough rows per statement to be quick, few enough for SQLite's
# variable limit (Django lowers it further if the backend needs).
BATCH_SIZE = 2000


def time_zone_for(code: str) -> tuple[str, str]:
    """Return (zoneinfo name, abbreviation) for a region code, e.g. ("Asia/Jakarta", "WIB")."""
    try:
        return TIME_ZONES[code[:2]]
    except KeyError:
        raise ValueError(f"Kode wilayah tidak dikenal: {code!r}") from None


def load_regions(path: Path | str | None = None) -> dict[str, int]:
    """Insert or update every region in the file; return the number per level.

    The keys of the result are ``Region.Level`` values ("province", ...).
    """
    # Imported here because the model module imports time_zone_for from us.
    from pledges.models import Region

    levels = [
        Region.Level.PROVINCE,
        Region.Level.REGENCY,
        Region.Level.DISTRICT,
        Region.Level.VILLAGE,
    ]
    wanted: dict[str, tuple[str, str, str | None]] = {}
    with gzip.open(path or DATA_FILE, "rt", encoding="utf-8") as f:
        for line in f:
            code, name = line.rstrip("\n").split("\t")
            depth = code.count(".")
            wanted[code] = (name, levels[depth], code.rsplit(".", 1)[0] if depth else None)

    with transaction.atomic():
        # Writing only new or changed rows makes a re-run take about a second
        # instead of re-sending all ~92k rows.
        rows = Region.objects.values_list("code", "name", "level", "parent_id")
        current = {code: (name, level, parent) for code, name, level, parent in rows}
        by_level: dict[str, list[Region]] = {level: [] for level in levels}
        for code, (name, level, parent) in wanted.items():
            if current.get(code) != (name, level, parent):
                by_level[level].append(Region(code=code, name=name, level=level, parent_id=parent))
        # Level by level, so a parent row always exists before its children
        # however the database checks foreign keys. Upserting (rather than
        # plain inserts) keeps this correct even if rows appear meanwhile.
        for level in levels:
            Region.objects.bulk_create(
                by_level[level],
                batch_size=BATCH_SIZE,
                update_conflicts=True,
                unique_fields=["code"],
                update_fields=["name", "level", "parent"],
            )

    counts = dict.fromkeys(map(str, levels), 0)
    for _name, level, _parent in wanted.values():
        counts[level] += 1
    return counts
