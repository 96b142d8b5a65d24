"""Regions, Bawaslu units and staff accounts in the admin."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from pledges.admin.base import RulebookAdmin, UnitScopedAdmin, superuser_only
from pledges.models import (
    BawasluUnit,
    Region,
    User,
)
from pledges.services import accounts, rulebook


@admin.register(Region)
class RegionAdmin(RulebookAdmin):
    """Official Kemendagri data, loaded by `manage.py load_regions`: only superusers edit it."""

    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]
    show_full_result_count = False
    list_select_related = ["parent"]
    has_add_permission = superuser_only
    has_change_permission = superuser_only
    has_delete_permission = superuser_only


@admin.register(BawasluUnit)
class BawasluUnitAdmin(UnitScopedAdmin):
    unit_path = "pk"
    list_display = ["name", "level", "region", "parent"]
    list_filter = ["level"]
    search_fields = ["name", "region__name"]
    autocomplete_fields = ["region", "parent"]
    list_select_related = ["region", "parent"]
    has_add_permission = superuser_only
    has_delete_permission = superuser_only

    def get_readonly_fields(self, request, obj=None):
        return [] if request.user.is_superuser else list(rulebook.UNIT_PLACEMENT)

    def check_form(self, request, stored, form):
        rulebook.check_unit_change(request.user, stored, form.changed_data)
        proposed = BawasluUnit(
            pk=stored.pk if stored else None,
            level=form.cleaned_data.get("level", stored.level if stored else None),
            parent=form.cleaned_data.get("parent", stored.parent if stored else None),
        )
        rulebook.check_unit_hierarchy(proposed)

    def save_model(self, request, obj, form, change):
        accounts.save_unit(obj, request.user)


@admin.register(User)
class StaffUserAdmin(UserAdmin, UnitScopedAdmin):
    """Staff manage the accounts of their units; superusers and powers stay with superusers."""

    list_display = ["username", "first_name", "last_name", "unit", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_active", "unit__level"]
    search_fields = ["username", "first_name", "last_name", "email", "unit__name"]
    autocomplete_fields = ["unit"]
    list_select_related = ["unit"]
    fieldsets = [
        *UserAdmin.fieldsets[:1],
        (_("Unit"), {"fields": ["unit"]}),
        *UserAdmin.fieldsets[1:],
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["username", "unit", "password1", "password2"]}),
    ]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(is_superuser=False)

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return [*rulebook.USER_POWERS, "last_login", "date_joined"]

    def check_form(self, request, stored, form):
        proposed = User(
            pk=stored.pk if stored else None,
            is_superuser=stored.is_superuser if stored else False,
            unit=form.cleaned_data.get("unit", stored.unit if stored else None),
        )
        rulebook.check_user_change(request.user, proposed, form.changed_data)
        if stored is not None:
            rulebook.check_user_change(request.user, stored, form.changed_data)

    def save_model(self, request, obj, form, change):
        accounts.save_user(obj, request.user, form.changed_data)
