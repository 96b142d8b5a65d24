import hashlib

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pledges.errors import Code, PledgeError

# The two forms of a template's wording: one person's, and everyone's.
INDIVIDUAL, COLLECTIVE = "individual", "collective"
FORM_LABELS = {INDIVIDUAL: "Bentuk perorangan", COLLECTIVE: "Bentuk bersama"}


class PledgeTemplate(models.Model):
    """A titled, ordered list of pledge points, versioned.

    A version that has been signed is never edited in place:
    `pledges.services.templates.revise_template` makes the next version instead.
    """

    class Kind(models.TextChoices):
        IKRAR = "ikrar", _("Ikrar")
        PAKTA_INTEGRITAS = "pakta_integritas", _("Pakta integritas")
        DEKLARASI = "deklarasi", _("Deklarasi")

    unit = models.ForeignKey(
        "pledges.BawasluUnit",
        verbose_name=_("unit pemilik"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="templates",
        help_text=_("Kosong untuk templat nasional, yang hanya diubah oleh admin pusat."),
    )
    slug = models.SlugField(_("kode templat"), max_length=60)
    version = models.PositiveIntegerField(_("versi"), default=1)
    is_current = models.BooleanField(_("versi terbaru"), default=True)
    kind = models.CharField(_("jenis"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("judul"), max_length=200)
    # The collective form heads the deklarasi of everyone who signed; the
    # individual form, one person's pakta integritas and the tablet's screen.
    opening = models.TextField(
        _("kalimat pembuka bentuk bersama"),
        help_text=_(
            "Untuk deklarasi bersama, misalnya “Kami yang bertanda tangan di bawah ini …”."
        ),
    )
    points = models.JSONField(_("butir"), help_text=_("Satu butir per baris."))
    closing = models.TextField(
        _("kalimat penutup bentuk bersama"),
        help_text=_("Misalnya “Demikian deklarasi ini kami buat …”."),
    )
    individual_opening = models.TextField(
        _("kalimat pembuka bentuk perorangan"),
        blank=True,
        default="",
        help_text=_(
            "Untuk pakta integritas satu orang, misalnya “Saya yang bertanda tangan di bawah "
            "ini …”; nama, NIP, jabatan, dan instansinya tercetak di bawah tanda tangan."
        ),
    )
    individual_closing = models.TextField(
        _("kalimat penutup bentuk perorangan"),
        blank=True,
        default="",
        help_text=_("Misalnya “Demikian pakta integritas ini saya buat …”."),
    )
    source = models.CharField(_("sumber"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    class Meta:
        verbose_name = _("templat ikrar")
        verbose_name_plural = _("templat ikrar")
        ordering = ["title", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["slug", "version"], name="template_slug_version_unique"
            ),
            models.UniqueConstraint(
                fields=["slug"], condition=Q(is_current=True), name="template_one_current_version"
            ),
        ]

    def __str__(self):
        return f"{self.title} (v{self.version})"

    def save(self, *args, **kwargs):
        if self.pk and self.is_signed() and self._content_changed():
            raise PledgeError(
                _("Templat ini sudah ditandatangani; perubahan harus dibuat sebagai versi baru."),
                code=Code.TEMPLATE_SIGNED,
            )
        super().save(*args, **kwargs)

    CONTENT_FIELDS = (
        "kind",
        "title",
        "opening",
        "points",
        "closing",
        "individual_opening",
        "individual_closing",
    )

    def _content_changed(self) -> bool:
        stored = PledgeTemplate.objects.filter(pk=self.pk).values(*self.CONTENT_FIELDS).first()
        return stored is not None and any(
            stored[field] != getattr(self, field) for field in self.CONTENT_FIELDS
        )

    def is_signed(self) -> bool:
        from pledges.models import Signature

        return Signature.objects.filter(signatory__event__template=self).exists()

    def as_pledge(self) -> dict:
        """The content that an event freezes when it opens: both forms."""
        return {
            "kind": self.kind,
            "title": self.title,
            "points": list(self.points),
            "forms": {
                INDIVIDUAL: {
                    "opening": self.individual_opening,
                    "closing": self.individual_closing,
                },
                COLLECTIVE: {"opening": self.opening, "closing": self.closing},
            },
            "template": f"{self.slug}@v{self.version}",
        }


def pledge_form(pledge: dict, form: str) -> dict:
    """The wording of a frozen pledge in one form: title, opening, points, closing.

    Events opened before templates had two forms froze one opening and
    closing: both forms are that one.
    """
    wording = pledge["forms"][form] if "forms" in pledge else pledge
    return {
        "title": pledge["title"],
        "opening": wording["opening"],
        "points": list(pledge["points"]),
        "closing": wording["closing"],
    }


def _numbered(points) -> str:
    return "\n".join(f"{number}. {point}" for number, point in enumerate(points, 1))


def pledge_text(pledge: dict) -> str:
    """The canonical plain text of a pledge: what is hashed and what signers read.

    A pledge with two forms is its title, then each form under its label.
    One frozen before forms existed keeps the text (and so the SHA-256) it
    was frozen with.
    """
    points = _numbered(pledge["points"])
    if "forms" not in pledge:
        return f"{pledge['title']}\n\n{pledge['opening']}\n\n{points}\n\n{pledge['closing']}\n"
    parts = [pledge["title"]]
    for form in (INDIVIDUAL, COLLECTIVE):
        wording = pledge["forms"][form]
        parts.append(
            f"{FORM_LABELS[form]}:\n{wording['opening']}\n\n{points}\n\n{wording['closing']}"
        )
    return "\n\n".join(parts) + "\n"


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
