import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pledges.core.nip import mask_nip


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
        REKAM_JEJAK = "rekam_jejak", _("Rekam jejak ikrar")
        LAPORAN = "laporan", _("Laporan kegiatan")

    class Status(models.TextChoices):
        PENDING = "pending", _("Sedang dibuat")
        READY = "ready", _("Siap")
        FAILED = "failed", _("Gagal")

    # Empty only for a person's record (rekam jejak), which spans events and
    # is issued by `unit` about the person with `subject_nip`.
    event = models.ForeignKey(
        "pledges.Event",
        verbose_name=_("kegiatan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    unit = models.ForeignKey(
        "pledges.BawasluUnit",
        verbose_name=_("unit penerbit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="person_records",
    )
    subject_nip = models.CharField(_("NIP yang ditelusuri"), max_length=18, blank=True)
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
    # Checked once, when the PDF is stored: the public page reads these and
    # never opens the file. Null: stored before the check was recorded.
    seal_valid = models.BooleanField(
        _("segel sah"),
        null=True,
        blank=True,
        help_text=_("Hasil pemeriksaan segel saat PDF disimpan; kosong bila belum diperiksa."),
    )
    seal_signer = models.CharField(_("penyegel"), max_length=300, blank=True)
    seal_signed_at = models.DateTimeField(_("waktu penyegelan (jam server)"), null=True, blank=True)
    seal_timestamp_at = models.DateTimeField(_("waktu cap waktu (TSA)"), null=True, blank=True)
    seal_timestamp_authority = models.CharField(
        _("otoritas cap waktu (TSA)"), max_length=300, blank=True
    )
    seal_level = models.CharField(_("tingkat PAdES"), max_length=12, blank=True)
    error = models.TextField(_("galat"), blank=True)
    # The head of the event's audit chain when the PDF was drawn, as printed
    # on it: a later rewrite of the trail no longer leads to this hash.
    audit_length = models.BigIntegerField(
        _("jumlah entri audit saat disegel"), null=True, blank=True
    )
    audit_head = models.CharField(_("hash jejak audit saat disegel"), max_length=64, blank=True)
    audit_head_at = models.DateTimeField(_("waktu entri audit terakhir"), null=True, blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    class Meta:
        verbose_name = _("dokumen")
        verbose_name_plural = _("dokumen")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["event", "kind"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="rekam_jejak", event__isnull=True, unit__isnull=False)
                    & ~Q(subject_nip="")
                )
                | (~Q(kind="rekam_jejak") & Q(event__isnull=False, unit__isnull=True)),
                name="document_of_an_event_or_a_person",
                violation_error_message=_(
                    "Dokumen kegiatan wajib memiliki kegiatan; rekam jejak wajib memiliki unit "
                    "penerbit dan NIP."
                ),
            ),
        ]

    def __str__(self):
        if self.kind == self.Kind.REKAM_JEJAK:
            return f"{self.get_kind_display()} — {mask_nip(self.subject_nip)}"
        return f"{self.get_kind_display()} — {self.signatory or self.event}"

    # Not get_absolute_url: the admin's "view on site" would then hand any
    # staff user every document's public page by sequential id.
    def verification_path(self) -> str:
        return reverse("public:verify", args=[self.verification_code])


class DocumentArchive(models.Model):
    """A ZIP of an event's ready individual PDFs, assembled by a background task.

    Not evidence in itself: it carries no seal and no verification code, only
    copies of sealed PDFs that each stay verifiable on their own.
    """

    event = models.ForeignKey(
        "pledges.Event",
        verbose_name=_("kegiatan"),
        on_delete=models.PROTECT,
        related_name="archives",
    )
    status = models.CharField(
        _("status"), max_length=7, choices=Document.Status.choices, default=Document.Status.PENDING
    )
    file = models.FileField(_("berkas"), upload_to="zips/%Y/%m/", blank=True)
    total = models.PositiveIntegerField(_("jumlah PDF"), default=0)
    done = models.PositiveIntegerField(_("PDF dimasukkan"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    error = models.TextField(_("galat"), blank=True)
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
        verbose_name = _("arsip ZIP")
        verbose_name_plural = _("arsip ZIP")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"ZIP pakta integritas — {self.event}"
