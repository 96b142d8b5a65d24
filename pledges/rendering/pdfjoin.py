"""A long document laid out in two parts side by side, then joined and numbered.

WeasyPrint lays a document out on one core. A list of a couple of thousand
signers is therefore cut in two between two rows of a ``table.list`` (a
child of ``body``, see ``templates/pledges/pdf/base.html``): the first part
is the document up to that row, the second the same head, the running
footer and the table's header, then the rest. Each part is laid out in its
own process; the second starts on a fresh page, so the first part's last
page may end early, and it says that the list goes on.

Neither part knows how many pages the other has, so neither numbers its
pages: both leave out the ``page-numbers`` style sheet. Once both are laid
out, a document of as many empty pages, with only that style sheet and
the page box, is laid out too, and each of its pages is drawn over the
page of the same number (a form XObject per page, in the page's default
space). The numbers are WeasyPrint's own text, in the same place.
"""

import re
from collections.abc import Callable
from io import BytesIO

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

CONTENT = "<!--content-->"
STYLE = r'<style id="{}">.*?</style>\s*'
ROW = re.compile(r"<tr>")
BODY = re.compile(r"<tbody>(.*?)</tbody>", re.S)
LIST_TABLE = '<table class="list">'
CONTINUED = '<p class="continued">Daftar berlanjut di halaman berikutnya.</p>'
END = "</tbody></table>" + CONTINUED + "</body></html>"


def cut(html: str, share: float, rows_at_least: int) -> tuple[str, str] | None:
    """`html` as two documents, the first with about `share` of its list rows.

    None if it has fewer than `rows_at_least` rows. Never before a table's
    first row, so no header is left alone at the end of a page.
    """
    rows = [
        (body.start(1) + row.start(), row.start() == 0)
        for body in BODY.finditer(html)
        for row in ROW.finditer(body.group(1))
    ]
    cuts = [(index, at) for index, (at, first) in enumerate(rows) if not first]
    if len(rows) < rows_at_least or not cuts or CONTENT not in html:
        return None
    # The first row the second part starts with: the one wanted, or the next that may start it.
    wanted = round(len(rows) * share)
    at = next((at for index, at in cuts if index >= wanted), cuts[-1][1])
    table = html.rindex(LIST_TABLE, 0, at)
    if "</table>" in html[table:at]:
        return None
    reopen = html[table : html.index("<tbody>", table) + len("<tbody>")]
    # The style sheet left out is in the head, before the cut.
    unnumbered = _without(html, "page-numbers")
    at_unnumbered = at - (len(html) - len(unnumbered))
    head = unnumbered[: unnumbered.index(CONTENT) + len(CONTENT)]
    return unnumbered[:at_unnumbered] + END, head + reopen + html[at:]


def numbers_html(html: str, pages: int) -> str:
    """A document of `pages` empty pages numbered as `html` numbers its pages."""
    styles = "".join(_style(html, name) for name in ("page-box", "page-numbers"))
    breaks = '<div style="break-before: page"></div>' * (pages - 1)
    head = f'<!doctype html><html lang="id"><head><meta charset="utf-8">{styles}</head>'
    return f"{head}<body><div></div>{breaks}</body></html>"


def join(parts: list[bytes], numbers: Callable[[int], bytes]) -> bytes:
    """`parts` one after the other, each page under the same page of `numbers(pages)`."""
    writer = PdfWriter()
    readers = [PdfReader(BytesIO(part)) for part in parts]
    for reader in readers:
        writer.append(reader)
    first = readers[0]
    numbered = PdfReader(BytesIO(numbers(len(writer.pages)))).pages
    if len(numbered) != len(writer.pages):
        raise ValueError(f"{len(numbered)} nomor halaman untuk {len(writer.pages)} halaman")
    for index, (page, number) in enumerate(zip(writer.pages, numbered, strict=True)):
        _draw_over(writer, page, number, NameObject(f"/Halaman{index + 1}"))
    writer.add_metadata(first.metadata)
    if "/Lang" in first.trailer["/Root"]:
        writer._root_object[NameObject("/Lang")] = first.trailer["/Root"]["/Lang"]
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _draw_over(writer, page, other, name) -> None:
    form = DecodedStreamObject()
    form.set_data(other.get_contents().get_data())
    form[NameObject("/Type")] = NameObject("/XObject")
    form[NameObject("/Subtype")] = NameObject("/Form")
    form[NameObject("/BBox")] = other.mediabox
    form[NameObject("/Resources")] = other["/Resources"].clone(writer)
    # WeasyPrint's pages share one resource dictionary: each page gets its own copy
    # naming its own number only, or every page would reach every page's number
    # (and a seal's check walks every path: 1.2 s more at 100 pages).
    resources = DictionaryObject(page["/Resources"].get_object())
    forms = DictionaryObject(resources.get("/XObject", DictionaryObject()).get_object())
    forms[name] = writer._add_object(form.flate_encode())
    resources[NameObject("/XObject")] = forms
    page[NameObject("/Resources")] = resources
    # A stream is always referred to, never written into the array (PDF 7.3.8).
    contents = page.raw_get("/Contents")
    resolved = contents.get_object()
    streams = list(resolved) if isinstance(resolved, ArrayObject) else [contents]
    # The page's own streams may leave the matrix changed: they are wrapped in q … Q.
    before, after = DecodedStreamObject(), DecodedStreamObject()
    before.set_data(b"q\n")
    after.set_data(b"Q\nq " + name.encode() + b" Do Q\n")
    page[NameObject("/Contents")] = ArrayObject(
        [writer._add_object(before), *streams, writer._add_object(after)]
    )


def _style(html: str, name: str) -> str:
    return re.search(STYLE.format(name), html, re.S).group(0)


def _without(html: str, name: str) -> str:
    return re.sub(STYLE.format(name), "", html, count=1, flags=re.S)
