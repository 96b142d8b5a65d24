"""A long document laid out in two parts side by side reads as one document.

The parts are cut between two rows of a list (``pdfjoin.cut``), laid out by
this process and by a helper started for the document, joined, and
numbered afterwards. What a reader must not be able to tell: every row once,
every signature drawn, the table's header on every page, every page
numbered "Halaman i dari N" in the same place as in a document laid out in
one piece, and nothing outside the text box. What the reader is told: where
the first part ends early, that the list goes on.
"""

import logging
import re
from io import BytesIO

import pdfplumber
import pytest
from pypdf import PdfReader

from pledges.models import Document
from pledges.rendering import inkhelper, pdfink, pdfjoin, sealing
from pledges.services import documents
from tests.test_document_layout import (
    add_signers,
    assert_inside_text_box,
    assert_table_holds,
    render,
)
from tests.test_document_layout import long_event as long_event  # noqa: F401 (the fixture)
from tests.test_ink_helper import PLACED, page_contents

SIGNERS = 40


@pytest.fixture
def split_early(monkeypatch):
    """Documents of SIGNERS rows are cut in two; every part handed to a helper is recorded."""
    monkeypatch.setattr(pdfink, "SPLIT_FROM", 20)
    handed = []
    lay_out = inkhelper.InkHelper.lay_out

    def spy(helper, html, base_url, box_mm, texts, paths=None):
        handed.append((html, sorted({*texts, *(paths or {})})))
        return lay_out(helper, html, base_url, box_mm, texts, paths)

    monkeypatch.setattr(inkhelper.InkHelper, "lay_out", spy)
    return handed


def in_one_piece(event, kind, monkeypatch) -> bytes:
    with monkeypatch.context() as patch:
        patch.setattr(pdfink, "SPLIT_FROM", 10**9)
        return render(event, kind)


def page_numbers(pdf: bytes) -> list[tuple[str, float, float]]:
    """Each page's "Halaman i dari N", where it ends and its top (points): it is flush right."""
    found = []
    with pdfplumber.open(BytesIO(pdf)) as document:
        for page in document.pages:
            words = page.extract_words()
            starts = [n for n, word in enumerate(words) if word["text"] == "Halaman"]
            assert len(starts) == 1, [word["text"] for word in words[-12:]]
            number = words[starts[0] : starts[0] + 4]
            text = " ".join(word["text"] for word in number)
            found.append((text, round(number[-1]["x1"], 1), round(number[0]["top"], 1)))
    return found


@pytest.mark.parametrize("kind", [Document.Kind.DEKLARASI, Document.Kind.DAFTAR_HADIR])
def test_a_long_document_laid_out_in_two_parts_reads_as_one(
    long_event, kind, split_early, monkeypatch
):
    signatories = add_signers(long_event, SIGNERS)
    ids = sorted(signatory.signature.pk for signatory in signatories)

    pdf = render(long_event, kind)

    # The helper laid out the second part with the strokes of its signatures only.
    [(second, handed_ids)] = split_early
    assert 0 < len(handed_ids) < SIGNERS
    assert set(handed_ids) < set(ids)
    pages = assert_inside_text_box(pdf)
    assert_table_holds(pages, signatories)
    assert sum(len(PLACED.findall(page)) for page in page_contents(pdf)) == SIGNERS
    # Numbered as one document, where a document laid out in one piece numbers its pages.
    numbers = page_numbers(pdf)
    count = len(numbers)
    assert [text for text, _x, _y in numbers] == [
        f"Halaman {n} dari {count}" for n in range(1, count + 1)
    ]
    whole = page_numbers(in_one_piece(long_event, kind, monkeypatch))
    assert {(x, y) for _text, x, y in numbers} == {(x, y) for _text, x, y in whole}
    # The first part says the list goes on, once, at the end of its last page.
    seam = [
        n
        for n, page in enumerate(pages)
        if "Daftar berlanjut di halaman berikutnya." in page["text"]
    ]
    assert len(seam) == 1 and 0 < seam[0] < count - 1
    assert pages[seam[0] + 1]["text"].startswith("No Nama / NIP Jabatan Instansi Tanda tangan")
    # Every page carries the running footer with the verification code.
    assert all("Kode verifikasi KODEUJI23456" in page["text"] for page in pages)
    # Each page's resources name its own number only (not every page's: a seal's
    # check walks every path from the catalogue).
    for number, page in enumerate(PdfReader(BytesIO(pdf)).pages, 1):
        forms = [name for name in page["/Resources"]["/XObject"] if name.startswith("/Halaman")]
        assert forms == [f"/Halaman{number}"]


