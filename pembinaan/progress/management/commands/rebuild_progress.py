import time

from django.core.management.base import BaseCommand, CommandError

from pembinaan.progress import reach
from pembinaan.progress.models import Target
from pembinaan.progress.services import rebuild


class Command(BaseCommand):
    help = (
        "Recompute the dashboard's maintained aggregates from the raw tables (all targets, or one); "
        "without --target also the budget overview's reached and coached businesses."
    )

    def add_arguments(self, parser):
        parser.add_argument("--target", type=int, help="target id (default: every target)")

    def handle(self, *args, target=None, **options):
        targets = Target.objects.all() if target is None else Target.objects.filter(pk=target)
        if not targets.exists():
            raise CommandError("No such target.")
        for t in targets:
            started = time.perf_counter()
            n = rebuild(t)
            self.stdout.write(f"{t}: {n} coached businesses, {time.perf_counter() - started:.1f} s")
        if target is None:
            started = time.perf_counter()
            reach.rebuild()  # per fiscal year and source, for no target
            self.stdout.write(f"budget overview's reach: {time.perf_counter() - started:.1f} s")
