"""The laporan kegiatan: the one-page report staff write after every event, drafted from the record.

`laporan_facts` is what the sealed PDF shows (built by `pledges.services.documents`
like any document); `laporan_text` is the same report as plain paragraphs to
paste into a press release or the unit's website. Both say only what the
database holds: who signed, by category, the frozen pledge, the coverage gaps.
Photos are uploaded by staff (`add_photo`), kept byte for byte with their hash.
"""

import hashlib

from django.db import transaction
from django.utils.translation import gettext as _

from pledges.core.numbers import spelled, with_words
from pledges.errors import Code, PledgeError
from pledges.models import Event, EventPhoto, Signatory
from pledges.rendering.facts import event_facts
from pledges.services.coverage import SIGNED, event_coverage
from pledges.services.stats import category_counts

# How each category is named in a sentence, for several people of it.
PLURAL_NAMES = {
    Signatory.Category.KEPALA_DAERAH: "kepala daerah",
    Signatory.Category.SEKDA: "sekretaris daerah",
    Signatory.Category.KEPALA_OPD: "kepala OPD",
    Signatory.Category.CAMAT: "camat",
    Signatory.Category.LURAH: "lurah",
    Signatory.Category.KEPALA_DESA: "kepala desa",
    Signatory.Category.ASN_LAINNYA: "ASN lainnya",
    Signatory.Category.NON_ASN: "peserta non-ASN",
}
# Offices held by one person: named by the jabatan they signed with ("Sekretaris Daerah").
SINGLE_OFFICES = {Signatory.Category.KEPALA_DAERAH, Signatory.Category.SEKDA}
PHOTOS_IN_PDF = 4
MAX_PHOTO_BYTES = 10 * 1024 * 1024


def ordinal(number: int) -> str:
    """'pertama', 'kedua', … as a list of points is read aloud."""
    return "pertama" if number == 1 else "ke" + spelled(number)


def join_words(parts: list[str]) -> str:
    """'a', 'a dan b', 'a, b dan c'."""
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " dan " + parts[-1]


def attendance(event: Event) -> tuple[str, list]:
    """'Sekretaris Daerah, 8 (delapan) kepala OPD, … se-Kota Pasuruan', and the counts."""
    counts = category_counts(event)
    singles = dict(
        event.signatories.filter(category__in=SINGLE_OFFICES, signature__isnull=False)
        .order_by("signature__signed_at")
        .values_list("category", "position")
    )
    parts, groups = [], 0
    for row in counts:
        if not row.signed:
            continue
        if row.category in SINGLE_OFFICES and row.signed == 1:
            part = singles.get(row.category) or PLURAL_NAMES[row.category]
            parts.append(part + (" (diwakili)" if row.represented else ""))
        else:
            name = PLURAL_NAMES.get(row.category, row.label.lower())
            represented = f" ({with_words(row.represented)} diwakili)" if row.represented else ""
            parts.append(f"{with_words(row.signed)} {name}{represented}")
            groups += 1
    if not parts:
        return "", counts
    # "se-Kota Pasuruan" follows groups of officials, not the one sekda.
    where = f" se-{event.region.name}" if groups else ""
    return join_words(parts) + where, counts


def coverage_gaps(event: Event) -> dict:
    """Which kecamatan and desa/kelurahan of the event's region have no signed leader."""
    coverage = event_coverage(event)
    districts = [d.region.name for d in coverage.districts if d.status != SIGNED]
    villages = [v.region.name for d in coverage.districts for v in d.villages if v.status != SIGNED]
    total_villages = sum(len(d.villages) for d in coverage.districts)
    return {
        "districts_total": len(coverage.districts),
        "villages_total": total_villages,
        "districts": districts,
        "villages": villages,
    }


def laporan_facts(event: Event) -> dict:
    """Everything the laporan kegiatan of `event` shows; PledgeError before it is opened."""
    facts = event_facts(event)
    phrase, counts = attendance(event)
    photos = list(event.photos.order_by("uploaded_at", "pk")[:PHOTOS_IN_PDF])
    return {
        **facts,
        "attendance": phrase,
        "held": what_was_held(facts["event"]["kind"], event.title),
        "counts": [
            {"label": row.label, "registered": row.registered, "signed": row.signed}
            for row in counts
            if row.registered
        ],
        "registered": sum(row.registered for row in counts),
        "signed": sum(row.signed for row in counts),
        "gaps": coverage_gaps(event),
        "photos": [
            {"name": photo.image.name, "sha256": photo.sha256, "caption": photo.caption}
            for photo in photos
        ],
        "photos_total": event.photos.count(),
        "paragraphs": paragraphs(event, phrase, counts),
    }


