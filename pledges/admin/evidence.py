"""Evidence in the admin: signatures, stations, documents, audit entries; shown, never changed."""

from django.contrib import admin, messages
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from pledges.admin.base import EvidenceAdmin, UnitScopedAdmin
from pledges.models import (
    AuditEntry,
    Document,
    Signature,
    SigningStation,
    User,
)
from pledges.rendering.pictures import signature_svg, svg_picture
from pledges.services import signing
from pledges.services.audit import AUDITED_MODELS
from pledges.services.visibility import units_visible_to


@admin.register(Signature)
class SignatureAdmin(EvidenceAdmin):
    unit_path = "signatory__event__unit"
    list_display = ["thumbnail", "signatory", "event", "signed_at", "station"]
    list_filter = ["signed_at"]
    search_fields = ["signatory__full_name", "signatory__nip"]
    list_select_related = ["signatory__event", "station", "paper"]
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

    def get_queryset(self, request):
        # The print drawing is not shown; the picture is drawn from the strokes.
        return super().get_queryset(request).defer("ink")

    @admin.display(description=_("kegiatan"))
    def event(self, signature):
        return signature.signatory.event

    @admin.display(description=_("tanda tangan"))
    def thumbnail(self, signature):
        return self._drawing(signature, 40)

    @admin.display(description=_("tanda tangan"))
    def picture(self, signature):
        return self._drawing(signature, 160)

    def _drawing(self, signature, height):
        scan = signature.paper_scan
        if scan is not None:
            # Shown on the event's staff page, where access to the scan is checked.
            return format_html(
                "tanda tangan basah (pindaian), SHA-256 <code>{}</code>", scan.sha256
            )
        return svg_picture(signature_svg(signature), height=height)


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
            signing.revoke_station(station)
        self.message_user(request, _("Meja terpilih dicabut."), messages.SUCCESS)


@admin.register(Document)
class DocumentAdmin(EvidenceAdmin):
    unit_path = "event__unit"
    list_display = ["__str__", "kind", "status", "event", "verification_code", "created_at"]

    def get_queryset(self, request):
        # An event's documents by the event's unit; a person's record by its issuer.
        queryset = super(UnitScopedAdmin, self).get_queryset(request)
        if request.user.is_superuser:
            return queryset
        units = units_visible_to(request.user).values("pk")
        return queryset.filter(Q(event__unit__in=units) | Q(unit__in=units))

    list_filter = ["kind", "status", "pades_signed"]
    search_fields = ["verification_code", "sha256", "event__title", "signatory__full_name"]
    list_select_related = ["event", "signatory"]
    readonly_fields = [
        "event",
        "signatory",
        "unit",
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
        "chain",
        "seq",
        "prev_hash",
        "hash",
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
