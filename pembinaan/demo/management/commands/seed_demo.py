"""`manage.py seed_demo`: fill an empty database with a realistic demo registry for Kota Banjarmasin.

The data is made by `pembinaan.demo` (one module per subject: accounts, people, businesses,
coaching, funding, progress), run in order by `pembinaan.demo.seeder.DemoSeeder`; this command only
checks that seeding is allowed, runs it in one transaction and prints what it made.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from pembinaan.demo.accounts import login_lines
from pembinaan.demo.seeder import DemoSeeder
from pembinaan.registry.models import Business


class Command(BaseCommand):
    help = (
        "Fill an empty database with demo accounts (one per role) and a realistic demo registry of "
        "Banjarmasin businesses. Refused in production and when any business exists."
    )
    seeder_class = DemoSeeder

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--businesses", type=int, default=2000, help="number of businesses (default 2000)"
        )
        parser.add_argument("--seed", type=int, default=2021, help="random seed (default 2021)")
        parser.add_argument(
            "--participations",
            type=int,
            default=None,
            help="number of participations (default: about 2.4 per coached business, 1 per business above 5,000)",
        )
        parser.add_argument(
            "--keep-indexes",
            action="store_true",
            help="load with every index and key check in place, as seeding did before (a benchmark's baseline)",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing (but print the demo logins) when the registry already holds data; for `make run`",
        )

    def handle(
        self,
        *args: Any,
        businesses: int,
        seed: int,
        if_empty: bool = False,
        participations: int | None = None,
        keep_indexes: bool = False,
        **options: Any,
    ) -> None:
        if getattr(settings, "PRODUCTION", False):
            raise CommandError(
                "seed_demo fills the database with fake people and demo logins; refused in production."
            )
        if businesses < 2:
            raise CommandError("--businesses must be at least 2 (the demo owner alone has two).")
        if Business.objects.exists() and if_empty:
            self.stdout.write("The database already holds data; nothing seeded.")
            self._print_logins()
            return
        if Business.objects.exists():
            raise CommandError(
                "The database already holds businesses; seed_demo only fills an empty registry. "
                "Use a fresh database (or `manage.py flush`) to seed again."
            )
        started = time.perf_counter()
        seeder = self.seeder_class(businesses=businesses, seed=seed, participations=participations)
        if keep_indexes:
            seeder.bulk_steps = frozenset()
        with transaction.atomic():
            seeder.run()
        elapsed = time.perf_counter() - started
        verbosity = options.get("verbosity", 1)
        if verbosity >= 1:
            self._report(seeder, elapsed, verbosity=verbosity)

    def _report(self, seeder: DemoSeeder, elapsed: float, *, verbosity: int) -> None:
        counts = ", ".join(f"{value} {key.replace('_', ' ')}" for key, value in seeder.counts.items())
        self.stdout.write(self.style.SUCCESS(f"Seeded in {elapsed:.1f} s: {counts}."))
        if verbosity >= 2:
            for step, seconds in seeder.timings:
                self.stdout.write(f"  {step:<20} {seconds:6.2f} s")
        self._print_logins()

    def _print_logins(self) -> None:
        self.stdout.write("\nDemo logins:")
        for line in login_lines():
            self.stdout.write("  " + line)
