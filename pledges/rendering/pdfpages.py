"""HTML laid out by WeasyPrint into PDF pages, each signature box filled with its ink.

Templates leave an empty box where a signature goes
(``templates/pledges/pdf/_ink.html``: a fixed-size span whose id names the
signature). WeasyPrint lays the document out; its public ``Page.anchors``
tell where on which page each box landed; then, while WeasyPrint writes the
PDF (its ``finisher`` hook), each page gets one more content stream holding
one filled path per signature on it (``pledges.rendering.ink``).

This module knows nothing of the database: where the ink comes from is the
caller's (``pdfink`` in a server process, ``inkhelper`` in a helper one).
"""

import gc
import logging
import re
import zlib
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from functools import cache
from importlib import resources

import pydyf

from pledges.rendering.ink import UNIT

PREFIX = "ink-"
INK_BOX = re.compile(r'id="ink-(\d+)"')
# Signatures read and drawn at a time.
BATCH = 200
PX_TO_PT = 0.75  # WeasyPrint's CSS pixel in PDF points
UNIT_TO_PT = 72 / 25.4 / UNIT  # ink's path unit in points
# pydyf deflates at level 9, which for a few megabytes of path numbers costs
# more than drawing them. Per signature of bench/pdf.py (13.4 KB of operators):
# level 9 4.9 ms for 4.29 KB, level 6 1.3 ms for 4.38 KB, level 4 0.24 ms for
# 4.77 KB, level 1 0.14 ms for 5.24 KB.
DEFLATE_LEVEL = 4

# (signature ids, {id: path operators}), batch after batch in page order.
Batches = Iterable[tuple[list[int], dict[int, str]]]

logger = logging.getLogger(__name__)

# WeasyPrint's user-agent style sheet gives every element the styles of six
# pseudo-elements (::marker, and five for footnotes and notes), computed one
# by one, never shared: of a 2,000-row list's memory, more than a third. Our
# documents have markers only on list items and no notes, so in the sheet
# they are laid out with, markers are styled on list items and the notes'
# rules are left out: the same pages (tests/test_ua_sheet.py compares each
# document with WeasyPrint's own sheet), in 45 % less memory and 18 %
# less time for the rows (bench/pdf-log.md).
SCOPED_PSEUDO = [
    (re.compile(r"^::marker\b", re.MULTILINE), "li::marker"),
    (re.compile(r"^::(?:footnote|note)-[a-z]+ *\{[^}]*\}", re.MULTILINE), ""),
]


def scoped_ua_text() -> str | None:
    """WeasyPrint's own user-agent sheet, its pseudo-elements scoped as above; None if
    this WeasyPrint's sheet is not the one that was scoped."""
    text = (resources.files("weasyprint.css") / "html5_ua.css").read_text("utf-8")
    for pattern, replacement in SCOPED_PSEUDO:
        text, found = pattern.subn(replacement, text)
        if not found:
            return None
    return text


@cache
def documents_ua_sheet():
    """The scoped sheet, parsed once; None (WeasyPrint's own is used) if it cannot be."""
    from weasyprint import CSS
    from weasyprint.html import UA_COUNTER_STYLE

    text = scoped_ua_text()
    if text is None:
        logger.warning("Lembar gaya bawaan WeasyPrint berubah; dipakai apa adanya.")
        return None
    return CSS(string=text, counter_style=UA_COUNTER_STYLE)


def weasyprint_html(html: str, base_url: str):
    """`html` as WeasyPrint's HTML, styled by `documents_ua_sheet` where it can be."""
    return _html_class()(string=html, base_url=base_url)


@cache
def _html_class():
    from weasyprint import HTML

    class DocumentHTML(HTML):
        def _ua_stylesheets(self, forms=False):
            sheet = documents_ua_sheet()
            return super()._ua_stylesheets(forms) if sheet is None or forms else [sheet]

    return DocumentHTML


def ink_ids(html: str) -> list[int]:
    """The signatures whose boxes `html` holds, in document order (which is page order)."""
    return list(dict.fromkeys(int(pk) for pk in INK_BOX.findall(html)))


def in_batches(ids: list[int]) -> list[list[int]]:
    """`ids` BATCH at a time, in order: how strokes are read and drawn."""
    return [ids[start : start + BATCH] for start in range(0, len(ids), BATCH)]


