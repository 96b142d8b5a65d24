"""Signature pictures for HTML pages (admin and staff)."""

import base64

from django.utils.html import format_html


def svg_data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def svg_picture(svg: str, height: int = 60):
    # As an <img>, an SVG cannot run script, whatever it contains.
    return format_html(
        '<img src="{}" alt="tanda tangan" '
        'style="height:{}px;background:#fff;border:1px solid #ddd">',
        svg_data_uri(svg),
        height,
    )
