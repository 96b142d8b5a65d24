from django.conf import settings
from django.db import models
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pledges.core.nip import validate_nip
from pledges.core.text import search_key
from pledges.errors import Code, PledgeError


class Event(models.Model):
    """A gathering at which officials sign one pledge.

    Its pledge text is frozen (with its SHA-256) when it opens; every
    signature refers to that frozen text.
    """

    class Kind(models.TextChoices):
        SOSIALISASI = "sosialisasi", _("Sosialisasi")
        RAPAT_KOORDINASI = "rapat_koordinasi", _("Rapat koordinasi")
        APEL = "apel", _("Apel")
        LAINNYA = "lainnya", _("Lainnya")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draf")
        OPEN = "open", _("Dibuka")
        CLOSED = "closed", _("Ditutup")

    unit = models.ForeignKey(
        "pledges.BawasluUnit",
        verbose_name=_("unit Bawaslu"),
        on_delete=models.PROTECT,
        related_name="events",
    )
    title = models.CharField(_("judul"), max_length=200)
    kind = models.CharField(_("jenis kegiatan"), max_length=20, choices=Kind.choices)
    election = models.CharField(
        _("pemilihan"), max_length=150, help_text=_("Misalnya: Pemilihan Serentak 2024")
    )
    starts_at = models.DateTimeField(_("waktu mulai"))
    venue = models.CharField(_("tempat"), max_length=200)
    region = models.ForeignKey(
        "pledges.Region", verbose_name=_("wilayah"), on_delete=models.PROTECT, related_name="+"
    )
    template = models.ForeignKey(
        "pledges.PledgeTemplate",
        verbose_name=_("templat ikrar"),
        on_delete=models.PROTECT,
        related_name="events",
    )
    chair_name = models.CharField(_("pimpinan acara"), max_length=150, blank=True)
    reader_name = models.CharField(_("pembaca ikrar"), max_length=150, blank=True)
    allow_walk_ins = models.BooleanField(_("peserta boleh mendaftar di tempat"), default=True)
    allow_representatives = models.BooleanField(
        _("wakil boleh dicatat di tablet"),
        default=False,
        help_text=_(
            "Pejabat yang berhalangan dapat diwakili: wakilnya mengisi nama dan nomor surat "
            "tugas di tablet. Petugas selalu dapat mencatat wakil di halaman kegiatan."
        ),
    )
    status = models.CharField(
        _("status"), max_length=6, choices=Status.choices, default=Status.DRAFT
    )
    frozen_pledge = models.JSONField(_("isi ikrar yang dibekukan"), null=True, blank=True)
    frozen_pledge_text = models.TextField(_("teks ikrar yang dibekukan"), blank=True)
    frozen_pledge_sha256 = models.CharField(_("SHA-256 teks ikrar"), max_length=64, blank=True)
    opened_at = models.DateTimeField(_("dibuka pada"), null=True, blank=True)
    closed_at = models.DateTimeField(_("ditutup pada"), null=True, blank=True)
    # A closed event accepts nothing more, so its counts are taken once when it
    # closes; national recaps then add up events instead of millions of rows.
    final_registered = models.PositiveIntegerField(_("jumlah terdaftar"), null=True, blank=True)
    final_signed = models.PositiveIntegerField(_("jumlah bertanda tangan"), null=True, blank=True)
    # Taken with the final counts: registered and signed per category, and the
    # regions whose leader signed; the national picture reads these, not rows.
    final_summary = models.JSONField(_("ringkasan akhir"), null=True, blank=True, editable=False)
    personal_data_purged_at = models.DateTimeField(
        _("data pribadi dihapus pada"), null=True, blank=True, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dibuat oleh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("kegiatan")
        verbose_name_plural = _("kegiatan")
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["unit", "-starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft")
                | (~Q(frozen_pledge_sha256="") & ~Q(frozen_pledge_text="")),
                name="event_open_has_frozen_pledge",
                violation_error_message=_(
                    "Kegiatan yang dibuka wajib memiliki teks ikrar yang dibekukan."
                ),
            ),
        ]

    def __str__(self):
        return self.title

    # Written once, by opening and closing, and never again whoever saves: the
    # last line behind pledges.services.rulebook, for any code that saves an event.
    SET_ONCE_FIELDS = (
        "frozen_pledge",
        "frozen_pledge_text",
        "frozen_pledge_sha256",
        "opened_at",
        "closed_at",
        "final_registered",
        "final_signed",
        "final_summary",
    )

    def save(self, *args, **kwargs):
        if self.pk and not self._state.adding:
            stored = Event.objects.filter(pk=self.pk).values(*self.SET_ONCE_FIELDS).first() or {}
            for name, value in stored.items():
                if value not in (None, "") and value != getattr(self, name):
                    raise PledgeError(
                        _("Teks ikrar serta catatan buka/tutup kegiatan tidak dapat diubah."),
                        code=Code.PLEDGE_FROZEN,
                    )
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("staff:event", args=[self.pk])

    @property
    def local_starts_at(self):
        return self.starts_at.astimezone(self.region.time_zone)

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class SignatoryQuerySet(models.QuerySet):
    def in_protocol_order(self):
        """Protocol order, the one order of people on every list and document.

        The places staff set for the event first (1, 2, 3 …), then everyone
        else by category in the order of `Signatory.Category` (kepala daerah,
        wakil, sekda, kepala OPD, camat, lurah, kepala desa, ASN lainnya,
        non-ASN), then by name.
        """
        return self.order_by(*protocol_ordering())

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for signatory in objs:
            signatory.fill_search_text()
        return super().bulk_create(objs, *args, **kwargs)


