"""The room: the venue screen on the projector, and the signer's own copy."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class VenueDisplay(models.Model):
    """A projector screen showing one event's pledge and its wall of signers.

    Not a signing station: it may read names and counts and move its own
    reading position, nothing else, so it has its own token and no kiosk API
    accepts it. Its token is stored only hashed; revoking it stops the screen.
    """

    event = models.ForeignKey(
        "pledges.Event",
        verbose_name=_("kegiatan"),
        on_delete=models.CASCADE,
        related_name="displays",
    )
    label = models.CharField(_("label"), max_length=60, help_text=_("Misalnya: Layar utama"))
    token_sha256 = models.CharField(_("hash token"), max_length=64, unique=True, editable=False)
    # Where the reading is: 0 … one past the last part of the pledge (the wall).
    step = models.PositiveSmallIntegerField(_("langkah"), default=0)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dibuka oleh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("dibuka pada"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("kontak terakhir"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("dicabut pada"), null=True, blank=True)

    class Meta:
        verbose_name = _("layar acara")
        verbose_name_plural = _("layar acara")
        ordering = ["event", "label"]

    def __str__(self):
        return f"{self.label} — {self.event}"


class SignerCopy(models.Model):
    """The code a signer scans to take their own pakta integritas home, without an account.

    One per signatory (who signs once). The download link lives briefly and
    for a few tries; the code itself stays a way to find the document on the
    public verification page.
    """

    signatory = models.OneToOneField(
        "pledges.Signatory",
        verbose_name=_("penanda tangan"),
        on_delete=models.PROTECT,
        related_name="copy",
    )
    code = models.CharField(_("kode salinan"), max_length=10, unique=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    expires_at = models.DateTimeField(_("berlaku sampai"))
    first_download_at = models.DateTimeField(_("pertama diunduh"), null=True, blank=True)
    downloads = models.PositiveSmallIntegerField(_("jumlah unduhan"), default=0)

    class Meta:
        verbose_name = _("salinan penanda tangan")
        verbose_name_plural = _("salinan penanda tangan")

    def __str__(self):
        return f"Salinan {self.code[:5]}-{self.code[5:]}"
