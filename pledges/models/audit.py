from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pledges.core.dates import local_text


class AuditEntry(models.Model):
    """One thing that happened: a create, update, delete, sign, PDF or download."""

    class Action(models.TextChoices):
        CREATE = "create", _("Buat")
        UPDATE = "update", _("Ubah")
        DELETE = "delete", _("Hapus")
        SIGN = "sign", _("Tanda tangan")
        OPEN = "open", _("Buka kegiatan")
        CLOSE = "close", _("Tutup kegiatan")
        PDF = "pdf", _("Buat PDF")
        DOWNLOAD = "download", _("Unduh")
        EXPORT = "export", _("Ekspor daftar")
        BIND = "bind", _("Hubungkan tablet")
        LOGIN = "login", _("Masuk")

    at = models.DateTimeField(_("waktu"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pelaku"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    station = models.ForeignKey(
        "pledges.SigningStation",
        verbose_name=_("meja"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("tindakan"), max_length=8, choices=Action.choices)
    object_type = models.CharField(_("jenis objek"), max_length=40)
    object_id = models.CharField(_("ID objek"), max_length=40)
    object_repr = models.CharField(_("objek"), max_length=200)
    event = models.ForeignKey(
        "pledges.Event",
        verbose_name=_("kegiatan"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    changes = models.JSONField(_("perubahan"), default=dict, blank=True)

    class Meta:
        verbose_name = _("catatan audit")
        verbose_name_plural = _("catatan audit")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        # The event's clock (WIB when about no event): the admin's page title.
        at = local_text(self.at, self.event_region_code, "short")
        return f"{at} {self.get_action_display()} {self.object_repr}"

    @property
    def event_region_code(self) -> str | None:
        """The region code of the event the entry is about (None: no event, or deleted)."""
        if not self.event_id:
            return None
        try:
            return self.event.region_id
        except models.ObjectDoesNotExist:
            return None

    def _model(self):
        try:
            return apps.get_model("pledges", self.object_type)
        except LookupError:
            return None

    @property
    def object_type_label(self) -> str:
        """What the entry is about, as Indonesian readers name it ("kegiatan", "pengguna")."""
        model = self._model()
        return str(model._meta.verbose_name) if model else self.object_type

    @property
    def summary(self) -> str:
        """The recorded values as a person reads them: “judul: “A” → “B”; tempat: …”."""
        model = self._model()
        labels = {}
        if model is not None:
            for field in model._meta.get_fields():
                if hasattr(field, "attname"):
                    labels[field.attname] = labels[field.name] = str(field.verbose_name)
        parts = []
        for name, value in (self.changes or {}).items():
            label = labels.get(name, name.replace("_", " "))
            if self.action == self.Action.UPDATE and isinstance(value, list) and len(value) == 2:
                parts.append(f"{label}: {_shown(value[0])} → {_shown(value[1])}")
            else:
                parts.append(f"{label}: {_shown(value)}")
        return "; ".join(parts)


def _shown(value) -> str:
    if value is None or value == "":
        return "(kosong)"
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, str):
        return f"“{value if len(value) <= 80 else value[:79] + '…'}”"
    if isinstance(value, list):
        return ", ".join(_shown(item) for item in value) or "(kosong)"
    return str(value)
