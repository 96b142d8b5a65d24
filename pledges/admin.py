"""Django admin, in Bahasa Indonesia, limited to each staff user's units.

The admin is one more door: every write goes through the domain functions
(`pledges.services.events`, `pledges.services.signatories`, `pledges.services.templates`,
`pledges.services.accounts`) and every form asks `pledges.services.rulebook` first, so a
refusal shows beside the form in Indonesian and nothing is half saved.
Evidence (signatures, documents, audit entries, a frozen pledge and its
hash, final counts) is read-only for everyone, superusers included.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.db.models import CharField, Count, Q
from django.db.models.functions import Cast
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from pledges.core.nip import normalize_nip
from pledges.core.text import spellings
from pledges.errors import PledgeError
from pledges.models import (
    AuditEntry,
    BawasluUnit,
    Document,
    Event,
    PledgeTemplate,
    Region,
    Signatory,
    Signature,
    SigningStation,
    User,
)
from pledges.rendering.pictures import svg_picture
from pledges.services import accounts, rulebook, signatories
from pledges.services import events as event_ops
from pledges.services.audit import AUDITED_MODELS
from pledges.services.signatories import TEXT_FIELDS
from pledges.services.signing import revoke_station
from pledges.services.templates import create_template, revise_template
from pledges.services.visibility import events_visible_to, units_visible_to
from pledges.web.forms import EventForm, TypedTextMixin


class RulebookAdmin(admin.ModelAdmin):
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
                    try:
                        model_admin.check_form(request, obj, self)
                    except PledgeError as error:
                        raise forms.ValidationError(error.message, code=error.code) from None
                return cleaned

        return CheckedForm

    def _refused(self, request, error):
        self.message_user(request, error.message, messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())

    def changeform_view(self, request, *args, **kwargs):
        try:
            return super().changeform_view(request, *args, **kwargs)
        except PledgeError as error:
            return self._refused(request, error)

    def delete_view(self, request, *args, **kwargs):
        try:
            return super().delete_view(request, *args, **kwargs)
        except PledgeError as error:
            return self._refused(request, error)

    def changelist_view(self, request, *args, **kwargs):
        try:
            return super().changelist_view(request, *args, **kwargs)
        except PledgeError as error:
            return self._refused(request, error)


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


def _superuser_only(model_admin, request, obj=None):
    return request.user.is_superuser


@admin.register(Region)
class RegionAdmin(RulebookAdmin):
    """Official Kemendagri data, loaded by `manage.py load_regions`: only superusers edit it."""

    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]
    show_full_result_count = False
    list_select_related = ["parent"]
    has_add_permission = _superuser_only
    has_change_permission = _superuser_only
    has_delete_permission = _superuser_only


@admin.register(BawasluUnit)
class BawasluUnitAdmin(UnitScopedAdmin):
    unit_path = "pk"
    list_display = ["name", "level", "region", "parent"]
    list_filter = ["level"]
    search_fields = ["name", "region__name"]
    autocomplete_fields = ["region", "parent"]
    list_select_related = ["region", "parent"]
    has_add_permission = _superuser_only
    has_delete_permission = _superuser_only

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


class PledgeTemplateForm(forms.ModelForm):
    points = forms.CharField(
        label=_("Butir ikrar"),
        widget=forms.Textarea(attrs={"rows": 10, "cols": 90}),
        help_text=_("Satu butir per baris, tanpa nomor; urutan baris adalah urutan butir."),
    )

    class Meta:
        model = PledgeTemplate
        fields = ["unit", "slug", "kind", "title", "opening", "points", "closing", "source"]

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
            unit = form.cleaned_data.get("unit") if request.user.is_superuser else None
            unit = unit if request.user.is_superuser else request.user.unit
            obj.pk = create_template(
                request.user, unit=unit, slug=form.cleaned_data["slug"], **content
            ).pk
            return
        current = revise_template(PledgeTemplate(pk=obj.pk), user=request.user, **content)
        if current.pk != obj.pk:
            messages.info(
                request, _("Perubahan disimpan sebagai versi %(v)d.") % {"v": current.version}
            )
        obj.pk = current.pk
        obj.refresh_from_db()


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
            try:
                rulebook.check_signatory_changeable(self.instance)
            except PledgeError as error:
                raise forms.ValidationError(error.message, code=error.code) from None
        return cleaned

    def domain_fields(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in SignatoryForm.Meta.fields}


class SignatoryFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        for form in self.deleted_forms:
            if form.instance.pk:
                try:
                    rulebook.check_signatory_changeable(form.instance)
                except PledgeError as error:
                    raise forms.ValidationError(error.message, code=error.code) from None
        if any(form.has_changed() for form in self.extra_forms):
            try:
                rulebook.check_can_register(self.instance)
            except PledgeError as error:
                raise forms.ValidationError(error.message, code=error.code) from None


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
    text_fields = EventForm.text_fields


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
        return ["event", *SignatoryForm.Meta.fields, "registration"]

    def get_readonly_fields(self, request, obj=None):
        # A registration belongs to its event for good; how it was made is a fact.
        return ["registration"] if obj is None else ["event", "registration"]

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


@admin.register(Signature)
class SignatureAdmin(EvidenceAdmin):
    unit_path = "signatory__event__unit"
    list_display = ["thumbnail", "signatory", "event", "signed_at", "station"]
    list_filter = ["signed_at"]
    search_fields = ["signatory__full_name", "signatory__nip"]
    list_select_related = ["signatory__event", "station"]
    fields = [
        "picture",
        "signatory",
        "signed_at",
        "station",
        "pledge_sha256",
        "client_ip",
        "user_agent",
        "idempotency_key",
    ]
    readonly_fields = fields

    @admin.display(description=_("kegiatan"))
    def event(self, signature):
        return signature.signatory.event

    @admin.display(description=_("tanda tangan"))
    def thumbnail(self, signature):
        return svg_picture(signature.svg, height=40)

    @admin.display(description=_("tanda tangan"))
    def picture(self, signature):
        return svg_picture(signature.svg, height=160)


@admin.register(SigningStation)
class SigningStationAdmin(UnitScopedAdmin):
    """Shown, and revoked by an action; opened only on the event's staff page (where its
    secret link is shown once) and never deleted: signatures refer to it."""

    unit_path = "event__unit"
    list_display = ["label", "event", "last_seen_at", "pending_signatures", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["label", "event__title"]
    fields = [
        "event",
        "label",
        "opened_by",
        "created_at",
        "last_seen_at",
        "pending_signatures",
        "revoked_at",
    ]
    readonly_fields = fields
    actions = ["revoke_stations"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_revoke_permission(self, request):
        return super().has_change_permission(request)

    @admin.action(description=_("Cabut meja terpilih"), permissions=["revoke"])
    def revoke_stations(self, request, queryset):
        for station in queryset:
            revoke_station(station)
        self.message_user(request, _("Meja terpilih dicabut."), messages.SUCCESS)


@admin.register(Document)
class DocumentAdmin(EvidenceAdmin):
    unit_path = "event__unit"
    list_display = ["__str__", "kind", "status", "event", "verification_code", "created_at"]
    list_filter = ["kind", "status", "pades_signed"]
    search_fields = ["verification_code", "sha256", "event__title", "signatory__full_name"]
    list_select_related = ["event", "signatory"]
    readonly_fields = [
        "event",
        "signatory",
        "kind",
        "status",
        "file",
        "sha256",
        "verification_code",
        "pades_signed",
        "error",
        "created_at",
    ]
    fields = readonly_fields


class ObjectTypeFilter(admin.SimpleListFilter):
    """The kinds of object, named as Indonesian readers name them."""

    title = _("jenis objek")
    parameter_name = "object_type"

    def lookups(self, request, model_admin):
        return [(name, AuditEntry(object_type=name).object_type_label) for name in AUDITED_MODELS]

    def queryset(self, request, queryset):
        return queryset.filter(object_type=self.value()) if self.value() else queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(EvidenceAdmin):
    unit_path = "event__unit"
    list_display = ["at", "action", "object_type_label", "object_repr", "actor", "station"]
    list_filter = ["action", ObjectTypeFilter]
    search_fields = ["object_repr", "object_id", "actor__username"]
    list_select_related = ["actor", "station"]
    readonly_fields = [
        "at",
        "actor",
        "station",
        "action",
        "object_type_label",
        "object_id",
        "object_repr",
        "event",
        "summary",
    ]
    fields = readonly_fields

    def get_queryset(self, request):
        queryset = admin.ModelAdmin.get_queryset(self, request)
        if request.user.is_superuser:
            return queryset
        # Entries about the user's events, and about the accounts and units they manage.
        units = units_visible_to(request.user)
        return queryset.filter(
            Q(event__unit__in=units)
            | Q(object_type="BawasluUnit", object_id__in=_ids(units))
            | Q(object_type="User", object_id__in=_ids(User.objects.filter(unit__in=units)))
        )

    @admin.display(description=_("jenis objek"))
    def object_type_label(self, entry):
        return entry.object_type_label

    @admin.display(description=_("ringkasan"))
    def summary(self, entry):
        return entry.summary


def _ids(queryset):
    # object_id is text: compare with the primary keys as text.
    return queryset.annotate(text_id=Cast("pk", output_field=CharField())).values("text_id")
