"""What every admin page shares: the rulebook asked in the form, staff limited to their units."""

from contextlib import contextmanager

from django import forms
from django.contrib import messages
from django.http import HttpResponseRedirect

from pledges.admin.clock import LocalClockAdmin
from pledges.errors import PledgeError
from pledges.models import (
    BawasluUnit,
    Event,
)
from pledges.services.visibility import events_visible_to, units_visible_to


@contextmanager
def refusal_as_form_error():
    """A rulebook refusal raised inside a form's clean() becomes that form's error."""
    try:
        yield
    except PledgeError as error:
        raise forms.ValidationError(error.message, code=error.code) from None


class RulebookAdmin(LocalClockAdmin):
    """Asks the rulebook in the form, and turns a refusal at save time into a message.

    Subclasses raise PledgeError in `check_form`; a PledgeError raised while
    saving (a race the form could not see) rolls the whole request back.
    """

    view_on_site = False

    def check_form(self, request, stored, form) -> None:
        """Raise PledgeError if `form`'s changes to `stored` (None when adding) break a rule."""

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)
        model_admin = self

        class CheckedForm(form_class):
            def clean(self):
                cleaned = super().clean()
                if not self.errors:
                    with refusal_as_form_error():
                        model_admin.check_form(request, obj, self)
                return cleaned

        return CheckedForm

    def _refused(self, request, error):
        self.message_user(request, error.message, messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())

    def _refusals_as_messages(self, view, request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PledgeError as error:
            return self._refused(request, error)

    def changeform_view(self, request, *args, **kwargs):
        return self._refusals_as_messages(super().changeform_view, request, *args, **kwargs)

    def delete_view(self, request, *args, **kwargs):
        return self._refusals_as_messages(super().delete_view, request, *args, **kwargs)

    def changelist_view(self, request, *args, **kwargs):
        return self._refusals_as_messages(super().changelist_view, request, *args, **kwargs)


class UnitScopedAdmin(RulebookAdmin):
    """Shows a staff user only the rows of their unit and the units below it."""

    unit_path = "unit"  # lookup from this model to its BawasluUnit

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        units = units_visible_to(request.user).values("pk")
        return queryset.filter(**{f"{self.unit_path}__in": units})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not request.user.is_superuser:
            if db_field.related_model is BawasluUnit:
                kwargs["queryset"] = units_visible_to(request.user)
            elif db_field.related_model is Event:
                kwargs["queryset"] = events_visible_to(request.user).exclude(
                    status=Event.Status.CLOSED
                )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class EvidenceAdmin(UnitScopedAdmin):
    """Read-only for everyone: evidence is shown, never added, changed or deleted here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def superuser_only(model_admin, request, obj=None):
    return request.user.is_superuser
