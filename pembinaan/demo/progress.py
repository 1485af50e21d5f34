"""Demo figures: the dashboard's maintained tallies, rebuilt once everything is written."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import apps
from django.db import connection

from pembinaan.lib.bulk_insert import indexes_deferred
from pembinaan.progress.services import rebuild_all

if TYPE_CHECKING:
    from pembinaan.demo.seeder import DemoSeeder

# The tables a rebuild fills from scratch (a row per coached business, several per attribution):
# loaded without their secondary indexes and key checks, made again in one pass each at the end.
REBUILT_MODELS = ("CoachedBusiness", "CoachedAttribution", "Tally")


def rebuild_progress(seeder: DemoSeeder) -> None:
    if connection.vendor == "postgresql":
        # Fresh planner statistics for the tables just filled (autovacuum would take minutes):
        # without them PostgreSQL guesses a handful of activities in a period and picks plans
        # that make the rebuild below, and every later attendance, scan the whole table.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    # Bulk inserts bypass the services that keep the dashboard's aggregates.
    rebuilt = [model for model in apps.get_models() if model._meta.object_name in REBUILT_MODELS]
    with indexes_deferred(rebuilt):
        seeder.counts["coached"] = sum(rebuild_all().values())
    if connection.vendor == "postgresql" and rebuilt:
        with connection.cursor() as cursor:
            cursor.execute(
                f"ANALYZE {', '.join(connection.ops.quote_name(m._meta.db_table) for m in rebuilt)}"
            )