# In protocol order: lists and documents rank people by this order (see
# `protocol_ordering`), so a new category goes where protocol places it.
class SignatoryCategory(models.TextChoices):
    KEPALA_DAERAH = "kepala_daerah", _("Kepala daerah")
    WAKIL_KEPALA_DAERAH = "wakil_kepala_daerah", _("Wakil kepala daerah")
    SEKDA = "sekda", _("Sekretaris daerah")
    KEPALA_OPD = "kepala_opd", _("Kepala OPD")
    CAMAT = "camat", _("Camat")
    LURAH = "lurah", _("Lurah")
    KEPALA_DESA = "kepala_desa", _("Kepala desa")
    ASN_LAINNYA = "asn_lainnya", _("ASN lainnya")
    NON_ASN = "non_asn", _("Non-ASN")


def protocol_terms() -> list:
    """What protocol order compares: the place staff set (none last), the category's
    rank, the name whatever its case, the id."""
    rank = Case(
        *(
            When(category=value, then=Value(number))
            for number, value in enumerate(SignatoryCategory.values)
        ),
        default=Value(len(SignatoryCategory.values)),
        output_field=IntegerField(),
    )
    return [F("protocol_position"), rank, Lower("full_name"), F("id")]


def protocol_ordering() -> list:
    """ORDER BY terms of protocol order (`protocol_terms`, places set by staff first)."""
    position, *rest = protocol_terms()
    return [position.asc(nulls_last=True), *(term.asc() for term in rest)]


class Signatory(models.Model):
    """A person registered to sign at one event."""

    Category = SignatoryCategory

    class Registration(models.TextChoices):
        PRE_REGISTERED = "pre_registered", _("Didaftarkan petugas")
        IMPORT = "import", _("Impor berkas")
        WALK_IN = "walk_in", _("Daftar di tempat")

    # Categories whose holder leads one region of the event's kab/kota.
    REGION_LEVEL_FOR_CATEGORY = {
        Category.CAMAT: "district",
        Category.LURAH: "village",
        Category.KEPALA_DESA: "village",
    }

    event = models.ForeignKey(
        Event, verbose_name=_("kegiatan"), on_delete=models.CASCADE, related_name="signatories"
    )
    full_name = models.CharField(_("nama lengkap"), max_length=150)
    nip = models.CharField(
        _("NIP"),
        max_length=18,
        blank=True,
        validators=[validate_nip],
        help_text=_("18 digit; kosongkan untuk non-ASN."),
    )
    position = models.CharField(_("jabatan"), max_length=200)
    category = models.CharField(_("kategori"), max_length=20, choices=Category.choices)
    agency = models.CharField(_("instansi/OPD"), max_length=200, blank=True)
    led_region = models.ForeignKey(
        "pledges.Region",
        verbose_name=_("wilayah yang dipimpin"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    registration = models.CharField(
        _("cara pendaftaran"),
        max_length=14,
        choices=Registration.choices,
        default=Registration.PRE_REGISTERED,
    )
    # Staff may set the event's own order: people with a place come first, by place.
    protocol_position = models.PositiveIntegerField(
        _("nomor urut protokol"),
        null=True,
        blank=True,
        help_text=_("Kosongkan untuk urutan protokol baku (kepala daerah, wakil, sekda, …)."),
    )
    # Name, NIP, jabatan and instansi as staff searches compare them
    # (`pledges.core.text.search_key`); kept by save() and bulk_create().
    search_text = models.TextField(_("teks pencarian"), blank=True, default="", editable=False)
    created_at = models.DateTimeField(_("didaftarkan"), auto_now_add=True)

    objects = SignatoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("penanda tangan")
        verbose_name_plural = _("penanda tangan")
        ordering = ["full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "nip"],
                condition=~Q(nip=""),
                name="signatory_one_nip_per_event",
                violation_error_message=_("NIP ini sudah terdaftar pada kegiatan ini."),
            ),
        ]
        indexes = [
            models.Index(fields=["event", "category"]),
            # A page of an event's list in protocol order reads 50 index entries
            # (PostgreSQL), not the event's thousands of rows sorted.
            # PostgreSQL sorts NULL last in an ascending index, as the ordering wants.
            models.Index(F("event"), *protocol_terms(), name="signatory_protocol_order"),
        ]

    def __str__(self):
        return self.full_name

    SEARCHED_FIELDS = ("full_name", "nip", "position", "agency")

    def save(self, *args, **kwargs):
        self.fill_search_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) & set(self.SEARCHED_FIELDS):
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    def fill_search_text(self) -> None:
        self.search_text = search_key(" ".join(getattr(self, f) for f in self.SEARCHED_FIELDS))

    @property
    def representative(self):
        """The `Representation` of whoever signs "mewakili" this official, else None."""
        try:
            return self.representation
        except models.ObjectDoesNotExist:
            return None
