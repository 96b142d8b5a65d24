"""Who of an event's kab/kota is registered and who has signed.

Every function here runs a fixed number of queries, however many
signatories the event has.
"""

from dataclasses import dataclass, field

from django.db.models import Count

from pledges.models import Event, Region, Signatory

NOT_REGISTERED, REGISTERED, SIGNED = "not_registered", "registered", "signed"
STATUS_LABELS = {
    NOT_REGISTERED: "Belum terdaftar",
    REGISTERED: "Terdaftar",
    SIGNED: "Sudah tanda tangan",
}


@dataclass
class CoveredRegion:
    region: Region
    status: str = NOT_REGISTERED
    leaders: list[str] = field(default_factory=list)
    villages: list["CoveredRegion"] = field(default_factory=list)
    # Signed "mewakili" by a representative on a surat tugas, not by the leader in person.
    represented: bool = False

    @property
    def status_label(self) -> str:
        label = STATUS_LABELS[self.status]
        return f"{label} (diwakili)" if self.represented else label


@dataclass
class Coverage:
    districts: list[CoveredRegion]
    # "district"/"village" -> status -> count, and "represented": signed by a representative
    counts: dict[str, dict[str, int]]


def event_coverage(event: Event) -> Coverage:
    """Each kecamatan (its camat) and desa/kelurahan (its lurah or kepala desa) of the
    event's kab/kota, marked not registered, registered or signed."""
    leaders = (
        Signatory.objects.filter(event=event, led_region__isnull=False)
        .filter(category__in=list(Signatory.REGION_LEVEL_FOR_CATEGORY))
        .annotate(signed=Count("signature"))
        .in_protocol_order()
        .values_list("led_region_id", "full_name", "signed", "representation__full_name")
    )
    status_of: dict[str, str] = {}
    represented: dict[str, bool] = {}
    names: dict[str, list[str]] = {}
    for code, name, signed, representative in leaders:
        status = SIGNED if signed else REGISTERED
        # One region may have two registered leaders (e.g. a Plt.); the best status
        # counts, and one who signed in person beats one who was represented.
        in_person = signed and not representative
        if status_of.get(code) != SIGNED or (in_person and represented.get(code)):
            status_of[code] = status
            represented[code] = bool(signed and representative)
        if representative:
            name = f"{name} (diwakili oleh {representative})"
        names.setdefault(code, []).append(name)

    regions = Region.objects.filter(
        code__startswith=event.region_id + ".",
        level__in=[Region.Level.DISTRICT, Region.Level.VILLAGE],
    ).order_by("code")
    districts: dict[str, CoveredRegion] = {}
    counts = {
        level: {**dict.fromkeys(STATUS_LABELS, 0), "represented": 0}
        for level in ("district", "village")
    }
    for region in regions:
        covered = CoveredRegion(
            region,
            status_of.get(region.code, NOT_REGISTERED),
            names.get(region.code, []),
            represented=represented.get(region.code, False),
        )
        counts[region.level][covered.status] += 1
        counts[region.level]["represented"] += covered.represented
        if region.level == Region.Level.DISTRICT:
            districts[region.code] = covered
        elif region.parent_id in districts:
            districts[region.parent_id].villages.append(covered)
    return Coverage(list(districts.values()), counts)
