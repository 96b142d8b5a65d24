"""A large document's signatures are drawn by a helper process: the same ink, whatever happens.

The signatures here were stored without their drawing (as before drawings
were kept, ``Signature.ink`` NULL), so documents draw them from their strokes.
"""

import re
from io import BytesIO

import pytest
from pypdf import PdfReader

from pledges.models import Document
from pledges.rendering import inkhelper, pdfink, pdfpages
from tests.test_document_layout import add_signers, render
from tests.test_document_layout import long_event as long_event  # noqa: F401 (the fixture)

SIGNERS = pdfink.PARALLEL_FROM + 20
# The matrix pdfink places each signature with (the path unit in points, y downwards).
PLACED = re.compile(rb"q\n%.7f 0 0 -%.7f [\d.]+ [\d.]+ cm\n" % ((pdfpages.UNIT_TO_PT,) * 2))


def page_contents(pdf: bytes) -> list[bytes]:
    return [page.get_contents().get_data() for page in PdfReader(BytesIO(pdf)).pages]


@pytest.fixture
def submissions(monkeypatch):
    """Every batch handed to the helper, as it is handed over."""
    handed = []
    submit = inkhelper.InkHelper.submit

    def spy(helper, texts, box_mm):
        handed.append(sorted(texts))
        return submit(helper, texts, box_mm)

    monkeypatch.setattr(inkhelper.InkHelper, "submit", spy)
    return handed


def drawn_here(event, kind, monkeypatch) -> list[bytes]:
    with monkeypatch.context() as patch:
        patch.setattr(pdfink, "PARALLEL_FROM", 10**9)
        return page_contents(render(event, kind))


@pytest.mark.parametrize("kind", [Document.Kind.DEKLARASI, Document.Kind.DAFTAR_HADIR])
def test_a_large_document_drawn_by_the_helper_has_the_ink_drawn_here(
    long_event, kind, submissions, monkeypatch
):
    signatories = add_signers(long_event, SIGNERS, drawn=False)
    ids = sorted(signatory.signature.pk for signatory in signatories)

    by_helper = page_contents(render(long_event, kind))

    assert sorted(pk for batch in submissions for pk in batch) == ids
    assert sum(len(PLACED.findall(page)) for page in by_helper) == SIGNERS
    assert by_helper == drawn_here(long_event, kind, monkeypatch)


def test_a_small_document_draws_its_ink_here(long_event, submissions):
    add_signers(long_event, 5, drawn=False)

    pages = page_contents(render(long_event, Document.Kind.DEKLARASI))

    assert submissions == []
    assert sum(len(PLACED.findall(page)) for page in pages) == 5


def test_a_helper_that_dies_costs_time_never_ink(long_event, monkeypatch, caplog):
    add_signers(long_event, SIGNERS, drawn=False)
    expected = drawn_here(long_event, Document.Kind.DEKLARASI, monkeypatch)
    killed = []
    submit = inkhelper.InkHelper.submit

    def submit_then_die(helper, texts, box_mm):
        future = submit(helper, texts, box_mm)
        if not killed:
            helper.process.kill()
            killed.append(helper)
        return future

    monkeypatch.setattr(inkhelper.InkHelper, "submit", submit_then_die)

    pages = page_contents(render(long_event, Document.Kind.DEKLARASI))

    assert pages == expected
    assert "digambar di proses ini" in caplog.text
    # The next document gets a helper that is alive, not the dead one.
    fresh = inkhelper.InkHelper.get()
    assert fresh is not killed[0] and fresh.alive()


def test_the_helper_answers_each_request_with_what_ink_draws():
    from pledges.rendering.ink import draw_texts

    texts = {7: "[[[10,10,0,0.5],[120,60,40,0.5],[200,20,80,0.4]]]", 8: "[]"}
    requests, answers = BytesIO(), BytesIO()
    inkhelper._write_frame(requests, ("a", "ink", texts, (30, 11)))
    inkhelper._write_frame(requests, ("b", "ink", {9: texts[7]}, (45, 16)))
    requests.seek(0)

    inkhelper.serve(requests, answers)

    answers.seek(0)
    assert inkhelper._read_frame(answers) == ("a", draw_texts(texts, 30, 11))
    assert inkhelper._read_frame(answers) == ("b", draw_texts({9: texts[7]}, 45, 16))
    assert inkhelper._read_frame(answers) is None
    assert draw_texts(texts, 30, 11)[7].endswith("f\n")


def test_a_box_placed_by_the_layout_but_missed_by_the_scan_is_still_drawn(long_event, monkeypatch):
    add_signers(long_event, 5, drawn=False)
    monkeypatch.setattr(pdfpages, "INK_BOX", re.compile(r"(?!)"))  # finds no box

    pages = page_contents(render(long_event, Document.Kind.DEKLARASI))

    assert sum(len(PLACED.findall(page)) for page in pages) == 5


def test_on_one_core_a_large_document_draws_its_ink_here(long_event, submissions, monkeypatch):
    add_signers(long_event, SIGNERS, drawn=False)
    monkeypatch.setattr(pdfink, "cores", lambda: 1)

    pages = page_contents(render(long_event, Document.Kind.DEKLARASI))

    assert submissions == []
    assert sum(len(PLACED.findall(page)) for page in pages) == SIGNERS
