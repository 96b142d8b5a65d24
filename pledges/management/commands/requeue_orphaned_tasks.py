from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from pledges.services.tasks import requeue_orphaned_tasks


class Command(BaseCommand):
    help = (
        "Mengembalikan ke antrean tugas latar yang tertinggal berstatus RUNNING karena "
        "proses worker-nya mati (mis. dibunuh dengan SIGKILL atau mesinnya mati)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--worker-id",
            help="Tugas yang terakhir diambil worker ini (dipakai saat worker itu mulai lagi).",
        )
        parser.add_argument(
            "--older-than",
            type=int,
            metavar="MENIT",
            help="Tugas yang sudah berjalan lebih lama dari sekian menit, siapa pun worker-nya.",
        )

    def handle(self, *args, worker_id=None, older_than=None, **options):
        if worker_id is None and older_than is None:
            raise CommandError("Sebutkan --worker-id atau --older-than (atau keduanya).")
        if older_than is not None and older_than < 1:
            raise CommandError("--older-than harus bilangan bulat menit, paling sedikit 1.")
        requeued = requeue_orphaned_tasks(
            worker_id=worker_id,
            older_than=timedelta(minutes=older_than) if older_than is not None else None,
        )
        for task_id in requeued:
            self.stdout.write(f"Dikembalikan ke antrean: {task_id}")
        self.stdout.write(f"{len(requeued)} tugas dikembalikan ke antrean.")
