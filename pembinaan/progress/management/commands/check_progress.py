from django.core.management.base import BaseCommand, CommandError

from pembinaan.progress.models import ProgressCheck
from pembinaan.progress.services import check_and_record


class Command(BaseCommand):
    help = (
        "Compare the served figures with a fresh computation from the raw tables and with a plain-SQL "
        "recount (money included); the result is kept (admin: Pemeriksaan angka); exit 1 on a difference."
    )

    def handle(self, *args, **options):
        problems = check_and_record(via=ProgressCheck.Via.COMMAND)
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} figure(s) differ; run rebuild_progress and report the case.")
        self.stdout.write(
            self.style.SUCCESS("The served figures equal a fresh computation and the SQL recount.")
        )
