"""`python manage.py run_jobs [--once]`: the background jobs' worker and caretaker.

Each round re-queues running jobs whose heartbeat stopped (their process died), deletes result files
older than JOB_RESULT_HOURS, and runs every queued job. `--once` does one round and exits (for cron:
`* * * * * manage.py run_jobs --once`); without it the command loops, as a systemd service would.
Several copies may run at once: a job is claimed by one of them only.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from pembinaan.jobs import services


class Command(BaseCommand):
    help = "Jalankan pekerjaan latar belakang yang antre; antrekan lagi yang terhenti; hapus berkas lama."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="satu putaran, lalu berhenti (untuk cron)")
        parser.add_argument(
            "--sleep", type=float, default=2.0, help="detik menunggu di antara putaran (tanpa --once)"
        )

    def handle(self, *args, **options):
        while True:
            requeued, failed = services.jobs_requeue_stale()
            expired = services.jobs_expire_results()
            ran = services.jobs_run_queued()
            if options["once"] or requeued or failed or expired or ran:
                self.stdout.write(
                    f"{ran} dijalankan, {requeued} diantrekan lagi, {failed} gagal karena terhenti, "
                    f"{expired} berkas kedaluwarsa dihapus."
                )
            if options["once"]:
                return
            # A long-lived loop must not keep a connection the database has dropped or that is
            # older than CONN_MAX_AGE, as a request would not.
            close_old_connections()
            time.sleep(options["sleep"])
