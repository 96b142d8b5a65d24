"""Documents are laid out with WeasyPrint's own user-agent sheet, its pseudo-elements scoped:
the pages are the same as with the sheet as it comes, in less memory and time."""

import re
from pathlib import Path

import pytest

from pledges.models import Document
from pledges.rendering import pdfpages
from tests.test_document_layout import add_signers, render, represent_and_scan
from tests.test_document_layout import long_event as long_event  # noqa: F401 (the fixture)
from tests.test_ink_helper import page_contents

PDF_TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "pledges" / "pdf"


def test_this_weasyprint_sheet_is_the_one_scoped():
    # A WeasyPrint whose sheet has changed gets its own sheet back (slower, never
    # different); this says so, so that the scoping is looked at again.
    sheet = pdfpages.documents_ua_sheet()
    assert sheet is not None
    text = pdfpages.scoped_ua_text()
    assert "li::marker" in text
    assert not re.search(r"^::", text, re.MULTILINE)  # no pseudo-element left for all elements
    # And it is the sheet documents are laid out with.
    assert pdfpages.weasyprint_html("<p>x</p>", ".")._ua_stylesheets() == [sheet]


@pytest.mark.parametrize(
    "kind", [Document.Kind.DEKLARASI, Document.Kind.DAFTAR_HADIR, Document.Kind.PAKTA_INTEGRITAS]
)
def test_every_page_is_drawn_as_with_weasyprints_own_sheet(long_event, kind, monkeypatch):
    signatories = add_signers(long_event, 9)
    represent_and_scan(signatories)
    signatory = signatories[1] if kind == Document.Kind.PAKTA_INTEGRITAS else None

    scoped = page_contents(render(long_event, kind, signatory))
    monkeypatch.setattr(pdfpages, "documents_ua_sheet", lambda: None)
    own = page_contents(render(long_event, kind, signatory))

    assert scoped == own


def test_no_document_uses_what_the_scoped_sheet_leaves_unstyled():
    # Markers are styled on list items only, and notes not at all.
    for template in PDF_TEMPLATES.glob("*.html"):
        text = template.read_text()
        assert not re.search(r"footnote|note-call|note-marker|list-item|::marker", text), template
