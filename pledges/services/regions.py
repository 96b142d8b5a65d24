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

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "regions.tsv.gz"

# Enough rows per statement to be quick, few enough for SQLite's
# variable limit (Django lowers it further if the backend needs).
BATCH_SIZE = 2000


def load_regions(path: Path | str | None = None) -> dict[str, int]:
    """Insert or update every region in the file; return the number per level.

    The keys of the result are ``Region.Level`` values ("province", ...).
    """
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
