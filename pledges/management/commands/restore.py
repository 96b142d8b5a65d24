from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pledges.errors import PledgeError
from pledges.services.backups import restore


class Command(BaseCommand):
    help = "Memulihkan cadangan ke basis data baru yang kosong, lalu memeriksa keutuhannya."

    def add_arguments(self, parser):
        parser.add_argument("folder", help="folder cadangan yang dibuat oleh manage.py backup")

    def handle(self, *args, folder, **options):
        try:
            restore(Path(folder))
        except PledgeError as error:
            raise CommandError(error.message) from None
        self.stdout.write(f"Cadangan {folder} dipulihkan. Jalankan: manage.py verify_integrity")
