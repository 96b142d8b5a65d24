"""Events and their signatories in the admin, through the domain functions staff pages use."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pledges.admin.base import UnitScopedAdmin, refusal_as_form_error
from pledges.core.nip import normalize_nip
from pledges.core.text import spellings
from pledges.errors import PledgeError
from pledges.models import (
    Event,
    Signatory,
)
from pledges.services import events as event_ops
from pledges.services import rulebook, signatories
from pledges.services.signatories import TEXT_FIELDS
from pledges.web.forms import EventForm, TypedTextMixin


class SignatoryForm(TypedTextMixin, forms.ModelForm):
    text_fields = TEXT_FIELDS
    # Wider than 18: people type NIPs with spaces between the groups.
    nip = forms.CharField(label=_("NIP"), max_length=30, required=False)

    class Meta:
        model = Signatory
        fields = ["full_name", "nip", "position", "category", "agency", "led_region"]

    def clean_nip(self):
        return normalize_nip(self.cleaned_data.get("nip", ""))

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and self.has_changed():
            with refusal_as_form_error():
                rulebook.check_signatory_changeable(self.instance)
        return cleaned

    def domain_fields(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in SignatoryForm.Meta.fields}


class SignatoryFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        for form in self.deleted_forms:
            if form.instance.pk:
                with refusal_as_form_error():
                    rulebook.check_signatory_changeable(form.instance)
        if any(form.has_changed() for form in self.extra_forms):
            with refusal_as_form_error():
                rulebook.check_can_register(self.instance)


class SignatoryInline(admin.TabularInline):
    model = Signatory
    form = SignatoryForm
    formset = SignatoryFormSet
    extra = 0
    autocomplete_fields = ["led_region"]
    show_change_link = True

    def _event_accepts_changes(self, obj):
        return obj is None or obj.status != Event.Status.CLOSED

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._event_accepts_changes(obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._event_accepts_changes(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._event_accepts_changes(obj)


def save_signatory_formset(event, formset):
    """The inline's rows as domain calls: register, update or remove, each checked again.

    Fills the formset's new/changed/deleted lists as its own save() would, for
    the admin's change message.
    """
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
    for form in formset.deleted_forms:
        if form.instance.pk:
            signatories.remove_signatory(form.instance)
            formset.deleted_objects.append(form.instance)
    for form in formset.forms:
        if form in formset.deleted_forms or not form.has_changed():
            continue
        if form.instance.pk:
            saved = signatories.update_signatory(form.instance, **form.domain_fields())
            formset.changed_objects.append((saved, form.changed_data))
        else:
            saved = signatories.register_signatory(event, **form.domain_fields())
            formset.new_objects.append(saved)


class EventAdminForm(TypedTextMixin, forms.ModelForm):
    """The start is typed on the clock of the event's region, as on the staff form."""

    text_fields = EventForm.text_fields

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "starts_at" in self.fields:
            self.fields["starts_at"].help_text = _(
                "Waktu setempat di wilayah kegiatan (WIB, WITA, atau WIT)."
            )

    def clean(self):
        cleaned = super().clean()
        starts_at = cleaned.get("starts_at")
        stored_region = self.instance.region if self.instance.region_id else None
        region = cleaned.get("region") or stored_region
        if starts_at and region:
            # Shown and read in the page's zone (the stored event's, or the user's
            # unit's when adding): what was typed is the region's local time.
            typed = timezone.make_naive(starts_at)
            cleaned["starts_at"] = typed.replace(tzinfo=region.time_zone)
        return cleaned


