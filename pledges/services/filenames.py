"""The names files are downloaded under: readable, from the event and the kind of file.

Never the storage's name (`…netralit_zoxZLd3.pdf`): the event's title and
local date, what the file is, and for a person's file their name, e.g.
`pakta-integritas-budi-santoso-sosialisasi-netralitas-asn-2024-09-23.pdf`.
"""

from django.utils.text import slugify

from pledges.models import Document, Event

KIND_STEMS = {
    Document.Kind.PAKTA_INTEGRITAS: "pakta-integritas",
    Document.Kind.DEKLARASI: "deklarasi-bersama",
    Document.Kind.DAFTAR_HADIR: "daftar-hadir",
    Document.Kind.LAPORAN: "laporan-kegiatan",
    Document.Kind.REKAM_JEJAK: "rekam-jejak-ikrar",
}


def _part(text: str, limit: int) -> str:
    # Cut at a word boundary so no name ends in "-" or half a word.
    slug = slugify(text)
    if len(slug) > limit:
        slug = slug[: limit + 1].rsplit("-", 1)[0] if "-" in slug[:limit] else slug[:limit]
    return slug.strip("-")


def event_file_name(event: Event, what: str, extension: str, person: str = "") -> str:
    """ "<what>[-<person>]-<event title>-<YYYY-MM-DD>.<extension>"."""
    parts = [what, _part(person, 40), _part(event.title, 60), event.local_starts_at.date()]
    return "-".join(str(part) for part in parts if part) + f".{extension}"


def document_file_name(document: Document) -> str:
    if document.event_id is None:
        # A person's record spans events: named by its code, never by the NIP.
        return f"{KIND_STEMS[document.kind]}-{document.verification_code}.pdf"
    person = document.signatory.full_name if document.signatory_id else ""
    return event_file_name(document.event, KIND_STEMS[document.kind], "pdf", person)