@contextmanager
def fewer_collections(large: bool = False):
    """WeasyPrint's render under collector settings that suit it (bench/pdf-log.md).

    WeasyPrint allocates millions of short-lived objects for a large table;
    with Python's default thresholds the cyclic collector costs about a tenth
    of the render. What the process held before (Django, its models, the
    facts) is frozen meanwhile, so the collections that do run walk only
    WeasyPrint's objects. After a `large` render its cyclic garbage (~100 MB
    for 2,000 rows) is collected at once: otherwise the next document would
    freeze it, or the seal pay for collecting it.
    """
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(10_000, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()
        if large:
            gc.collect()


@contextmanager
def _no_collections():
    """No cyclic collection while signatures are drawn after a layout.

    Drawing makes no cycles, only numbers, lists and strings that reference
    counting frees; but its allocations would start collections that walk
    the whole laid-out document, which doubled the cost of drawing.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def write_pdf(
    html: str,
    base_url: str,
    batches: Batches = (),
    unlisted: Callable[[list[int]], tuple[list[int], dict[int, str]]] | None = None,
    large: bool = False,
) -> bytes:
    """The PDF of `html`, each box filled from `batches` (boxes missing from them: `unlisted`).

    Without `unlisted`, a box missing from `batches` is an error: its ink is not lost quietly.
    """

    def finish(document, pdf):
        kids = pdf.pages["Kids"][::3]
        placed = _placements(document)
        batches_and_rest = _and_unlisted(batches, placed, unlisted)
        with _no_collections():
            for index, operators in _page_ink(placed, batches_and_rest):
                _add_ink(pdf, pdf.objects[kids[index]], operators)

    with fewer_collections(large=large):
        return weasyprint_html(html, base_url).write_pdf(finisher=finish)


def _and_unlisted(batches: Batches, placed: dict, unlisted):
    """`batches`, then a batch of the boxes the layout placed that none of them held."""
    seen = set()
    for batch, paths in batches:
        seen.update(batch)
        yield batch, paths
    # A box the layout placed that the HTML scan missed is still drawn.
    if missing := sorted(set(placed) - seen):
        if unlisted is None:
            raise LookupError(f"kotak tanda tangan tanpa goresan: {missing[:5]}")
        yield unlisted(missing)


def _placements(document) -> dict[int, list]:
    """Where each signature box is: {signature id: [(page index, x, y in points)]}."""
    placed = {}
    for index, page in enumerate(document.pages):
        for name, (x, y, *_rest) in page.anchors.items():
            if name.startswith(PREFIX) and name[len(PREFIX) :].isdigit():
                position = (index, x * PX_TO_PT, (page.height - y) * PX_TO_PT)
                placed.setdefault(int(name[len(PREFIX) :]), []).append(position)
    return placed


def _page_ink(placed: dict, batches: Batches):
    """(page index, PDF operators) of each page's signatures, page after page.

    A page's ink is handed on, and dropped, as soon as its last signature
    is drawn, so drawings do not pile up.
    """
    waiting = Counter(index for spots in placed.values() for index, _x, _y in spots)
    drawn: dict[int, list[str]] = {}
    for batch, paths in batches:
        for pk in batch:
            path = paths.get(pk, "")
            for index, x, y in placed.get(pk, ()):
                if path:
                    matrix = f"{UNIT_TO_PT:.7f} 0 0 {-UNIT_TO_PT:.7f} {x:.2f} {y:.2f} cm\n"
                    drawn.setdefault(index, []).append(f"q\n{matrix}{path}Q\n")
                waiting[index] -= 1
                if not waiting[index] and index in drawn:
                    yield index, "".join(drawn.pop(index))


def _add_ink(pdf, page, operators: str) -> None:
    """Append `operators` to `page`, drawn in the page's own coordinates, in black."""
    # WeasyPrint's stream changes the matrix without restoring it: wrap it
    # in q … Q so the signatures start from the page's default space.
    before = pydyf.Stream([b"q"])
    ink = zlib.compress(b"Q\n0 g\n" + operators.encode("ascii"), DEFLATE_LEVEL)
    after = pydyf.Stream([ink], extra={"Filter": "/FlateDecode"})
    pdf.add_object(before)
    pdf.add_object(after)
    page["Contents"] = pydyf.Array([before.reference, page["Contents"], after.reference])
