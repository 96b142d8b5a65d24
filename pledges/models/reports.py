from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EventPhoto(models.Model):
    """A photo of an event that staff upload for its laporan kegiatan; kept as uploaded."""

    event = models.ForeignKey(
        "pledges.Event",
        verbose_name=_("kegiatan"),
        on_delete=models.PROTECT,
        related_name="photos",
    )
    image = models.ImageField(_("foto"), upload_to="foto_kegiatan/%Y/%m/")
    caption = models.CharField(_("keterangan"), max_length=200, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diunggah oleh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("diunggah"), auto_now_add=True)

    class Meta:
        verbose_name = _("foto kegiatan")
        verbose_name_plural = _("foto kegiatan")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.caption or f"Foto #{self.pk} — {self.event}"
