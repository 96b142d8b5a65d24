"""Every document stays inside the A4 text box, whatever the data, as pdfplumber reads it.

Each kind of document is made with the longest texts the model allows (name,
jabatan, instansi, event title and venue, unit name and address), the pledge
template with the most points, and 1, 9 and 600 signers; then every character,
line, rectangle, curve (the signatures' ink) and image on every page is
checked against the page's text box, and the tables are checked to repeat
their header on every page and never to split a row.
"""

import os
import re
import uuid
from io import BytesIO
from pathlib import Path

import pdfplumber
import pytest

from pledges.models import Document, PledgeTemplate, Signatory, Signature
from pledges.rendering.ink import stored_ink
from pledges.services import documents
from pledges.services.events import open_event
from tests.conftest import make_event

MM = 72 / 25.4
A4_WIDTH, A4_HEIGHT = 210 * MM, 297 * MM
# The @page margins of templates/pledges/pdf/base.html: top 16, right 16,
# bottom 24, left 20 mm. The running footer (verification code, page number)
# is set in the bottom margin, which it may use down to 10 mm from the edge.
LEFT, RIGHT, TOP = 20 * MM, A4_WIDTH - 16 * MM, 16 * MM
BODY_BOTTOM, FOOTER_BOTTOM = A4_HEIGHT - 24 * MM, A4_HEIGHT - 10 * MM
# pdfplumber's glyph boxes are the font's full ascent/descent: allow a hair.
SLACK = 0.75

VERIFICATION = documents.Verification(
    "KODEUJI23456", "https://netralitas.bawaslu.go.id/verifikasi/KODEUJI23456/"
)


