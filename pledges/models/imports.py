from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportRun(models.Model):
    """One commit of an import preview, carried out by a background task.

    `rows` holds the checked rows (plain JSON, as the preview kept them) until
    the task has run; they are emptied then, so no second copy of the list's
    personal data outlives the import.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Menunggu")
        RUNNING = "running", _("Sedang disimpan")
        DONE = "done", _("Selesai")
        FAILED = "failed", _("Gagal")

    event = models.ForeignKey(
        "pledges.Event",
        verbose_name=_("kegiatan"),
        on_delete=models.CASCADE,
        related_name="import_runs",
    )
    token = models.CharField(_("token pratinjau"), max_length=32, db_index=True)
    filename = models.CharField(_("nama berkas"), max_length=255)
    only_valid = models.BooleanField(_("hanya baris sah"), default=False)
    rows = models.JSONField(_("baris"), default=list, blank=True)
    total = models.PositiveIntegerField(_("jumlah baris"), default=0)
    status = models.CharField(
        _("status"), max_length=7, choices=Status.choices, default=Status.PENDING
    )
    created_count = models.PositiveIntegerField(_("tersimpan"), default=0)
    skipped_lines = models.JSONField(_("baris dilewati"), default=list, blank=True)
    error = models.TextField(_("galat"), blank=True)
    error_code = models.CharField(_("kode galat"), max_length=40, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diminta oleh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("diminta"), auto_now_add=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)

    class Meta:
        verbose_name = _("impor penanda tangan")
        verbose_name_plural = _("impor penanda tangan")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Impor {self.filename} — {self.event}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
