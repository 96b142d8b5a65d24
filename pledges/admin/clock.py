"""The admin on the one clock: every time in the event's zone (else the unit's), labelled.

A list shows rows of events in different zones, so each date-time column is
shown through `pledges.models.clock.local_time_of`, row by row. A change
page belongs to one object: it is rendered (and its date-time inputs read)
in that object's zone, and the "id" formats of `netralitas/formats` add the
zone's label (WIB, WITA, WIT) to every date-time Django itself shows.
"""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.html import format_html

from pledges.core.dates import zone_of
from pledges.models.clock import clock_region_code, local_time_of


class LocalClockAdmin(admin.ModelAdmin):
    def get_list_display(self, request):
        return [self._clock_column(name) for name in super().get_list_display(request)]

    def _clock_column(self, name):
        if not isinstance(name, str):
            return name
        try:
            field = self.model._meta.get_field(name)
        except FieldDoesNotExist:
            return name
        if not isinstance(field, models.DateTimeField):
            return name
        empty = self.get_empty_value_display()

        @admin.display(description=field.verbose_name, ordering=name)
        def column(obj):
            shown = local_time_of(obj, getattr(obj, name), "short")
            if not shown:
                return empty
            return format_html('<span style="white-space:nowrap">{}</span>', shown)

        column.__name__ = name
        return column

    def changelist_view(self, request, *args, **kwargs):
        # Filters by date and the date hierarchy: on the user's own unit's clock.
        with timezone.override(zone_of(clock_region_code(request.user))[0]):
            return _rendered(super().changelist_view(request, *args, **kwargs))

    def changeform_view(self, request, object_id=None, *args, **kwargs):
        obj = self.get_object(request, unquote(object_id)) if object_id else None
        owner = obj if obj is not None else request.user
        with timezone.override(zone_of(clock_region_code(owner))[0]):
            return _rendered(super().changeform_view(request, object_id, *args, **kwargs))

    def history_view(self, request, object_id, *args, **kwargs):
        obj = self.get_object(request, unquote(object_id))
        with timezone.override(zone_of(clock_region_code(obj or request.user))[0]):
            return _rendered(super().history_view(request, object_id, *args, **kwargs))


def _rendered(response):
    # A TemplateResponse renders after the view returns: render it while the zone holds.
    if hasattr(response, "render") and not getattr(response, "is_rendered", True):
        response.render()
    return response
