"""Demo figures: the dashboard's maintained tallies, rebuilt once everything is written."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import connection

from pembinaan.progress.services import rebuild_all

if TYPE_CHECKING:
    from pembinaan.demo.seeder import DemoSeeder


def rebuild_progress(seeder: DemoSeeder) -> None:
    if connection.vendor == "postgresql":
        # Fresh planner statistics for the tables just filled (autovacuum would take minutes):
        # without them PostgreSQL guesses a handful of activities in a period and picks plans
        # that make the rebuild below, and every later attendance, scan the whole table.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    # Bulk inserts bypass the services that keep the dashboard's aggregates.
    seeder.counts["coached"] = sum(rebuild_all().values())
