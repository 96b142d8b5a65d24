from django import template
from django.templatetags.tz import do_timezone
from django.utils import timezone

from pledges.core.dates import time_ago
from pledges.core.labels import label_of
from pledges.core.nip import format_nip
from pledges.models import Signatory
from pledges.models.clock import local_time_of
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


# The one clock of every page: `{{ moment|clock:event }}` shows a time on the
# clock of what it belongs to (an event, a unit, …; see pledges.models.clock),
# labelled WIB/WITA/WIT. The variants differ only in how much they show.
@register.filter
def clock(value, owner):
    """ "Senin, 2 Desember 2026 09.00 WITA"."""
    return local_time_of(owner, value, "datetime")


@register.filter
def clock_short(value, owner):
    """ "2 Des 2026 09.00 WITA"."""
    return local_time_of(owner, value, "short")


@register.filter
def clock_time(value, owner):
    """ "09.00 WITA"."""
    return local_time_of(owner, value, "time")


@register.filter
def clock_date(value, owner):
    """ "Senin, 2 Desember 2026"."""
    return local_time_of(owner, value, "date")


@register.filter
def ago(value):
    """ "baru saja", "5 menit lalu" (never "0 menit lalu")."""
    return time_ago(value, timezone.now()) if value else ""


@register.filter
def category_label(category: str) -> str:
    return label_of(Signatory.Category, category)
