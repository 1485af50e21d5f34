from django.core.management.base import BaseCommand, CommandError

from pembinaan.progress.models import Target
from pembinaan.progress.selectors import check_aggregates


class Command(BaseCommand):
    help = "Compare the maintained aggregates with a fresh computation from the raw tables; exit 1 on a difference."

    def handle(self, *args, **options):
        problems = [p for t in Target.objects.all() for p in check_aggregates(t)]
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} figure(s) differ; run rebuild_progress and report the case.")
        self.stdout.write(self.style.SUCCESS("The maintained figures equal a fresh computation."))
