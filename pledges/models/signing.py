from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pledges.core.dates import local_text
from pledges.errors import Code, PledgeError


class SigningStation(models.Model):
    """A tablet allowed to take signatures for one event. Its token is stored only hashed."""

    event = models.ForeignKey(
        "pledges.Event",
        verbose_name=_("kegiatan"),
        on_delete=models.CASCADE,
        related_name="stations",
    )
    label = models.CharField(_("label"), max_length=60, help_text=_("Misalnya: Meja 1"))
    token_sha256 = models.CharField(_("hash token"), max_length=64, unique=True, editable=False)
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
    pending_signatures = models.PositiveIntegerField(
        _("tanda tangan menunggu di tablet"), default=0
    )
    # Held by the tablet but refused for good by this station (revoked, event
    # closed, already signed): kept there for staff to decide, never dropped.
    undeliverable_signatures = models.PositiveIntegerField(
        _("tanda tangan tidak terkirim di tablet"), default=0
    )
    # The tablet says it has room for fewer than about a hundred more signatures.
    storage_low = models.BooleanField(_("penyimpanan tablet hampir penuh"), default=False)
    revoked_at = models.DateTimeField(_("dicabut pada"), null=True, blank=True)

    class Meta:
        verbose_name = _("meja tanda tangan")
        verbose_name_plural = _("meja tanda tangan")
        ordering = ["event", "label"]

    def __str__(self):
        return f"{self.label} — {self.event}"


def refuse_change(row, deleting: bool = False) -> None:
    """A stored signature (or its paper scan) is never changed or deleted through the ORM."""
    if deleting:
        raise PledgeError(_("Tanda tangan tidak dapat dihapus."), code=Code.SIGNATURE_IMMUTABLE)
    if not row._state.adding:
        raise PledgeError(_("Tanda tangan tidak dapat diubah."), code=Code.SIGNATURE_IMMUTABLE)


class SignatureQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PledgeError(_("Tanda tangan tidak dapat diubah."), code=Code.SIGNATURE_IMMUTABLE)

    def delete(self):
        raise PledgeError(_("Tanda tangan tidak dapat dihapus."), code=Code.SIGNATURE_IMMUTABLE)


class Signature(models.Model):
    """One signatory's signature, never changed after it is stored.

    The strokes are the evidence; the SVG is drawn from them by the server.
    `ink` is their drawing for the lists' signature box, made by the server
    when the signature is recorded (`pledges.rendering.ink.stored_ink`), its
    SHA-256 in the "sign" audit entry; NULL for a signature stored before
    drawings were kept, which documents draw from the strokes.
    The database refuses UPDATE (and, on PostgreSQL, DELETE) of a row too.
    """

    signatory = models.OneToOneField(
        "pledges.Signatory",
        verbose_name=_("penanda tangan"),
        on_delete=models.PROTECT,
        related_name="signature",
    )
    station = models.ForeignKey(
        SigningStation,
        verbose_name=_("meja"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signatures",
    )
    signed_at = models.DateTimeField(_("ditandatangani pada"))
    strokes = models.JSONField(_("goresan"))
    svg = models.TextField(_("SVG"))
    # NULL, not "": "not drawn when recorded", where "" would be "no ink". And
    # a nullable column without a default is added in place on SQLite, whose
    # table rebuild would drop the trigger that keeps signatures immutable.
    ink = models.TextField(_("tinta cetak"), null=True, blank=True, editable=False)
    pledge_sha256 = models.CharField(_("SHA-256 teks ikrar"), max_length=64)
    client_ip = models.GenericIPAddressField(_("alamat IP"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)
    idempotency_key = models.UUIDField(_("kunci idempotensi"), unique=True)

    objects = SignatureQuerySet.as_manager()

    # The large fields, each thousands of numbers: read only where they are drawn.
    DRAWINGS = ("strokes", "svg", "ink")

    class Meta:
        verbose_name = _("tanda tangan")
        verbose_name_plural = _("tanda tangan")
        ordering = ["-signed_at"]
        indexes = [models.Index(fields=["-signed_at"])]

    def __str__(self):
        region = self.signatory.event.region_id
        return f"{self.signatory} — {local_text(self.signed_at, region, 'short')}"

    def save(self, *args, **kwargs):
        refuse_change(self)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        refuse_change(self, deleting=True)

    @property
    def paper_scan(self):
        """The `PaperSignature` if this was a wet-ink signature uploaded from paper, else None."""
        try:
            return self.paper
        except models.ObjectDoesNotExist:
            return None


class PaperSignature(models.Model):
    """A wet-ink signature on paper, scanned or photographed and uploaded by staff.

    Its `Signature` row has no strokes; this holds the image byte for byte as
    uploaded, with its SHA-256. Never changed, like the signature it belongs to.
    """

    signature = models.OneToOneField(
        Signature,
        verbose_name=_("tanda tangan"),
        primary_key=True,
        on_delete=models.PROTECT,
        related_name="paper",
    )
    scan = models.FileField(_("pindaian"), upload_to="tanda_tangan_basah/%Y/%m/")
    sha256 = models.CharField(_("SHA-256 pindaian"), max_length=64)
    content_type = models.CharField(_("jenis berkas"), max_length=40)
    size = models.PositiveIntegerField(_("ukuran (bita)"))
    original_name = models.CharField(_("nama berkas asal"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diunggah oleh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("diunggah"), auto_now_add=True)

    # Never changed, like the signature it belongs to.
    objects = SignatureQuerySet.as_manager()

    class Meta:
        verbose_name = _("tanda tangan basah (pindaian)")
        verbose_name_plural = _("tanda tangan basah (pindaian)")

    def __str__(self):
        return f"{self.signature.signatory} — tanda tangan basah (pindaian)"

    def save(self, *args, **kwargs):
        refuse_change(self)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        refuse_change(self, deleting=True)
