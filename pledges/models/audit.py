from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import timezone
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
        LOOKUP = "lookup", _("Telusuri rekam jejak")

    # Set by `pledges.services.audit.entry_values` before the entry is hashed.
    at = models.DateTimeField(_("waktu"), default=timezone.now, db_index=True)
    # An entry is never rewritten, not even when its user or station is deleted:
    # it keeps their id (so its hash still holds), as it keeps its event's.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pelaku"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
    )
    station = models.ForeignKey(
        "pledges.SigningStation",
        verbose_name=_("meja"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
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
    # The hash chain (`pledges.core.chain`): one per event, 0 for the rest.
    chain = models.BigIntegerField(_("rantai"), default=0)
    seq = models.BigIntegerField(_("urutan dalam rantai"), default=0)
    prev_hash = models.CharField(_("hash entri sebelumnya"), max_length=64, blank=True)
    hash = models.CharField(_("hash entri"), max_length=64, blank=True)
    personal_sha256 = models.CharField(_("SHA-256 label dan perubahan"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("catatan audit")
        verbose_name_plural = _("catatan audit")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        constraints = [
            # Two entries at one place of a chain would be a fork.
            models.UniqueConstraint(fields=["chain", "seq"], name="audit_one_entry_per_link"),
        ]

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


class AuditChain(models.Model):
    """The head of one audit hash chain: its length and its last entry's hash.

    `id` is the chain's key (an event's id, 0 outside events). Appending an
    entry locks this row, which serializes the appends of one chain only.
    """

    id = models.BigIntegerField(primary_key=True)
    length = models.BigIntegerField(_("jumlah entri"), default=0)
    head = models.CharField(_("hash entri terakhir"), max_length=64)
    # The head before the last append: what that entry's prev_hash is, given by
    # the one UPDATE that appends it (PostgreSQL's RETURNING shows new values).
    previous = models.CharField(_("hash entri sebelum yang terakhir"), max_length=64)
    head_at = models.DateTimeField(_("waktu entri terakhir"), null=True, blank=True)

    class Meta:
        verbose_name = _("rantai audit")
        verbose_name_plural = _("rantai audit")

    def __str__(self):
        return f"rantai {self.id}: {self.length} entri"
