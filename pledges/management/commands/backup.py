from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone

from pledges.services.backups import backup


class Command(BaseCommand):
    help = "Mencadangkan basis data dan berkas media (PDF, logo) ke satu folder baru."

    def add_arguments(self, parser):
        parser.add_argument(
            "--ke", dest="destination", help="folder tujuan (default: backups/<waktu>)"
        )

    def handle(self, *args, destination=None, **options):
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        folder = backup(Path(destination or f"backups/{stamp}"))
        self.stdout.write(f"Cadangan tersimpan di {folder}")
