from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class BawasluUnit(models.Model):
    """A Bawaslu office: RI, a provinsi or a kabupaten/kota."""

    class Level(models.TextChoices):
        RI = "ri", _("Bawaslu RI")
        PROVINSI = "provinsi", _("Bawaslu Provinsi")
        KABKOTA = "kabkota", _("Bawaslu Kabupaten/Kota")

    name = models.CharField(_("nama"), max_length=150, unique=True)
    level = models.CharField(_("tingkat"), max_length=8, choices=Level.choices)
    region = models.ForeignKey(
        "pledges.Region",
        verbose_name=_("wilayah"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Kosong hanya untuk Bawaslu RI."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("unit induk"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    address = models.TextField(_("alamat"), blank=True)
    logo = models.ImageField(_("logo kop surat"), upload_to="kop_surat/", blank=True)

    class Meta:
        verbose_name = _("unit Bawaslu")
        verbose_name_plural = _("unit Bawaslu")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level="ri") | Q(region__isnull=False),
                name="unit_region_required_below_ri",
                violation_error_message=_(
                    "Unit provinsi dan kabupaten/kota wajib memiliki wilayah."
                ),
            ),
        ]

    def __str__(self):
        return self.name


class User(AbstractUser):
    """A staff member or admin. Staff belong to one Bawaslu unit."""

    unit = models.ForeignKey(
        BawasluUnit,
        verbose_name=_("unit Bawaslu"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")
        swappable = "AUTH_USER_MODEL"
