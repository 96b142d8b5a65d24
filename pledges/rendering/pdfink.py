"""A document's HTML to PDF bytes, with each signature drawn from its stored strokes.

``pdfpages`` lays the HTML out and fills each signature box; this module
reads the strokes it draws from, and chooses how the work is shared
between the two cores of a server:

- a small document (under ``PARALLEL_FROM`` signatures) is laid out and
  drawn here, batch by batch as its pages are written;
- a larger one has its signatures drawn by the helper process
  (``inkhelper``) while WeasyPrint lays the pages out here;
- a long one (from ``SPLIT_FROM`` rows in its lists) is cut in two between rows of
  its list (``pdfjoin``): a helper started for it lays out and draws the
  second part while this process does the first, then the parts are joined
  and their pages numbered.

Only the signatures a document places are read from the database, in
batches, and never for a document that draws none; a signature drawn when it
was recorded, for the box the document prints it in, is not drawn again
(``ink.stored_path``), and its strokes are not read. Whichever way it goes,
the same function draws the same numbers; a helper that fails costs time,
never ink.
"""

import logging
import os
import subprocess

from django.db.models import TextField
from django.db.models.functions import Cast

from pledges.models import Signature
from pledges.rendering import pdfjoin, pdfpages
from pledges.rendering.ink import draw_texts, stored_path
from pledges.rendering.inkhelper import InkHelper
from pledges.rendering.pdfpages import UNIT_TO_PT, fewer_collections, in_batches

__all__ = ["UNIT_TO_PT", "cores", "fewer_collections", "write_pdf"]

logger = logging.getLogger(__name__)

# From this many signatures on, the helper process draws them (starting it
# and handing it the strokes costs less than the ~2 ms each takes to draw).
PARALLEL_FROM = 60
# From this many list rows on, the document is laid out in two parts side by
# side (bench/pdf-log.md): joining them and numbering their pages costs
# about 0.1 s per hundred pages, laying out a row about 6 ms.
SPLIT_FROM = 400
# The first part's share of the rows: this process also reads the strokes,
# writes the head of the document, joins and numbers the parts.
FIRST_SHARE = 0.48
# A helper that has not answered by then is given up on and the work done here.
HELPER_TIMEOUT_S = 120


def write_pdf(html: str, base_url: str, box_mm: tuple[float, float]) -> bytes:
    """The PDF of `html`, every ink box drawn with its signature (all boxes `box_mm`)."""
    if cores() > 1 and (parts := pdfjoin.cut(html, FIRST_SHARE, SPLIT_FROM)):
        return _in_two_parts(html, *parts, base_url, box_mm)
    ids = pdfpages.ink_ids(html)
    return _write(html, base_url, box_mm, ids, helper_draws=len(ids) >= PARALLEL_FROM)


def cores() -> int:
    """Cores this process may run on: with one, a helper would only take turns with the layout."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _write(html, base_url, box_mm, ids, helper_draws: bool) -> bytes:
    batches = _drawn_batches(ids, box_mm, helper_draws and cores() > 1)
    return pdfpages.write_pdf(
        html,
        base_url,
        batches,
        lambda missing: _drawn_here(missing, box_mm),
        large=len(ids) >= PARALLEL_FROM,
    )


def _in_two_parts(html: str, first: str, second: str, base_url: str, box_mm) -> bytes:
    """The two parts laid out side by side, joined, their pages numbered."""
    helper = InkHelper.for_one_document()
    second_ids = pdfpages.ink_ids(second)
    later = None
    if helper is not None:
        paths, texts = _read(second_ids, box_mm)
        later = helper.lay_out(second, base_url, box_mm, texts, paths)
        del paths, texts  # not kept here meanwhile: the feeder drops them once sent
    first_pdf = _write(first, base_url, box_mm, pdfpages.ink_ids(first), helper_draws=False)
    second_pdf = later and _answer(helper, later)
    if second_pdf is None:
        # No helper, or one that died or hung: time lost, never a page.
        logger.error("Bagian kedua dokumen ditata di proses ini.")
        second_pdf = _write(second, base_url, box_mm, second_ids, helper_draws=False)
    return pdfjoin.join(
        [first_pdf, second_pdf],
        lambda pages: pdfpages.write_pdf(pdfjoin.numbers_html(html, pages), base_url),
    )


def _answer(helper, later) -> bytes | None:
    """The part the helper laid out, once it has ended; None if it failed."""
    try:
        pdf = later.result(timeout=HELPER_TIMEOUT_S)
    except Exception:
        logger.exception("Proses tata letak gagal.")
        helper.discard()
        return None
    helper.close()
    try:
        helper.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        helper.discard()
    return pdf


def _read(ids: list[int], box_mm) -> tuple[dict[int, str], dict[int, str]]:
    """({id: path} drawn when recorded, {id: strokes JSON} of the rest) of `ids`.

    A signature's stored drawing is used where it was made for this box by
    this drawing (``ink.stored_path``); only the others' strokes are read.
    A batch at a time: a long document's part has more ids than a query
    should bind.
    """
    paths, undrawn = {}, []
    for batch in in_batches(ids):
        for pk, ink in Signature.objects.filter(pk__in=batch).values_list("pk", "ink"):
            path = stored_path(ink, *box_mm)
            if path is None:
                undrawn.append(pk)
            else:
                paths[pk] = path
    return paths, _strokes_texts(undrawn)


def _strokes_texts(ids: list[int]) -> dict[int, str]:
    # The stored JSON as text, parsed by orjson where it is drawn: three
    # times faster than the json module the field would use.
    texts = {}
    for batch in in_batches(ids):
        texts.update(
            Signature.objects.filter(pk__in=batch).values_list(
                "pk", Cast("strokes", output_field=TextField())
            )
        )
    return texts


def _drawn_batches(ids: list[int], box_mm, by_helper: bool):
    """(ids, {id: path operators}) batch after batch, in `ids` order.

    By the helper: every batch is read now, and the strokes of those not
    drawn when recorded are handed to the helper process, which draws while
    WeasyPrint lays out; the results are collected as pages are written.
    Otherwise each batch is read and drawn when its pages are written.
    """
    batches = in_batches(ids)
    if not by_helper:
        return (_drawn_here(batch, box_mm) for batch in batches)
    read = [(batch, *_read(batch, box_mm)) for batch in batches]
    helper = InkHelper.get() if any(texts for _batch, _paths, texts in read) else None
    if helper is None:
        return (_drawn_now(batch, paths, texts, box_mm) for batch, paths, texts in read)
    # Submitting only queues the request: a helper that fails shows in its future.
    pending = [
        (batch, paths, helper.submit(texts, box_mm) if texts else None)
        for batch, paths, texts in read
    ]
    return (_collected(helper, *waiting, box_mm) for waiting in pending)


def _drawn_here(batch: list[int], box_mm) -> tuple[list[int], dict[int, str]]:
    return _drawn_now(batch, *_read(batch, box_mm), box_mm)


def _drawn_now(batch, paths, texts, box_mm) -> tuple[list[int], dict[int, str]]:
    return batch, {**paths, **draw_texts(texts, *box_mm)}


def _collected(helper, batch, paths, future, box_mm) -> tuple[list[int], dict[int, str]]:
    if future is None:
        return batch, paths
    try:
        return batch, {**paths, **future.result(timeout=HELPER_TIMEOUT_S)}
    except Exception:
        # A helper that died or hung costs time, never ink: this batch is
        # read again and drawn here, and the next document starts a new helper.
        logger.exception("Proses gambar tanda tangan gagal; digambar di proses ini.")
        helper.discard()
        return _drawn_here(batch, box_mm)
