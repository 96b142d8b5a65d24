from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pledges.core.nip import validate_nip


class Representation(models.Model):
    """Someone who signs "mewakili" (a.n.) a registered official, on a surat tugas.

    The official stays the signatory (coverage and counts are theirs, marked
    "diwakili"); the signature on their row is drawn by this representative.
    Set only before the official's row is signed (`pledges.services.representation`),
    it is then part of the evidence.
    """

    signatory = models.OneToOneField(
        "pledges.Signatory",
        verbose_name=_("pejabat yang diwakili"),
        on_delete=models.CASCADE,
        related_name="representation",
    )
    full_name = models.CharField(_("nama wakil"), max_length=150)
    nip = models.CharField(
        _("NIP wakil"),
        max_length=18,
        blank=True,
        validators=[validate_nip],
        help_text=_("18 digit; kosongkan untuk non-ASN."),
    )
    position = models.CharField(_("jabatan wakil"), max_length=200)
    letter_number = models.CharField(_("nomor surat tugas"), max_length=100)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dicatat oleh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    station = models.ForeignKey(
        "pledges.SigningStation",
        verbose_name=_("dicatat di meja"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("dicatat"), auto_now_add=True)

    class Meta:
        verbose_name = _("perwakilan")
        verbose_name_plural = _("perwakilan")

    def __str__(self):
        return f"{self.full_name} a.n. {self.signatory.full_name}"
