"""The demo seeder behind `manage.py seed_demo`: a realistic demo registry for Kota Banjarmasin.

Creates one demo login per role and N businesses (default 2,000) with their owners, status
timelines, audit history and a few deliberate possible duplicates. The data is deterministic for a
given `--seed`: every random choice comes from one `SeedRandom(seed)` (a `random.Random`, never the
global one), consumed in a fixed order.

Steps run in the order of `DemoSeeder.steps`; each lives in the module of its subject (accounts,
people, businesses, coaching, funding, progress). Later steps (activities, attendance, funding) are
added at the end of that tuple, so that they never change what the earlier steps generate for a seed;
they can use `self.users`, `self.owners`, `self.businesses` and `self.rng`.

Rows are generated as plain dicts and written with `insert_rows`, which does what `bulk_create`
does without its per-row and per-value overhead (executemany on SQLite, COPY on PostgreSQL): 100,000
businesses take about 25 s on SQLite instead of about 80 s with `bulk_create`. Their
django-simple-history "created" rows are written the same way (`insert_history`). No `save()` runs,
so the derived columns (name_normalized, scale, scale_basis) are set here with the same functions
the model uses.

On PostgreSQL the writing steps (`bulk_steps`) run with the big tables' secondary indexes and key
checks deferred (`indexes_deferred`): each index is then built once, in one sorted pass, and each
foreign key checked by one join, instead of row by row as the rows arrive and at the commit. That
is what makes 1,000,000 businesses / 5,000,000 participations a matter of minutes rather than of
an hour and a half (bench/seed_bench.py; `seed_demo --keep-indexes` loads the old way, for comparison).
"""

from __future__ import annotations

import bisect
import contextlib
import random
import time

from django.apps import apps
from django.utils import timezone

from pembinaan.accounts import roles
from pembinaan.accounts.models import User
from pembinaan.demo.accounts import AccountSteps
from pembinaan.demo.businesses import RegistrySteps
from pembinaan.demo.coaching import seed_coaching
from pembinaan.demo.people import PeopleSteps
from pembinaan.demo.progress import rebuild_progress
from pembinaan.lib.bulk_insert import Row, indexes_deferred

# The tables a seed fills with many rows (by model name, wherever the model lives), with their
# history tables: on PostgreSQL they are loaded without secondary indexes and key checks, which
# are made again, in one pass each, before the steps that read them (`indexes_deferred`).
BULK_MODELS = (
    "Owner", "Business", "StatusChange", "Activity", "Participation", "CapitalAssistance", "Outcome",
    "FiguresSnapshot",
)  # fmt: skip


def bulk_models() -> list:
    names = set(BULK_MODELS) | {f"Historical{name}" for name in BULK_MODELS}
    return [model for model in apps.get_models() if model._meta.object_name in names]


class SeedRandom(random.Random):
    """`random.Random` with cheaper `choice`, `randint` and `randrange`, built on `random()`.

    The library versions draw bits until an unbiased result comes out, which is several times
    slower; a seed makes a million such draws, and a 2**-53 bias does not matter for demo data.
    """

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int:
        if stop is None:
            start, stop = 0, start
        if step != 1:
            return super().randrange(start, stop, step)
        return start + int(self.random() * (stop - start))


class DemoSeeder(AccountSteps, PeopleSteps, RegistrySteps):
    """Runs the seeding steps in order; each step may use what the earlier ones created.

    `self.owners` and `self.businesses` hold the inserted rows as dicts keyed by field attname
    (with their "id"), in creation order; `self.users` the demo users by role.
    """

    steps: tuple[str, ...] = (
        "_seed_accounts",
        "_seed_registry",
        "_seed_coaching",
        "_flag_duplicates",
        "_rebuild_progress",
    )
    # Steps that only write (in this order, one after the other): run with the indexes deferred.
    # The duplicate scan reads the registry through its indexes, so it runs after them (it draws
    # no random numbers, so the data of a seed does not depend on where it runs).
    bulk_steps: frozenset[str] = frozenset({"_seed_registry", "_seed_coaching"})

    def __init__(self, *, businesses: int, seed: int, participations: int | None = None) -> None:
        self.n_businesses = businesses
        self.n_participations = participations
        self.rng = SeedRandom(seed)
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.users: dict[str, User] = {}
        self.owners: list[Row] = []
        self.businesses: list[Row] = []
        self.counts: dict[str, int] = {}
        self.timings: list[tuple[str, float]] = []

    @property
    def staff_user(self) -> User:
        return self.users[roles.STAFF]

    def run(self) -> None:
        deferring = False
        with contextlib.ExitStack() as deferred:
            for step in self.steps:
                if step in self.bulk_steps and not deferring:
                    deferred.enter_context(indexes_deferred(bulk_models()))
                    deferring = True
                elif step not in self.bulk_steps and deferring:
                    self._timed("indexes and keys", deferred.close)
                    deferring = False
                self._timed(step.strip("_"), getattr(self, step))

    def _timed(self, name: str, step) -> None:
        started = time.perf_counter()
        step()
        self.timings.append((name, time.perf_counter() - started))

    def _weighted(self, items, cum_weights):
        """`rng.choices(items, cum_weights=...)[0]`, without building a list per call."""
        return items[bisect.bisect(cum_weights, self.rng.random() * cum_weights[-1])]

    def _seed_coaching(self) -> None:
        seed_coaching(self, participations=self.n_participations)

    def _rebuild_progress(self) -> None:
        rebuild_progress(self)
