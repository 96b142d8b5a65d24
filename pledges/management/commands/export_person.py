import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from pledges.services.personal_data import export_person


class Command(BaseCommand):
    help = "Mengekspor semua data yang disimpan tentang satu orang (berdasarkan NIP) sebagai JSON."

    def add_arguments(self, parser):
        parser.add_argument("nip")
        parser.add_argument("--ke", dest="path", help="tulis ke berkas ini (default: layar)")

    def handle(self, *args, nip, path=None, **options):
        try:
            data = export_person(nip)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        text = json.dumps(data, ensure_ascii=False, indent=2)
        if path:
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(text)
            self.stdout.write(f"{len(data['pendaftaran'])} pendaftaran ditulis ke {path}")
        else:
            self.stdout.write(text)
