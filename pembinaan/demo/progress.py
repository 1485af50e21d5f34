"""Demo figures: the dashboard's maintained tallies, rebuilt once everything is written."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.apps import apps
from django.db import OperationalError, connection, transaction

from pembinaan.lib.bulk_insert import indexes_deferred
from pembinaan.progress.services import rebuild_all

if TYPE_CHECKING:
    from pembinaan.demo.seeder import DemoSeeder

log = logging.getLogger(__name__)

# The tables a rebuild fills from scratch (a row per coached business, several per attribution,
# one per reached business and fiscal year and source): loaded without their secondary indexes and
# key checks, made again in one pass each at the end.
REBUILT_MODELS = ("CoachedBusiness", "CoachedAttribution", "Tally", "ReachedBusiness")


def analyze(models: list | None = None) -> None:
    """ANALYZE the database (or these models' tables) on PostgreSQL, as a command's work.

    Seeding is a command's job, but a test may call it inside a web process, whose statement
    timeout (DB_STATEMENT_TIMEOUT_MS) a whole-database ANALYZE can outlast on a busy machine; and a
    table another session holds a lock on is better left to autovacuum than waited for.
    """
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models or ())
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = 0")
            cursor.execute("SET LOCAL lock_timeout = '10s'")
            cursor.execute(f"ANALYZE {tables}")
    except OperationalError as exc:
        log.warning("ANALYZE skipped (%s): the planner keeps its older statistics", exc)


def rebuild_progress(seeder: DemoSeeder) -> None:
    # Fresh planner statistics for the tables just filled (autovacuum would take minutes): without
    # them PostgreSQL guesses a handful of activities in a period and picks plans that make the
    # rebuild below, and every later attendance, scan the whole table.
    analyze()
    # Bulk inserts bypass the services that keep the dashboard's aggregates.
    rebuilt = [model for model in apps.get_models() if model._meta.object_name in REBUILT_MODELS]
    with indexes_deferred(rebuilt):
        seeder.counts["coached"] = sum(rebuild_all().values())
    analyze(rebuilt)
