"""A document's HTML to PDF bytes, with each signature drawn from its stored strokes.

Templates leave an empty box where a signature goes
(``templates/pledges/pdf/_ink.html``: a fixed-size span whose id names the
signature). WeasyPrint lays the
document out; its public ``Page.anchors`` tell where on which page each box
landed; then, while WeasyPrint writes the PDF (its ``finisher`` hook), each
page gets one more content stream holding one filled path per signature on
it (``pledges.rendering.ink``).

Only the signatures a document places are read from the database, in
batches, and never for a document that draws none. A document of many
signatures has them drawn by a helper process (``inkhelper``) while
WeasyPrint lays the pages out, so the two halves of the work use both
cores; a small one draws them here, batch by batch, as pages are written.
Either way the same function draws the same numbers: the PDF is identical.
"""

import gc
import logging
import os
import re
import zlib
from collections import Counter
from contextlib import contextmanager
from itertools import chain

import pydyf
from django.db.models import TextField
from django.db.models.functions import Cast

from pledges.models import Signature
from pledges.rendering.ink import UNIT, draw_texts
from pledges.rendering.inkhelper import InkHelper

logger = logging.getLogger(__name__)

PREFIX = "ink-"
INK_BOX = re.compile(r'id="ink-(\d+)"')
BATCH = 200
# From this many signatures on, the helper process draws them (starting it
# and handing it the strokes costs less than the ~2 ms each takes to draw).
PARALLEL_FROM = 60
# A helper that has not answered by then is given up on and the batch drawn here.
HELPER_TIMEOUT_S = 120
PX_TO_PT = 0.75  # WeasyPrint's CSS pixel in PDF points
UNIT_TO_PT = 72 / 25.4 / UNIT  # ink's path unit in points
# pydyf deflates at level 9, which for a few megabytes of path numbers costs
# more than drawing them. Per signature of bench/pdf.py (13.4 KB of operators):
# level 9 4.9 ms for 4.29 KB, level 6 1.3 ms for 4.38 KB, level 4 0.24 ms for
# 4.77 KB, level 1 0.14 ms for 5.24 KB.
DEFLATE_LEVEL = 4


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


def write_pdf(html: str, base_url: str, box_mm: tuple[float, float]) -> bytes:
    """The PDF of `html`, every ink box drawn with its signature (all boxes `box_mm`)."""
    from weasyprint import HTML

    # Document order is page order: the batches come in the order pages need them.
    ids = list(dict.fromkeys(int(pk) for pk in INK_BOX.findall(html)))
    batches = _drawn_batches(ids, box_mm)

    def finish(document, pdf):
        kids = pdf.pages["Kids"][::3]
        placed = _placements(document)
        # A box the layout placed that the HTML scan missed is still drawn.
        if unlisted := sorted(set(placed) - set(ids)):
            batches_and_rest = chain(batches, [_drawn_here(unlisted, box_mm)])
        else:
            batches_and_rest = batches
        for index, operators in _page_ink(placed, batches_and_rest):
            _add_ink(pdf, pdf.objects[kids[index]], operators)

    with fewer_collections(large=len(ids) >= PARALLEL_FROM):
        return HTML(string=html, base_url=base_url).write_pdf(finisher=finish)


def cores() -> int:
    """Cores this process may run on: with one, a helper would only take turns with the layout."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _strokes_texts(ids: list[int]) -> dict[int, str]:
    # The stored JSON as text, parsed by orjson where it is drawn: three
    # times faster than the json module the field would use.
    return dict(
        Signature.objects.filter(pk__in=ids).values_list(
            "pk", Cast("strokes", output_field=TextField())
        )
    )


def _drawn_batches(ids: list[int], box_mm):
    """(ids, {id: path operators}) batch after batch, in `ids` order.

    Many signatures: every batch is read now and handed to the helper
    process, which draws while WeasyPrint lays out; the results are
    collected as pages are written. Few: each batch is read and drawn when
    its pages are written.
    """
    batches = [ids[start : start + BATCH] for start in range(0, len(ids), BATCH)]
    helper = InkHelper.get() if len(ids) >= PARALLEL_FROM and cores() > 1 else None
    if helper is None:
        return (_drawn_here(batch, box_mm) for batch in batches)
    # Submitting only queues the request: a helper that fails shows in its future.
    pending = [(batch, helper.submit(_strokes_texts(batch), box_mm)) for batch in batches]
    return (_collected(helper, future, batch, box_mm) for batch, future in pending)


def _drawn_here(batch: list[int], box_mm) -> tuple[list[int], dict[int, str]]:
    return batch, draw_texts(_strokes_texts(batch), *box_mm)


def _collected(helper, future, batch, box_mm) -> tuple[list[int], dict[int, str]]:
    try:
        return batch, future.result(timeout=HELPER_TIMEOUT_S)
    except Exception:
        # A helper that died or hung costs time, never ink: this batch is
        # read again and drawn here, and the next document starts a new helper.
        logger.exception("Proses gambar tanda tangan gagal; digambar di proses ini.")
        helper.discard()
        return _drawn_here(batch, box_mm)


def _placements(document) -> dict[int, list]:
    """Where each signature box is: {signature id: [(page index, x, y in points)]}."""
    placed = {}
    for index, page in enumerate(document.pages):
        for name, (x, y, *_rest) in page.anchors.items():
            if name.startswith(PREFIX) and name[len(PREFIX) :].isdigit():
                position = (index, x * PX_TO_PT, (page.height - y) * PX_TO_PT)
                placed.setdefault(int(name[len(PREFIX) :]), []).append(position)
    return placed


def _page_ink(placed: dict, batches):
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