def test_a_layout_helper_that_dies_costs_time_never_a_page(
    long_event, split_early, monkeypatch, caplog
):
    add_signers(long_event, SIGNERS)
    expected = page_contents(render(long_event, Document.Kind.DEKLARASI))
    lay_out = inkhelper.InkHelper.lay_out

    def lay_out_then_die(helper, *args):
        future = lay_out(helper, *args)
        helper.process.kill()
        return future

    monkeypatch.setattr(inkhelper.InkHelper, "lay_out", lay_out_then_die)
    caplog.set_level(logging.ERROR)

    pdf = render(long_event, Document.Kind.DEKLARASI)

    assert page_contents(pdf) == expected
    assert "Bagian kedua dokumen ditata di proses ini" in caplog.text


def test_a_layout_helper_that_cannot_start_costs_time_never_a_page(
    long_event, split_early, monkeypatch
):
    signatories = add_signers(long_event, SIGNERS)
    expected = page_contents(render(long_event, Document.Kind.DEKLARASI))
    split_early.clear()
    monkeypatch.setattr(inkhelper.InkHelper, "for_one_document", classmethod(lambda cls: None))

    pdf = render(long_event, Document.Kind.DEKLARASI)

    assert split_early == []
    assert page_contents(pdf) == expected
    assert_table_holds(assert_inside_text_box(pdf), signatories)


def test_on_one_core_a_long_document_is_laid_out_in_one_piece(long_event, split_early, monkeypatch):
    add_signers(long_event, SIGNERS)
    monkeypatch.setattr(pdfink, "cores", lambda: 1)

    pdf = render(long_event, Document.Kind.DEKLARASI)

    assert split_early == []
    assert "berlanjut" not in "".join(page["text"] for page in assert_inside_text_box(pdf))


def test_a_document_laid_out_in_two_parts_is_sealed_and_checks(long_event, split_early):
    add_signers(long_event, SIGNERS)

    document = documents.make_document(long_event, Document.Kind.DEKLARASI)

    assert document.status == Document.Status.READY, document.error
    assert len(split_early) == 1
    with document.file.open("rb") as handle:
        check = sealing.check_seal(handle.read())
    assert check.valid, check


ROWS = "".join(f"<tr><td>{n}</td></tr>" for n in range(1, 11))
PAGE = (
    '<html><head><style id="page-box">@page { size: A4 }</style>'
    '<style id="page-numbers">@page { @bottom-right { content: counter(page) } }</style>'
    '<style>p { color: red }</style></head><body><div class="footer">kaki</div><!--content-->'
    '<h1>Judul</h1><table class="list"><thead><tr><th>No</th></tr></thead>'
    f"<tbody>{ROWS}</tbody></table><p>Penutup</p></body></html>"
)


def test_a_document_is_cut_between_rows_and_the_second_part_reopens_the_table():
    first, second = pdfjoin.cut(PAGE, 0.5, rows_at_least=10)

    assert re.findall(r"<td>(\d+)</td>", first) == [str(n) for n in range(1, 6)]
    assert re.findall(r"<td>(\d+)</td>", second) == [str(n) for n in range(6, 11)]
    assert first.endswith(pdfjoin.CONTINUED + "</body></html>") and "Penutup" not in first
    # The second part: the head, the running footer, the table's header, the rest; no title.
    assert second.startswith(PAGE[: PAGE.index('<style id="page-numbers">')])
    assert '<div class="footer">kaki</div>' in second and "Judul" not in second
    assert '<table class="list"><thead><tr><th>No</th></tr></thead><tbody><tr><td>6<' in second
    assert second.endswith("<p>Penutup</p></body></html>")
    # Neither part numbers its pages; the numbering document does, as the page box says.
    assert "page-numbers" not in first + second and 'id="page-box"' in first + second
    numbers = pdfjoin.numbers_html(PAGE, 3)
    assert 'id="page-box"' in numbers and "counter(page)" in numbers
    assert numbers.count("break-before: page") == 2


def test_a_short_list_or_a_first_row_is_never_cut():
    assert pdfjoin.cut(PAGE, 0.5, rows_at_least=11) is None
    # Asked to cut before the first row, it cuts after it: no header alone on a page.
    first, second = pdfjoin.cut(PAGE, 0.0, rows_at_least=1)
    assert re.findall(r"<td>(\d+)</td>", first) == ["1"]
    assert pdfjoin.cut(PAGE.replace("<!--content-->", ""), 0.5, rows_at_least=1) is None
