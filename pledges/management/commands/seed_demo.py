from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from pledges.models import BawasluUnit, Event, PledgeTemplate, Region, User
from pledges.services.events import open_event, save_event
from pledges.services.signatories import register_signatory

DEMO_PASSWORD = "netralitas-demo"
# The sosialisasi of seed 001, for the election of its title: Monday 23 September
# 2024, 09.00 WIB (not "today", which dated a 2024 election's event in 2026).
DEMO_STARTS_AT = datetime(2024, 9, 23, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta"))

# Officials of the demo event: (name, NIP, jabatan, category, instansi, led region code).
# Names are invented; the offices are those of Kota Pasuruan.
DEMO_SIGNATORIES = [
    (
        "Drs. Bambang Setiawan, M.Si.",
        "197003151995031002",
        "Sekretaris Daerah",
        "sekda",
        "Sekretariat Daerah Kota Pasuruan",
        "",
    ),
    (
        "Siti Nurhaliza, S.Sos., M.M.",
        "197512202000032001",
        "Kepala Dinas Pendidikan",
        "kepala_opd",
        "Dinas Pendidikan",
        "",
    ),
    (
        "Ir. Agus Prasetyo",
        "196808081994031005",
        "Kepala Badan Kepegawaian dan Pengembangan SDM",
        "kepala_opd",
        "BKPSDM",
        "",
    ),
    (
        "Dewi Lestari, S.STP.",
        "198604112008012002",
        "Camat Gadingrejo",
        "camat",
        "Kecamatan Gadingrejo",
        "35.75.01",
    ),
    (
        "Muhammad Ridwan, S.H.",
        "198201172006041003",
        "Camat Purworejo",
        "camat",
        "Kecamatan Purworejo",
        "35.75.02",
    ),
    (
        "Yuliana Putri, S.E.",
        "199007232015032004",
        "Lurah Krapyakrejo",
        "lurah",
        "Kelurahan Krapyakrejo",
        "35.75.01.1007",
    ),
    ("Hendra Gunawan", "", "Tokoh masyarakat", "non_asn", "Forum Kerukunan Umat Beragama", ""),
]


class Command(BaseCommand):
    help = (
        "Membuat data contoh: unit Bawaslu Kota Pasuruan, akun petugas, dan satu kegiatan terbuka."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("Data contoh tidak boleh dibuat di server produksi.")
        if not Region.objects.filter(code="35.75").exists():
            raise CommandError("Data wilayah belum dimuat. Jalankan dulu: manage.py load_regions")

        ri, _ = BawasluUnit.objects.get_or_create(name="Bawaslu RI", defaults={"level": "ri"})
        jatim, _ = BawasluUnit.objects.get_or_create(
            name="Bawaslu Provinsi Jawa Timur",
            defaults={"level": "provinsi", "region_id": "35", "parent": ri},
        )
        kota, _ = BawasluUnit.objects.get_or_create(
            name="Bawaslu Kota Pasuruan",
            defaults={
                "level": "kabkota",
                "region_id": "35.75",
                "parent": jatim,
                "address": "Jl. Ir. H. Juanda, Kota Pasuruan, Jawa Timur",
            },
        )
        staff = self._user("demo", is_superuser=False, unit=kota, first_name="Petugas Demo")
        self._user("admin", is_superuser=True, unit=None, first_name="Admin")

        title = "Sosialisasi Pengawasan Netralitas ASN pada Pemilihan Serentak 2024"
        event = Event.objects.filter(unit=kota, title=title).first()
        created = event is None
        if created:
            # Through the domain functions, as staff pages and the admin do.
            event = save_event(
                Event(
                    unit=kota,
                    title=title,
                    kind=Event.Kind.SOSIALISASI,
                    election="Pemilihan Gubernur dan Wakil Gubernur serta Wali Kota dan Wakil "
                    "Wali Kota Pasuruan 2024",
                    starts_at=DEMO_STARTS_AT,
                    venue="Ascent Premier Hotel, Kecamatan Gadingrejo",
                    region_id="35.75",
                    template=PledgeTemplate.objects.get(
                        slug="ikrar-netralitas-asn-pasuruan", is_current=True
                    ),
                    chair_name="Ketua Bawaslu Kota Pasuruan",
                    reader_name="Sekretaris Daerah Kota Pasuruan",
                ),
                user=staff,
            )
        registered = set(event.signatories.values_list("full_name", flat=True))
        for name, nip, position, category, agency, region in DEMO_SIGNATORIES:
            if name not in registered and event.status != Event.Status.CLOSED:
                register_signatory(
                    event,
                    full_name=name,
                    nip=nip,
                    position=position,
                    category=category,
                    agency=agency,
                    led_region=Region.objects.get(code=region) if region else None,
                )
        if event.status == Event.Status.DRAFT:
            open_event(event)

        self.stdout.write(
            self.style.SUCCESS("Data contoh siap." if created else "Data contoh sudah ada.")
        )
        self.stdout.write(
            f"  Petugas: pengguna 'demo', kata sandi '{DEMO_PASSWORD}' (Bawaslu Kota Pasuruan)\n"
            f"  Admin:   pengguna 'admin', kata sandi '{DEMO_PASSWORD}' (/admin/)"
        )

    def _user(self, username, is_superuser, unit, first_name):
        from django.contrib.auth.models import Permission

        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "is_staff": True,
                "is_superuser": is_superuser,
                "unit": unit,
                "first_name": first_name,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
            if not is_superuser:
                user.user_permissions.set(
                    Permission.objects.filter(content_type__app_label="pledges").exclude(
                        codename__in=["add_region", "change_region", "delete_region"]
                    )
                )
        return user