@admin.register(Event)
class EventAdmin(UnitScopedAdmin):
    form = EventAdminForm
    list_display = ["title", "unit", "region", "starts_at", "status", "signed_count"]
    list_filter = ["status", "kind", "unit__level"]
    search_fields = ["title", "venue", "region__name", "unit__name"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["region", "unit"]
    list_select_related = ["unit", "region"]
    inlines = [SignatoryInline]
    actions = ["open_events", "close_events"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(signed=Count("signatories", filter=Q(signatories__signature__isnull=False)))
        )

    @admin.display(description=_("sudah tanda tangan"), ordering="signed")
    def signed_count(self, event):
        return event.signed

    def get_fields(self, request, obj=None):
        return [*rulebook.EVENT_DETAILS, *rulebook.EVENT_EVIDENCE, "updated_at"]

    def get_readonly_fields(self, request, obj=None):
        editable = rulebook.editable_event_fields(obj) if obj else rulebook.EVENT_DETAILS
        return [name for name in self.get_fields(request, obj) if name not in editable]

    def has_change_permission(self, request, obj=None):
        # A closed event is shown, never changed.
        return super().has_change_permission(request, obj) and (
            obj is None or obj.status != Event.Status.CLOSED
        )

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        try:
            return obj is None or rulebook.check_event_deletable(obj) is None
        except PledgeError:
            return False

    def check_form(self, request, stored, form):
        if stored is not None:
            rulebook.check_event_change(stored, form.changed_data)
        current = form.instance
        unit = form.cleaned_data.get("unit") or (current.unit if current.unit_id else None)
        region = form.cleaned_data.get("region") or (current.region if current.region_id else None)
        rulebook.check_event_jurisdiction(Event(unit=unit, region=region))

    def save_model(self, request, obj, form, change):
        event_ops.save_event(obj, user=request.user)

    def save_formset(self, request, form, formset, change):
        if formset.model is Signatory:
            save_signatory_formset(form.instance, formset)
        else:
            super().save_formset(request, form, formset, change)

    def delete_model(self, request, obj):
        event_ops.delete_event(obj)

    def delete_queryset(self, request, queryset):
        for event in queryset:
            event_ops.delete_event(event)

    def _run(self, request, queryset, operation, done_message):
        for event in queryset:
            try:
                operation(event)
            except PledgeError as error:
                self.message_user(request, f"{event}: {error.message}", messages.ERROR)
            else:
                self.message_user(request, done_message % {"event": event}, messages.SUCCESS)

    @admin.action(
        description=_("Buka kegiatan terpilih (membekukan teks ikrar)"),
        permissions=["change"],
    )
    def open_events(self, request, queryset):
        self._run(request, queryset, event_ops.open_event, _("%(event)s dibuka."))

    @admin.action(description=_("Tutup kegiatan terpilih"), permissions=["change"])
    def close_events(self, request, queryset):
        self._run(request, queryset, event_ops.close_event, _("%(event)s ditutup."))


@admin.register(Signatory)
class SignatoryAdmin(UnitScopedAdmin):
    unit_path = "event__unit"
    form = SignatoryForm
    list_display = ["full_name", "nip", "position", "category", "event", "registration"]
    list_filter = ["category", "registration", "event__status"]
    search_fields = ["full_name", "nip", "position", "agency"]
    autocomplete_fields = ["led_region"]
    list_select_related = ["event"]

    def get_fields(self, request, obj=None):
        fields = ["event", *SignatoryForm.Meta.fields, "registration"]
        return fields if obj is None else [*fields, "represented_by"]

    def get_readonly_fields(self, request, obj=None):
        # A registration belongs to its event for good; how it was made is a fact.
        # A representative is recorded on the event's staff page (or the tablet), by
        # the rule of pledges.services.representation: shown here, never set here.
        return ["registration"] if obj is None else ["event", "registration", "represented_by"]

    @admin.display(description=_("diwakili oleh"))
    def represented_by(self, signatory):
        representation = signatory.representative
        if representation is None:
            return "—"
        return _("%(name)s (%(position)s), surat tugas %(letter)s") % {
            "name": representation.full_name,
            "position": representation.position,
            "letter": representation.letter_number,
        }

    def _changeable(self, obj):
        try:
            rulebook.check_signatory_changeable(obj)
        except PledgeError:
            return False
        return True

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or self._changeable(obj)
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or self._changeable(obj)
        )

    def check_form(self, request, stored, form):
        if stored is None:
            rulebook.check_can_register(form.cleaned_data["event"])

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data.get(name) for name in SignatoryForm.Meta.fields}
        if change:
            updated = signatories.update_signatory(obj, **fields)
        else:
            updated = signatories.register_signatory(form.cleaned_data["event"], **fields)
        obj.pk = updated.pk

    def delete_model(self, request, obj):
        signatories.remove_signatory(obj)

    def delete_queryset(self, request, queryset):
        for signatory in queryset:
            signatories.remove_signatory(signatory)

    def get_search_results(self, request, queryset, search_term):
        # Names are stored in NFC; those stored before that may be NFD.
        found, duplicates = queryset.none(), False
        for spelling in spellings(search_term):
            matches, more = super().get_search_results(request, queryset, spelling)
            found, duplicates = found | matches, duplicates or more
        return found, duplicates
