"""Pledge templates in the admin: owned by a unit or national, always revised as a new version."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pledges.admin.base import RulebookAdmin
from pledges.errors import PledgeError
from pledges.models import (
    PledgeTemplate,
)
from pledges.services import rulebook
from pledges.services import templates as template_ops
from pledges.services.visibility import units_visible_to


class PledgeTemplateForm(forms.ModelForm):
    points = forms.CharField(
        label=_("Butir ikrar"),
        widget=forms.Textarea(attrs={"rows": 10, "cols": 90}),
        help_text=_("Satu butir per baris, tanpa nomor; urutan baris adalah urutan butir."),
    )

    class Meta:
        model = PledgeTemplate
        fields = [
            "unit",
            "slug",
            "kind",
            "title",
            "individual_opening",
            "opening",
            "points",
            "individual_closing",
            "closing",
            "source",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["points"] = "\n".join(self.instance.points)

    def clean_points(self):
        points = [line.strip() for line in self.cleaned_data["points"].splitlines()]
        points = [point for point in points if point]
        if not points:
            raise forms.ValidationError(_("Templat wajib memiliki sedikitnya satu butir."))
        return points


@admin.register(PledgeTemplate)
class PledgeTemplateAdmin(RulebookAdmin):
    """National templates change only by a superuser, a unit's only by that unit; always as
    a new version, so whatever was frozen or printed from a version stays as it was."""

    form = PledgeTemplateForm
    list_display = ["title", "unit", "kind", "version", "is_current", "point_count"]
    list_filter = ["kind", "is_current"]
    search_fields = ["title", "slug", "points"]
    list_select_related = ["unit"]

    def check_form(self, request, stored, form):
        # The same check the service makes when saving, shown beside the form.
        rulebook.check_template_wording(form.cleaned_data)

    @admin.display(description=_("jumlah butir"))
    def point_count(self, template):
        return len(template.points)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(Q(unit__isnull=True) | Q(unit__in=units_visible_to(request.user)))

    def get_readonly_fields(self, request, obj=None):
        fields = ["version", "is_current", "created_at"]
        if obj is not None:
            fields += ["slug", "unit"]
        elif not request.user.is_superuser:
            fields.append("unit")  # a unit's staff make templates of their own unit
        return fields

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        if obj is None:
            return True
        try:
            rulebook.check_template_change(request.user, obj)
        except PledgeError:
            return False
        return obj.is_current

    def has_delete_permission(self, request, obj=None):
        # A template any event used is part of what that event showed.
        return super().has_delete_permission(request, obj) and (
            obj is None or (self.has_change_permission(request, obj) and not obj.events.exists())
        )

    def save_model(self, request, obj, form, change):
        content = {field: form.cleaned_data[field] for field in PledgeTemplate.CONTENT_FIELDS}
        content["source"] = form.cleaned_data["source"]
        if not change:
            # A superuser chooses (empty: national); staff make their own unit's.
            unit = form.cleaned_data.get("unit") if request.user.is_superuser else request.user.unit
            obj.pk = template_ops.create_template(
                request.user, unit=unit, slug=form.cleaned_data["slug"], **content
            ).pk
            return
        current = template_ops.revise_template(
            PledgeTemplate(pk=obj.pk), user=request.user, **content
        )
        if current.pk != obj.pk:
            messages.info(
                request, _("Perubahan disimpan sebagai versi %(v)d.") % {"v": current.version}
            )
        obj.pk = current.pk
        obj.refresh_from_db()
