"""Forms of the staff pages. They parse input; the rules live in the domain functions."""

import re
from collections import Counter
from datetime import datetime

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pledges.core.nip import normalize_nip
from pledges.core.text import clean_text
from pledges.errors import PledgeError
from pledges.models import Event, Region, Signatory
from pledges.services import rulebook
from pledges.services.signatories import (
    MAX_NIP_TYPED,
    MAX_PROTOCOL_POSITION,
    NOT_SIGNED,
    SIGNED,
    TEXT_FIELDS,
    find_signatories,
    leadable_regions,
)
from pledges.services.visibility import templates_usable_by


class TypedTextMixin:
    """Cleans the form's `text_fields` as `pledges.core.text.clean_text` stores them.

    NFC, one space between words; an invisible or control character is an
    error on its field. The fields are given to it unstripped: Django's strip
    would silently drop a few control characters at either end.
    """

    text_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A field the admin shows read-only is not in the form.
        self.text_fields = [name for name in self.text_fields if name in self.fields]
        for name in self.text_fields:
            self.fields[name].strip = False

    def clean(self):
        cleaned = super().clean()
        for name in self.text_fields:
            if not isinstance(cleaned.get(name), str):
                continue
            field = self.fields[name]
            try:
                value = clean_text(cleaned[name], field.label, field.max_length)
            except PledgeError as error:
                self.add_error(name, forms.ValidationError(error.message, code=error.code))
                continue
            if field.required and not value:
                self.add_error(name, field.error_messages["required"])
            else:
                cleaned[name] = value
        return cleaned


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, region):
        return f"{region.name} — {region.parent.name if region.parent_id else ''}".rstrip(" —")