def paragraphs(event: Event, phrase: str, counts) -> list[str]:
    """The report as press writes it, one string per paragraph."""
    facts = event_facts(event)["event"]
    pledge = event.frozen_pledge
    registered = sum(row.registered for row in counts)
    text = [
        f"{event.unit.name} menggelar {what_was_held(facts['kind'], event.title)} di "
        f"{event.venue}, {event.region.name}, pada {facts['date']} pukul {facts['time']}"
        + (f", dalam rangka {event.election}." if event.election else ".")
    ]
    who = []
    if phrase:
        who.append(f"Kegiatan ini dihadiri {phrase}.")
    if event.chair_name:
        who.append(f"Kegiatan dipimpin oleh {event.chair_name}.")
    if event.reader_name:
        who.append(
            f"{pledge['title']} dibacakan oleh {event.reader_name} dan diikuti seluruh peserta."
        )
    if who:
        text.append(" ".join(who))
    points = pledge["points"]
    text.append(
        f"Terdapat {with_words(len(points))} poin ikrar. "
        + " ".join(
            f"{ordinal(number).capitalize()}, {_sentence(point)}"
            for number, point in enumerate(points, 1)
        )
    )
    if registered:
        text.append(_signing_sentence(counts))
    gaps = coverage_gaps(event)
    if gaps["districts_total"]:
        text.append(_gap_sentence(event, gaps))
    return text


def _signing_sentence(counts) -> str:
    """How many signed, and honestly how: on paper, or by a representative."""
    signed = sum(row.signed for row in counts)
    registered = sum(row.registered for row in counts)
    on_paper = sum(row.on_paper for row in counts)
    represented = sum(row.represented for row in counts)
    how = (
        "secara elektronik melalui Netralitas"
        if not on_paper
        else f"melalui Netralitas, {with_words(on_paper)} di antaranya dengan tanda tangan basah "
        "di atas kertas yang pindaiannya diunggah petugas"
    )
    sentence = (
        f"Sebanyak {with_words(signed)} dari {with_words(registered)} peserta yang terdaftar "
        f"menandatangani ikrar tersebut {how}."
    )
    if represented:
        sentence += (
            f" Sebanyak {with_words(represented)} pejabat berhalangan hadir dan diwakili oleh "
            "pejabat yang ditunjuk dengan surat tugas."
        )
    return sentence + (
        " Setiap tanda tangan disimpan bersama teks ikrar yang dibekukan saat kegiatan dibuka, "
        "dan dokumennya bersegel elektronik serta dapat diperiksa keasliannya oleh siapa pun."
    )


def what_was_held(kind: str, title: str) -> str:
    """'sosialisasi “Apel Siaga”', or just the title when it names the kind already."""
    if title.lower().startswith(kind.lower()):
        return title
    return f"{kind.lower()} “{title}”"


def _sentence(point: str) -> str:
    point = point.strip()
    point = point[0].lower() + point[1:] if point[:1].isupper() and point[1:2].islower() else point
    return point if point.endswith((".", "!", "?")) else point + "."


def _gap_sentence(event: Event, gaps: dict) -> str:
    region = event.region.name
    if not gaps["districts"] and not gaps["villages"]:
        return (
            f"Seluruh camat dari {with_words(gaps['districts_total'])} kecamatan dan lurah atau "
            f"kepala desa dari {with_words(gaps['villages_total'])} desa/kelurahan se-{region} "
            "telah menandatangani."
        )
    parts = []
    if gaps["districts"]:
        parts.append(
            f"camat dari {with_words(len(gaps['districts']))} kecamatan "
            f"({join_words(gaps['districts'])})"
        )
    if gaps["villages"]:
        names = gaps["villages"]
        shown = join_words(names) if len(names) <= 10 else ", ".join(names[:10]) + ", dan lainnya"
        parts.append(
            f"lurah atau kepala desa dari {with_words(len(names))} desa/kelurahan ({shown})"
        )
    return (
        f"Dari {with_words(gaps['districts_total'])} kecamatan dan "
        f"{with_words(gaps['villages_total'])} desa/kelurahan se-{region}, "
        f"{join_words(parts)} belum menandatangani."
    )


def laporan_text(event: Event) -> str:
    """The laporan as plain text, paragraphs separated by a blank line."""
    phrase, counts = attendance(event)
    title = f"{event.unit.name}: {what_was_held(event.get_kind_display(), event.title)}"
    return "\n\n".join([title, *paragraphs(event, phrase, counts)]) + "\n"


# --- Photos ----------------------------------------------------------------------


def check_can_add_photo(event: Event) -> None:
    """Photos are of an event that has taken place: once it is opened, also after closing."""
    if event.status == Event.Status.DRAFT:
        raise PledgeError(
            _("Foto kegiatan dapat diunggah setelah kegiatan dibuka."), Code.EVENT_NOT_OPEN
        )


def add_photo(event: Event, upload, caption: str = "", user=None) -> EventPhoto:
    """Store an uploaded photo byte for byte with its SHA-256; audited."""
    check_can_add_photo(event)
    if upload.size > MAX_PHOTO_BYTES:
        raise PledgeError(
            _("Foto lebih besar dari 10 MB; perkecil dulu, lalu unggah lagi."),
            Code.PHOTO_TOO_LARGE,
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    with transaction.atomic():
        photo = EventPhoto(
            event=event, caption=caption.strip(), sha256=digest.hexdigest(), uploaded_by=user
        )
        photo.image.save(upload.name, upload, save=False)
        try:
            photo.save()
        except Exception:
            photo.image.delete(save=False)
            raise
    return photo


def delete_photo(photo: EventPhoto) -> None:
    """Remove a photo from the next laporan; sealed laporan keep their copy. Audited."""
    name, storage = photo.image.name, photo.image.storage
    with transaction.atomic():
        photo.delete()  # audited by the model's signal, with its hash
        transaction.on_commit(lambda: storage.delete(name))
