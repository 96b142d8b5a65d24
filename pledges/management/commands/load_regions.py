import time

from django.core.management.base import BaseCommand

from pledges.services.regions import load_regions

LABELS = {
    "province": "provinsi",
    "regency": "kabupaten/kota",
    "district": "kecamatan",
    "village": "desa/kelurahan",
}


def angka(n: float, digits: int = 0) -> str:
    """Indonesian number format: 83.762 and 3,2."""
    return f"{n:,.{digits}f}".replace(",", "_").replace(".", ",").replace("_", ".")


class Command(BaseCommand):
    help = (
        "Memuat kode wilayah resmi Kemendagri (provinsi, kabupaten/kota, kecamatan, "
        "desa/kelurahan) dari berkas bawaan. Aman dijalankan berulang: wilayah baru "
        "ditambahkan, nama yang berubah diperbarui, tidak ada yang dihapus."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--berkas", help="berkas regions.tsv.gz lain (bawaan: pledges/data/regions.tsv.gz)"
        )

    def handle(self, *args, **options):
        start = time.monotonic()
        counts = load_regions(options["berkas"])
        elapsed = time.monotonic() - start
        parts = ", ".join(f"{angka(counts[level])} {label}" for level, label in LABELS.items())
        self.stdout.write(
            self.style.SUCCESS(f"Wilayah dimuat: {parts} dalam {angka(elapsed, 1)} detik.")
        )
