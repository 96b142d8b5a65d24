from django import template
from django.templatetags.tz import do_timezone

from pledges.core.labels import label_of
from pledges.core.nip import format_nip
from pledges.models import Signatory
from pledges.rendering.pictures import svg_data_uri

register = template.Library()


@register.filter
def svg_src(svg: str) -> str:
    """A stored, server-rendered signature SVG as an <img src> value."""
    return svg_data_uri(svg)


@register.filter
def nip(value: str) -> str:
    return format_nip(value or "")


@register.filter
def local_time(value, region):
    """A datetime in the region's own time zone (WIB, WITA or WIT).

    Django's `date` filter would convert a plain aware datetime back to the
    site's time zone (WIB); the `timezone` filter marks it to stay as it is.
    """
    return do_timezone(value, region.time_zone) if value else value


@register.filter
def category_label(category: str) -> str:
    return label_of(Signatory.Category, category)