def longest(text: str, length: int) -> str:
    """`text` repeated up to exactly `length` characters (the model's max_length)."""
    return (text * (length // len(text) + 1))[:length].strip()


LONG_NAME = longest("Prof. Dr. Hj. Nur'aini Şahin Ṣāliḥ Kusumaningrat Wicaksono, ", 150)
LONG_POSITION = longest(
    "Kepala Dinas Pemberdayaan Perempuan, Perlindungan Anak, Pengendalian Penduduk ", 200
)
LONG_AGENCY = longest("Pemerintah Kabupaten Kepulauan Siau Tagulandang Biaro ", 200)
USUAL_POSITION = "Kepala Bidang Pengendalian Penduduk dan Keluarga Berencana"
# Every row's instansi ends with these words: a split row would leave them on another page.
TAIL = LONG_AGENCY[-25:]
# One word longer than any column is wide: it must wrap inside its cell.
UNBROKEN = "Dinaskependudukandanpencatatansipilkabupatenpenajampaserutaraprovinsi"


@pytest.fixture
def long_event(unit, pasuruan, db):
    from pledges.services.templates import load_shipped_templates

    load_shipped_templates()
    template = max(PledgeTemplate.objects.filter(is_current=True), key=lambda t: len(t.points))
    assert len(template.points) == 6
    unit.name = longest("Badan Pengawas Pemilihan Umum Kabupaten Kepulauan Siau ", 150)
    unit.address = longest("Jl. Raya Pahlawan Kemerdekaan No. 12, Kelurahan Bukir, ", 300)
    unit.save()
    event = make_event(
        unit,
        pasuruan,
        template,
        title=longest("Rapat Koordinasi Pengawasan Netralitas ASN Pemilihan Serentak ", 200),
        venue=longest("Aula Utama Gedung Serbaguna Pemerintah Kabupaten ", 200),
        election=longest("Pemilihan Gubernur dan Wakil Gubernur Serentak ", 150),
        chair_name=longest("Dr. Vita Suci Rahayu Kusumawardhani, S.H., M.H. ", 150),
        reader_name=longest("Rudiyanto Wicaksono Hadiningrat, S.Sos., M.Si. ", 150),
    )
    return open_event(event)


def add_signers(event, count: int, signed_every: int = 1, drawn: bool = True) -> list[Signatory]:
    """`count` signers of the longest names, every `signed_every`-th signed; their drawings
    stored as recording stores them, or (not `drawn`) none, as before drawings were kept."""
    # The longest names always; beyond a few pages, jabatan and instansi of a usual
    # length (a 600-row table of 200-character ones would take 120 pages to check).
    position, agency = (LONG_POSITION, LONG_AGENCY) if count < 100 else (USUAL_POSITION, TAIL)
    signatories = Signatory.objects.bulk_create(
        Signatory(
            event=event,
            full_name=f"{number:04d} {LONG_NAME}"[:150],
            nip=f"19800512200501{number % 10000:04d}",
            position=position if number % 2 else f"{UNBROKEN} {position}"[:200],
            agency=agency,
            category=["kepala_opd", "camat", "lurah", "asn_lainnya"][number % 4],
        )
        for number in range(1, count + 1)
    )
    import uuid

    # A looping signature that fills the pad: its ink must stay in its cell.
    strokes = [
        [[10 + 7 * n, 60 + 50 * (-1) ** n, 16 * n, 0.5] for n in range(100)],
        [[20, 140, 2000, 0.9], [700, 10, 2300, 0.2]],
    ]
    ink = stored_ink(strokes) if drawn else None
    Signature.objects.bulk_create(
        Signature(
            signatory=signatory,
            signed_at=event.starts_at,
            strokes=strokes,
            svg="<svg></svg>",
            ink=ink,
            pledge_sha256=event.frozen_pledge_sha256,
            idempotency_key=uuid.uuid4(),
        )
        for number, signatory in enumerate(signatories)
        if number % signed_every == 0
    )
    return signatories


def render(event, kind, signatory=None) -> bytes:
    facts = documents.document_facts(event, kind, signatory)
    _name, _mime, pdf = documents.RENDERERS[kind](facts, VERIFICATION)
    if folder := os.environ.get("NETRALITAS_LAYOUT_PDFS"):
        name = f"{kind}-{len(facts.get('signers') or facts.get('groups') or [1])}.pdf"
        Path(folder).mkdir(parents=True, exist_ok=True)
        Path(folder, name).write_bytes(pdf)
    return pdf


def outside(item) -> str | None:
    """Why a drawn object lies outside the text box, or None."""
    x0, x1, top, bottom = item["x0"], item["x1"], item["top"], item["bottom"]
    in_footer = top >= BODY_BOTTOM - SLACK
    limit = FOOTER_BOTTOM if in_footer else BODY_BOTTOM
    if x0 < LEFT - SLACK or x1 > RIGHT + SLACK or top < TOP - SLACK or bottom > limit + SLACK:
        what = item.get("text") or item["object_type"]
        return (
            f"{what!r} at x {x0 / MM:.1f}–{x1 / MM:.1f} mm, y {top / MM:.1f}–{bottom / MM:.1f} mm"
        )
    return None


def assert_inside_text_box(pdf: bytes) -> list:
    with pdfplumber.open(BytesIO(pdf)) as document:
        pages = []
        for number, page in enumerate(document.pages, 1):
            assert (round(page.width), round(page.height)) == (round(A4_WIDTH), round(A4_HEIGHT))
            drawn = page.chars + page.lines + page.rects + page.curves + page.images
            assert drawn
            problems = [problem for item in drawn if (problem := outside(item))]
            assert not problems, f"page {number}: {problems[:5]}"
            text = page.extract_text()
            # A template's own syntax never reaches paper (a comment spanning lines does).
            assert not re.search(r"\{[#%{]|[#%}]\}", text), f"page {number}: {text[:300]}"
            pages.append(
                {
                    "text": re.sub(r"\s+", " ", text),
                    "curves": page.curves,
                    "rects": page.rects,
                    "images": page.images,
                }
            )
        return pages


def assert_table_holds(pages, signatories, signed_every=1):
    """Every row once, whole on one page; every page with rows starts with the header."""
    rows_per_page = []
    for page in pages:
        numbers = {int(n) for n in re.findall(r"\b(\d{4}) Prof\. Dr\.", page["text"])}
        rows_per_page.append(numbers)
        if numbers:
            assert "No Nama / NIP Jabatan Instansi Tanda tangan" in page["text"]
            header = page["text"].index("Nama / NIP")
            first_row = page["text"].index(f"{min(numbers):04d} Prof. Dr.")
            assert header < first_row
    every = [number for numbers in rows_per_page for number in numbers]
    assert sorted(every) == list(range(1, len(signatories) + 1))
    # A split row would show its name on one page and the NIP under it on the
    # next: each row's NIP, its cell's last line, is on the page its name is on.
    for page, numbers in zip(pages, rows_per_page, strict=True):
        assert page["text"].count("NIP 19800512 200501") == len(numbers)


@pytest.mark.parametrize("count", [1, 9, 600])
def test_collective_deklarasi_stays_inside_the_text_box(long_event, count):
    signatories = add_signers(long_event, count)

    pages = assert_inside_text_box(render(long_event, Document.Kind.DEKLARASI))

    assert_table_holds(pages, signatories)
    # Every signature is drawn (one filled path of curves each), inside the page.
    assert sum(len(page["curves"]) for page in pages) >= count
    if count == 600:
        assert len(pages) > 20


@pytest.mark.parametrize("count", [1, 9, 600])
def test_daftar_hadir_stays_inside_the_text_box(long_event, count):
    # Every third has not signed yet: those rows say so instead of a signature.
    signatories = add_signers(long_event, count, signed_every=3)

    pages = assert_inside_text_box(render(long_event, Document.Kind.DAFTAR_HADIR))

    assert_table_holds(pages, signatories)
    assert sum("Belum menandatangani" in page["text"] for page in pages) >= (count > 1)


def test_pakta_integritas_stays_inside_the_text_box_on_one_page(long_event):
    (signatory,) = add_signers(long_event, 1)
    signatory = Signatory.objects.select_related("signature", "event").get(pk=signatory.pk)

    pages = assert_inside_text_box(render(long_event, Document.Kind.PAKTA_INTEGRITAS, signatory))

    assert len(pages) == 1
    assert LONG_NAME[:40] in pages[0]["text"]
    assert pages[0]["curves"], "the signature is drawn"


@pytest.mark.parametrize("with_logo", [True, False], ids=["logo", "no logo"])
def test_kop_surat_centres_the_unit_on_the_page_with_or_without_a_logo(long_event, with_logo):
    from django.core.files.base import ContentFile
    from PIL import Image

    unit = long_event.unit
    unit.name = "Badan Pengawas Pemilu Kota Pasuruan"
    unit.address = "Jl. Pahlawan No. 12, Kota Pasuruan"
    if with_logo:
        image = BytesIO()
        Image.new("RGB", (60, 80), "navy").save(image, "PNG")
        unit.logo.save("logo.png", ContentFile(image.getvalue()))
    unit.save()
    add_signers(long_event, 2)

    pdf = render(long_event, Document.Kind.DEKLARASI)

    assert_inside_text_box(pdf)
    with pdfplumber.open(BytesIO(pdf)) as document:
        page = document.pages[0]
        unit_line = [c for c in page.chars if c["size"] > 13 and c["top"] < 60 * MM]
        centre = (min(c["x0"] for c in unit_line) + max(c["x1"] for c in unit_line)) / 2
        assert abs(centre - (LEFT + RIGHT) / 2) < 1 * MM
        assert len(page.images) == (1 if with_logo else 0)
        if with_logo:
            (logo,) = page.images
            assert logo["x0"] >= LEFT - SLACK and logo["bottom"] < 50 * MM


def represent_and_scan(signatories):
    """The second signer represented with the longest details; one more who signed on paper."""
    from django.core.files.base import ContentFile

    from pledges.models import PaperSignature, Representation

    Representation.objects.create(
        signatory=signatories[1],
        full_name=longest("Drs. Bambang Sutrisno Wicaksono, M.Si., ", 150),
        nip="197703152002121003",
        position=LONG_POSITION,
        letter_number=longest("800/112/423.305/", 100),
    )
    first = signatories[0]
    # One more signer, with the longest details too, who signed on paper.
    paper_signer = Signatory.objects.create(
        event=first.event,
        full_name=f"9999 {LONG_NAME}"[:150],
        nip="198005122005019999",
        position=first.position,
        agency=first.agency,
        category="kepala_opd",
    )
    signature = Signature.objects.create(
        signatory=paper_signer,
        signed_at=first.event.starts_at,
        strokes=[],
        svg="",
        pledge_sha256=first.event.frozen_pledge_sha256,
        idempotency_key=uuid.uuid4(),
    )
    scan = PaperSignature(signature=signature, sha256="0" * 64, content_type="image/png", size=1)
    # A tall, narrow photo: the box must hold it whatever its shape.
    scan.scan.save("ttd.png", ContentFile(_tall_png()), save=False)
    scan.save()
    return paper_signer


def _tall_png() -> bytes:
    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (300, 2000), "white").save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize("kind", [Document.Kind.DEKLARASI, Document.Kind.DAFTAR_HADIR])
def test_a_representative_and_a_paper_scan_stay_inside_the_text_box(long_event, kind):
    signatories = add_signers(long_event, 9)
    represent_and_scan(signatories)

    pages = assert_inside_text_box(render(long_event, kind))

    text = " ".join(page["text"] for page in pages)
    assert "diwakili oleh" in text and "tanda tangan basah (pindaian)" in text
    assert sum(len(page["images"]) for page in pages) >= 1


def test_a_represented_pakta_integritas_stays_on_one_page(long_event):
    signatories = add_signers(long_event, 3)
    paper_signer = represent_and_scan(signatories)
    for signatory in (signatories[1], paper_signer):
        signatory = Signatory.objects.select_related("signature", "event").get(pk=signatory.pk)
        pages = assert_inside_text_box(
            render(long_event, Document.Kind.PAKTA_INTEGRITAS, signatory)
        )
        assert len(pages) == 1
