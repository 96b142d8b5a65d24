from django.core.management.base import BaseCommand, CommandError

from pledges.services.integrity import verify_everything


class Command(BaseCommand):
    help = "Memeriksa bahwa teks ikrar, tanda tangan, dan berkas PDF masih cocok dengan hash-nya."

    def handle(self, *args, **options):
        counts, problems = verify_everything()
        summary = ", ".join(f"{count:,} {name}".replace(",", ".") for name, count in counts.items())
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} masalah ditemukan (diperiksa: {summary}).")
        self.stdout.write(f"Semua utuh: {summary}.")
