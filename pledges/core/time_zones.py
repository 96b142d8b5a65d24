"""The time zone of each province (WIB, WITA, WIT), by Kemendagri region code."""

from dataclasses import dataclass
from zoneinfo import ZoneInfo

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


def time_zone_for(code: str) -> tuple[str, str]:
    """Return (zoneinfo name, abbreviation) for a region code, e.g. ("Asia/Jakarta", "WIB")."""
    try:
        return TIME_ZONES[code[:2]]
    except KeyError:
        raise ValueError(f"Kode wilayah tidak dikenal: {code!r}") from None


@dataclass(frozen=True)
class Zone:
    """A zone shaped like a region for the date helpers: `time_zone`, `time_zone_abbreviation`."""

    name: str
    abbreviation: str

    @property
    def time_zone(self) -> ZoneInfo:
        return ZoneInfo(self.name)

    @property
    def time_zone_abbreviation(self) -> str:
        return self.abbreviation


def zone_of_unit(unit) -> Zone:
    """The zone a unit's own times are read in; Bawaslu RI (no region) reads WIB, as Jakarta."""
    return Zone(*time_zone_for(unit.region_id)) if unit.region_id else Zone(*WIB)
