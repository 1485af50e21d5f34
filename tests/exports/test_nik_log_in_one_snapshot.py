"""A full-NIK export job on PostgreSQL logs its owners in one statement before it reads its rows, and
reads them in the same snapshot: whatever is added meanwhile is neither in the file nor in the log,
and every owner whose whole NIK is in the file is logged exactly once (docs/rules.md rule 10).

These tests commit for real (`transaction=True`): the job runs outside any test transaction, as a
worker runs it, and a second connection adds a business while the export is being written. Where
the export cannot read one snapshot (SQLite, or inside a transaction already begun) it logs batch
by batch (tests/jobs/test_export_jobs.py and tests/exports/test_nik.py).
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction
from django.urls import reverse

from pembinaan.jobs.models import Job
from pembinaan.lib.exports import one_snapshot, reads_one_snapshot
from pembinaan.registry import exports
from pembinaan.registry.models import NikAccessLog
from tests.exports.sheets import records_of
from tests.factories import BusinessFactory, OwnerFactory, make_nik

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no REPEATABLE READ"),
]

LATE_NIK = make_nik(day=9, month=9, yy=79, serial=9)


@pytest.fixture(autouse=True)
def _results_in_a_temporary_media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _add_a_business_from_another_connection() -> None:
    def add():
        try:
            BusinessFactory(
                owner=OwnerFactory(nik=LATE_NIK, name="Datang Belakangan"), name="Usaha Terlambat"
            )
        finally:
            connections.close_all()

    thread = threading.Thread(target=add)
    thread.start()
    thread.join()


@pytest.fixture
def late_business(monkeypatch):
    """Adds (and commits) a business through another connection right after the export's log
    statement, before its rows are read; returns the number of log statements."""
    statements = []
    original = exports.nik_access_record_query

    def log_then_add(**kwargs):
        original(**kwargs)
        statements.append(kwargs["owner_ids"])
        _add_a_business_from_another_connection()

    monkeypatch.setattr(exports, "nik_access_record_query", log_then_add)
    return statements


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_business_added_while_a_full_nik_export_runs_is_neither_exported_nor_logged(
    admin_client, admin_user, settings, django_capture_on_commit_callbacks, late_business, fmt
):
    settings.EXPORT_INLINE_MAX_ROWS = 2
    businesses = [BusinessFactory(owner=OwnerFactory(nik=make_nik())) for _ in range(4)]
    BusinessFactory(owner=businesses[0].owner)  # an owner of two businesses is logged once
    BusinessFactory(owner=OwnerFactory(nik=None))  # no NIK, nothing to log

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.get(reverse("registry:business-export", args=[fmt]))

    job = Job.objects.get()
    assert job.status == Job.Status.DONE, job.message
    records = records_of(admin_client.get(reverse("jobs:job-download", args=[job.pk])))
    assert len(records) == 6 and "Usaha Terlambat" not in {r["Nama Usaha"] for r in records}
    logged = NikAccessLog.objects.filter(user=admin_user, purpose=NikAccessLog.Purpose.EXPORT)
    assert sorted(logged.values_list("owner__nik", flat=True)) == sorted(
        {r["NIK"] for r in records if r["NIK"]}
    )
    assert len(late_business) == 1  # one statement logged them all
    assert not logged.filter(owner__nik=LATE_NIK).exists()


def test_only_a_repeatable_read_transaction_counts_as_one_snapshot():
    assert not reads_one_snapshot()  # autocommit: each statement its own snapshot
    with one_snapshot():
        assert reads_one_snapshot()
        with one_snapshot():  # inside one already: the same transaction, still one snapshot
            assert reads_one_snapshot()
    with transaction.atomic():  # READ COMMITTED: a new snapshot per statement
        assert not reads_one_snapshot()
        with one_snapshot():
            assert not reads_one_snapshot()


def _setting(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {name}")
        return cursor.fetchone()[0]


def test_an_export_snapshot_plans_its_reads_for_every_row_and_leaves_the_connection_as_it_was():
    """The rows come through a server-side cursor, planned by default for a tenth of them: walking
    the name index row by row cost a 100,000-row export 0.2-0.3 s."""
    before = _setting("cursor_tuple_fraction")

    with one_snapshot():
        inside = _setting("cursor_tuple_fraction")

    assert float(inside) == 1.0
    assert _setting("cursor_tuple_fraction") == before != inside
