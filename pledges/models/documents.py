import secrets

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def new_verification_code() -> str:
    # 12 characters from a 32-letter alphabet without look-alikes: 60 bits,
    # short enough to type from paper, too many to guess.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(12))


class Document(models.Model):
    """A generated PDF, with the hash and public code that let anyone verify it."""

    class Kind(models.TextChoices):
        PAKTA_INTEGRITAS = "pakta_integritas", _("Pakta integritas perorangan")
        DEKLARASI = "deklarasi", _("Deklarasi bersama")
        DAFTAR_HADIR = "daftar_hadir", _("Daftar hadir")

    class Status(models.TextChoices):
        PENDING = "pending", _("Sedang dibuat")
        READY = "ready", _("Siap")
        FAILED = "failed", _("Gagal")

    event = models.ForeignKey(
        "pledges.Event",
        verbose_name=_("kegiatan"),
        on_delete=models.PROTECT,
        related_name="documents",
    )
    signatory = models.ForeignKey(
        "pledges.Signatory",
        verbose_name=_("penanda tangan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    kind = models.CharField(_("jenis"), max_length=20, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=7, choices=Status.choices, default=Status.PENDING
    )
    file = models.FileField(_("berkas"), upload_to="documents/%Y/%m/", blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    source_fingerprint = models.CharField(
        _("sidik isi"),
        max_length=64,
        blank=True,
        help_text=_("Hash dari data yang ditampilkan; dokumen dibuat ulang hanya jika berubah."),
    )
    verification_code = models.CharField(
        _("kode verifikasi"), max_length=12, unique=True, default=new_verification_code
    )
    pades_signed = models.BooleanField(_("bersegel PAdES"), default=False)
    error = models.TextField(_("galat"), blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    class Meta:
        verbose_name = _("dokumen")
        verbose_name_plural = _("dokumen")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["event", "kind"])]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.signatory or self.event}"

    # Not get_absolute_url: the admin's "view on site" would then hand any
    # staff user every document's public page by sequential id.
    def verification_path(self) -> str:
        return reverse("public:verify", args=[self.verification_code])
