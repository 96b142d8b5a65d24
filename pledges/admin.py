"""Django admin, in Bahasa Indonesia, limited to each staff user's units.

Signatures, audit entries and documents are evidence: the admin shows them
and never changes them.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from pledges import events as event_ops
from pledges.access import events_visible_to, units_visible_to
from pledges.errors import PledgeError
from pledges.forms import TypedTextMixin
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
from pledges.nip import normalize_nip
from pledges.pictures import svg_picture
from pledges.pledge_templates import revise_template
from pledges.signatories import TEXT_FIELDS
from pledges.text import spellings


class UnitScopedAdmin(admin.ModelAdmin):
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
                kwargs["queryset"] = events_visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class EvidenceAdmin(UnitScopedAdmin):
    """Read-only: evidence is shown, never added, changed or deleted here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]
    show_full_result_count = False
    list_select_related = ["parent"]


@admin.register(BawasluUnit)
class BawasluUnitAdmin(UnitScopedAdmin):
    unit_path = "pk"
    list_display = ["name", "level", "region", "parent"]
    list_filter = ["level"]
    search_fields = ["name", "region__name"]
    autocomplete_fields = ["region", "parent"]
    list_select_related = ["region", "parent"]

    def get_queryset(self, request):
        queryset = admin.ModelAdmin.get_queryset(self, request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(pk__in=units_visible_to(request.user).values("pk"))


@admin.register(User)
class StaffUserAdmin(UserAdmin, UnitScopedAdmin):
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

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        # Staff manage the accounts of their units but cannot grant more power.
        return ["is_superuser", "groups", "user_permissions", "last_login", "date_joined"]


class PledgeTemplateForm(forms.ModelForm):
    points = forms.CharField(
        label=_("Butir ikrar"),
        widget=forms.Textarea(attrs={"rows": 10, "cols": 90}),
        help_text=_("Satu butir per baris, tanpa nomor; urutan baris adalah urutan butir."),
    )

    class Meta:
        model = PledgeTemplate
        fields = ["slug", "kind", "title", "opening", "points", "closing", "source"]

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
class PledgeTemplateAdmin(admin.ModelAdmin):
    form = PledgeTemplateForm
    list_display = ["title", "kind", "version", "is_current", "point_count"]
    list_filter = ["kind", "is_current"]
    search_fields = ["title", "slug", "points"]
    readonly_fields = ["version", "is_current", "created_at"]

    @admin.display(description=_("jumlah butir"))
    def point_count(self, template):
        return len(template.points)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return [*self.readonly_fields, "slug"]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            return
        stored = PledgeTemplate.objects.get(pk=obj.pk)
        changes = {field: form.cleaned_data[field] for field in PledgeTemplate.CONTENT_FIELDS}
        changes["source"] = form.cleaned_data["source"]
        current = revise_template(stored, **changes)
        if current.pk != obj.pk:
            messages.info(
                request,
                _("Templat ini sudah ditandatangani, jadi perubahan disimpan sebagai versi %(v)d.")
                % {"v": current.version},
            )
        obj.pk = current.pk
        obj.refresh_from_db()

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.events.exists()


class SignatoryInlineForm(TypedTextMixin, forms.ModelForm):
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
        signed = self.instance.pk and Signature.objects.filter(signatory=self.instance).exists()
        if signed and self.has_changed():
            raise forms.ValidationError(
                _("%(name)s sudah menandatangani; datanya tidak dapat diubah.")
                % {"name": self.instance.full_name}
            )
        return cleaned


class SignatoryInline(admin.TabularInline):
    model = Signatory
    form = SignatoryInlineForm
    extra = 0
    autocomplete_fields = ["led_region"]
    show_change_link = True


@admin.register(Event)
class EventAdmin(UnitScopedAdmin):
    list_display = ["title", "unit", "region", "starts_at", "status", "signed_count"]
    list_filter = ["status", "kind", "unit__level"]
    search_fields = ["title", "venue", "region__name", "unit__name"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["region", "unit"]
    list_select_related = ["unit", "region"]
    readonly_fields = [
        "status",
        "frozen_pledge_text",
        "frozen_pledge_sha256",
        "opened_at",
        "closed_at",
        "created_by",
        "created_at",
        "updated_at",
    ]
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

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def _run(self, request, queryset, operation, done_message):
        for event in queryset:
            try:
                operation(event)
            except PledgeError as error:
                self.message_user(request, f"{event}: {error.message}", messages.ERROR)
            else:
                self.message_user(request, done_message % {"event": event}, messages.SUCCESS)

    @admin.action(description=_("Buka kegiatan terpilih (membekukan teks ikrar)"))
    def open_events(self, request, queryset):
        self._run(request, queryset, event_ops.open_event, _("%(event)s dibuka."))

    @admin.action(description=_("Tutup kegiatan terpilih"))
    def close_events(self, request, queryset):
        self._run(request, queryset, event_ops.close_event, _("%(event)s ditutup."))


@admin.register(Signatory)
class SignatoryAdmin(UnitScopedAdmin):
    unit_path = "event__unit"
    form = SignatoryInlineForm
    list_display = ["full_name", "nip", "position", "category", "event", "registration"]
    list_filter = ["category", "registration", "event__status"]
    search_fields = ["full_name", "nip", "position", "agency"]
    autocomplete_fields = ["led_region"]
    list_select_related = ["event"]

    def get_fields(self, request, obj=None):
        return ["event", *SignatoryInlineForm.Meta.fields, "registration"]

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

    def has_add_permission(self, request):
        # A station's secret link is shown once, on the event's staff page.
        return False


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


@admin.register(AuditEntry)
class AuditEntryAdmin(EvidenceAdmin):
    unit_path = "event__unit"
    list_display = ["at", "action", "object_type", "object_repr", "actor", "station"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_repr", "object_id", "actor__username"]
    list_select_related = ["actor", "station"]
    readonly_fields = [
        "at",
        "actor",
        "station",
        "action",
        "object_type",
        "object_id",
        "object_repr",
        "event",
        "changes",
    ]
    fields = readonly_fields
