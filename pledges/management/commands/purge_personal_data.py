from django.core.management.base import BaseCommand, CommandError

from pledges.errors import PledgeError
from pledges.models import Event
from pledges.services.personal_data import events_past_retention, purge_event_personal_data


class Command(BaseCommand):
    help = (
        "Menghapus data pribadi (tanda tangan, NIP, nama, berkas PDF) kegiatan yang sudah "
        "melewati masa retensi. Hash dan kode verifikasi dokumen tetap disimpan."
    )

    def add_arguments(self, parser):
        parser.add_argument("--kegiatan", type=int, help="hanya kegiatan dengan ID ini")
        parser.add_argument(
            "--uji", action="store_true", help="hanya tampilkan apa yang akan dihapus"
        )

    def handle(self, *args, kegiatan=None, uji=False, **options):
        if kegiatan is not None:
            events = Event.objects.filter(pk=kegiatan)
            if not events.exists():
                raise CommandError(f"Kegiatan #{kegiatan} tidak ditemukan.")
        else:
            events = events_past_retention()
        for event in events.order_by("closed_at"):
            if uji:
                self.stdout.write(
                    f"Akan dihapus: #{event.pk} {event.title} (ditutup {event.closed_at:%Y-%m-%d})"
                )
                continue
            try:
                result = purge_event_personal_data(event)
            except PledgeError as error:
                raise CommandError(error.message) from None
            self.stdout.write(
                f"#{event.pk} {event.title}: {result['signatures']} tanda tangan, "
                f"{result['signatories']} penanda tangan, {result['files']} berkas dihapus."
            )