class EventForm(TypedTextMixin, forms.ModelForm):
    """An event's details; date and time are those of the event region's time zone."""

    text_fields = ("title", "election", "venue", "chair_name", "reader_name")

    start_date = forms.DateField(
        label=_("Tanggal"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    start_time = forms.TimeField(
        label=_("Jam mulai"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("Waktu setempat di wilayah kegiatan (WIB, WITA, atau WIT)."),
    )
    region = RegionChoiceField(
        label=_("Wilayah (kabupaten/kota)"),
        queryset=Region.objects.filter(level=Region.Level.REGENCY).select_related("parent"),
        widget=forms.Select(attrs={"size": 6}),
        help_text=_("Ketik nama kabupaten/kota di kotak pencarian, lalu pilih."),
    )

    class Meta:
        model = Event
        fields = [
            "kind",
            "title",
            "election",
            "venue",
            "region",
            "template",
            "chair_name",
            "reader_name",
            "allow_walk_ins",
            "allow_representatives",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        event = self.instance
        templates = templates_usable_by(event.unit if event.unit_id else None).filter(
            Q(is_current=True) | Q(pk=event.template_id)
        )
        templates = templates.order_by("title")
        self.fields["template"].queryset = templates
        self.fields["template"].label_from_instance = _template_labeller(templates)
        self.fields["template"].empty_label = _("— pilih templat —")
        if event.pk:
            local = event.local_starts_at
            self.initial.update(start_date=local.date(), start_time=local.time())
            if event.status != Event.Status.DRAFT:
                self.fields["template"].help_text = _(
                    "Teks ikrar sudah dibekukan saat kegiatan dibuka."
                )
            # What the rulebook no longer lets change is shown, not offered.
            for name in set(rulebook.LOCKED_WHEN_OPEN) - set(rulebook.editable_event_fields(event)):
                if name in self.fields:
                    self.fields[name].disabled = True
        # Only the chosen region is rendered; the search fills in the others.
        chosen = self.data.get(self.add_prefix("region")) or event.region_id
        region = Region.objects.filter(code=chosen, level=Region.Level.REGENCY).first()
        self.fields["region"].widget.choices = (
            [(region.code, self.fields["region"].label_from_instance(region))] if region else []
        )

    def clean(self):
        cleaned = super().clean()
        region, day, time = (cleaned.get(key) for key in ("region", "start_date", "start_time"))
        if region and day and time:
            cleaned["starts_at"] = datetime.combine(day, time, tzinfo=region.time_zone)
            self.instance.starts_at = cleaned["starts_at"]
        if region and self.instance.unit_id:
            try:
                rulebook.check_event_jurisdiction(Event(unit=self.instance.unit, region=region))
            except PledgeError as error:
                self.add_error("region", forms.ValidationError(error.message, code=error.code))
        return cleaned


class SignatoryForm(TypedTextMixin, forms.ModelForm):
    text_fields = TEXT_FIELDS
    nip = forms.CharField(
        label=_("NIP"),
        max_length=MAX_NIP_TYPED,
        required=False,
        help_text=_("18 digit; kosongkan untuk non-ASN."),
    )

    class Meta:
        model = Signatory
        fields = ["full_name", "nip", "position", "category", "agency", "led_region"]
        help_texts = {"led_region": _("Wajib untuk camat, lurah, dan kepala desa.")}

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        field = self.fields["led_region"]
        field.queryset = leadable_regions(event)
        field.label_from_instance = _region_option
        field.empty_label = _("— tidak ada —")

    def clean_nip(self):
        return normalize_nip(self.cleaned_data.get("nip", ""))

    def clean(self):
        cleaned = super().clean()
        category = cleaned.get("category")
        if category in Signatory.REGION_LEVEL_FOR_CATEGORY and not cleaned.get("led_region"):
            self.add_error(
                "led_region",
                _("Pilih wilayah yang dipimpin %(category)s ini.")
                % {"category": Signatory.Category(category).label.lower()},
            )
        return cleaned

    def domain_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


def _template_labeller(templates):
    """Each template's title with its number of points; where two titles differ only by
    "Tahun" (or not at all), also where the text comes from."""

    def key(template):
        return re.sub(r"\btahun\s+", "", template.title.lower())

    same = Counter(key(template) for template in templates.select_related("unit"))

    def label(template):
        text = _("%(title)s — %(count)d butir") % {
            "title": template.title,
            "count": len(template.points),
        }
        if same[key(template)] > 1:
            origin = template.source or (template.unit.name if template.unit_id else "")
            text += f" · {origin or _('nasional')} (v{template.version})"
        return text

    return label


def _region_option(region: Region) -> str:
    if region.level == Region.Level.DISTRICT:
        return f"Kec. {region.name}"
    prefix = "Kel." if region.is_kelurahan else "Desa"
    return f"\u00a0\u00a0\u00a0{prefix} {region.name}"


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas CSV atau XLSX"),
        help_text=_("Paling besar 5 MB. Gunakan templat agar judul kolomnya sesuai."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.txt"}),
    )


class RepresentativeForm(forms.Form):
    """Who signs "mewakili" an official. What is required, and how long each may be, is
    `pledges.services.representation`'s to say, in its own words."""

    full_name = forms.CharField(label=_("Nama wakil"), required=False)
    nip = forms.CharField(
        label=_("NIP wakil"), required=False, help_text=_("Kosongkan untuk non-ASN.")
    )
    position = forms.CharField(label=_("Jabatan wakil"), required=False)
    letter_number = forms.CharField(
        label=_("Nomor surat tugas"),
        required=False,
        help_text=_("Nomor surat tugas atau surat kuasa dari pejabat yang diwakili."),
    )


class PaperSignatureForm(forms.Form):
    scan = forms.FileField(
        label=_("Pindaian atau foto tanda tangan basah"),
        help_text=_("JPG atau PNG, paling besar 15 MB. Disimpan persis seperti diunggah."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )


class ImportCommitForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
    mode = forms.ChoiceField(
        label=_("Yang disimpan"),
        choices=[
            ("all", _("Semua baris — hanya jika tidak ada baris bermasalah")),
            ("valid", _("Hanya baris yang sah; baris bermasalah dilewati")),
        ],
        initial="all",
        widget=forms.RadioSelect,
    )


class EventFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Semua status")), *Event.Status.choices]
    )
    region = forms.ChoiceField(label=_("Wilayah"), required=False)

    def __init__(self, *args, events, **kwargs):
        super().__init__(*args, **kwargs)
        # Only regions of events the user may see: the filter must not leak others.
        regions = (
            Region.objects.filter(code__in=events.order_by().values("region_id"))
            .order_by("name")
            .values_list("code", "name")
        )
        self.fields["region"].choices = [("", _("Semua wilayah")), *regions]

    def filter(self, events):
        if not self.is_valid():
            return events
        if self.cleaned_data["status"]:
            events = events.filter(status=self.cleaned_data["status"])
        if self.cleaned_data["region"]:
            events = events.filter(region_id=self.cleaned_data["region"])
        return events


class SignatoryFilterForm(forms.Form):
    """Search and filters of an event's signatory list; what does not parse filters nothing."""

    q = forms.CharField(label=_("Cari"), required=False, max_length=100)
    category = forms.ChoiceField(
        label=_("Kategori"),
        required=False,
        choices=[("", _("Semua kategori")), *Signatory.Category.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("Semua status")),
            (SIGNED, _("Sudah tanda tangan")),
            (NOT_SIGNED, _("Belum tanda tangan")),
        ],
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def signatories(self, event):
        values = self.cleaned_data if self.is_valid() else {}
        return find_signatories(
            event, values.get("q", ""), values.get("category", ""), values.get("status", "")
        )

    @property
    def active(self) -> bool:
        return self.is_valid() and any(self.cleaned_data.values())


class ProtocolPositionForm(forms.Form):
    position = forms.IntegerField(
        label=_("Nomor urut"),
        required=False,
        min_value=1,
        max_value=MAX_PROTOCOL_POSITION,
        help_text=_(
            "Yang diberi nomor tampil paling atas, menurut nomornya; kosongkan untuk "
            "urutan protokol baku (kepala daerah, wakil kepala daerah, sekda, kepala OPD, "
            "camat, lurah, kepala desa, ASN lainnya, non-ASN, lalu nama)."
        ),
    )


# Django's Indonesian catalogue says "Masukkan nama pengguna %(username)s …",
# and %(username)s is itself "nama pengguna": the message doubled the words.
class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Nama pengguna atau sandi salah. Perhatikan huruf besar dan kecil pada keduanya."
        ),
    }


class AdminLoginForm(AdminAuthenticationForm):
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": _(
            "Nama pengguna atau sandi salah, atau akun ini bukan akun staf. Perhatikan huruf "
            "besar dan kecil pada keduanya."
        ),
    }
