"""Pictures as data URIs: signatures for HTML pages (admin, staff) and PDFs, logos for PDFs."""

import base64
import io
import re

from django.core.files.storage import default_storage
from django.utils.html import format_html

from pledges.rendering.strokes import ink_box, render_svg

VIEWBOX = re.compile(r"<svg\b[^>]*\bviewBox=", re.IGNORECASE)


def data_uri(mimetype: str, data: bytes) -> str:
    return f"data:{mimetype};base64,{base64.b64encode(data).decode()}"


def svg_data_uri(svg: str) -> str:
    return data_uri("image/svg+xml", svg.encode())


def signature_svg(signature) -> str:
    """The signature's drawing: the SVG stored with it, else drawn now from its strokes.

    Signing stores only the numbers the signer gave (drawing them took more
    of the request's time than anything else it does); the drawing is made
    where it is shown, from those numbers, the same every time. Signatures
    stored before then keep the SVG drawn when they came.
    """
    if not signature.svg and not signature.strokes:
        return ""  # a wet-ink signature uploaded from paper: its picture is the scan
    return signature.svg or render_svg(signature.strokes)


def signature_data_uri(signature) -> str:
    """The signature's SVG as an image, given a viewBox if it has none so it scales."""
    svg = signature_svg(signature)
    if not VIEWBOX.search(svg):
        left, top, width, height = ink_box(signature.strokes, pad=4) or (0, 0, 300, 150)
        svg = re.sub(
            r"<svg\b",
            f'<svg viewBox="{left} {top} {width} {height}" preserveAspectRatio="xMidYMid meet"',
            svg,
            count=1,
        )
    return svg_data_uri(svg)


def svg_picture(svg: str, height: int = 60):
    # As an <img>, an SVG cannot run script, whatever it contains.
    return format_html(
        '<img src="{}" alt="tanda tangan" '
        'style="height:{}px;background:#fff;border:1px solid #ddd">',
        svg_data_uri(svg),
        height,
    )


def photo_data_uri(handle, longest_side: int = 1200) -> str:
    """A photo made small enough to print sharply at a few centimetres, as a JPEG data URI.

    The stored file is never changed; only the copy drawn into a PDF is smaller.
    """
    from PIL import Image, ImageOps

    with Image.open(handle) as picture:
        picture = ImageOps.exif_transpose(picture).convert("RGB")
        picture.thumbnail((longest_side, longest_side))
        out = io.BytesIO()
        picture.save(out, "JPEG", quality=82, optimize=True)
    return data_uri("image/jpeg", out.getvalue())


def with_scans(facts: dict) -> dict:
    """`facts` with each paper signature's scan as a picture the PDF draws; the stored
    file is never changed, only the copy drawn is made small enough for its box."""

    def drawn(row: dict) -> dict:
        if not row.get("paper"):
            return row
        with default_storage.open(row["paper"]["name"], "rb") as handle:
            return {**row, "paper": {**row["paper"], "uri": photo_data_uri(handle, 600)}}

    shown = dict(facts)
    if "signer" in facts:
        shown["signer"] = drawn(facts["signer"])
    if "signers" in facts:
        shown["signers"] = [drawn(row) for row in facts["signers"]]
    if "groups" in facts:
        shown["groups"] = [
            {**group, "rows": [drawn(row) for row in group["rows"]]} for group in facts["groups"]
        ]
    return shown
