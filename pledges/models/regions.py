from zoneinfo import ZoneInfo

from django.db import models
from django.utils.translation import gettext_lazy as _

from pledges.core.time_zones import time_zone_for


class Region(models.Model):
    """An official Kemendagri area: province, kabupaten/kota, kecamatan or desa/kelurahan."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("Provinsi")
        REGENCY = "regency", _("Kabupaten/Kota")
        DISTRICT = "district", _("Kecamatan")
        VILLAGE = "village", _("Desa/Kelurahan")

    code = models.CharField(_("kode"), primary_key=True, max_length=13)
    name = models.CharField(_("nama"), max_length=100)
    level = models.CharField(_("tingkat"), max_length=8, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("induk"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("wilayah")
        verbose_name_plural = _("wilayah")
        ordering = ["code"]
        indexes = [models.Index(fields=["level", "name"])]

    def __str__(self):
        return f"{self.name} ({self.code})"

    @property
    def is_kelurahan(self) -> bool:
        # Kemendagri numbers kelurahan 1xxx and desa 2xxx within a kecamatan.
        return self.level == self.Level.VILLAGE and self.code.rsplit(".", 1)[1].startswith("1")

    @property
    def time_zone(self) -> ZoneInfo:
        return ZoneInfo(time_zone_for(self.code)[0])

    @property
    def time_zone_abbreviation(self) -> str:
        return time_zone_for(self.code)[1]
