"""A confirmed import on PostgreSQL plans in a second thread while it writes: same result, same safety.

These tests commit for real (`transaction=True`): the planning thread reads through its own
connection, which sees only committed data. On SQLite the same import runs planned-then-written,
and the same assertions hold.
"""

import threading

import pytest
from django.db import connection

from pembinaan.imports import services
from pembinaan.imports.models import ImportedRecord, ImportRun
from pembinaan.progress.models import Target
from pembinaan.progress.selectors import check_aggregates
from pembinaan.progress.services import rebuild_all
from pembinaan.registry import importers
from pembinaan.registry.models import Business, Owner, StatusChange
from tests.factories import OwnerFactory, make_nik
from tests.imports.files import HEADER, xlsx

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PLACE = ["Banjarmasin Utara", "Sungai Miai"]


@pytest.fixture
def small_pieces(monkeypatch):
    """Pieces of a few rows, so that a small file is planned and written in many."""
    monkeypatch.setattr(importers, "BATCH", 3)
    monkeypatch.setattr(importers, "CHUNK", 4)


@pytest.fixture
def streamed(monkeypatch):
    """Counts the imports that went through the two-thread path."""
    calls = []
    original = services._plan_and_write

    def spy(*args, **kwargs):
        calls.append(threading.current_thread().name)
        return original(*args, **kwargs)

    monkeypatch.setattr(services, "_plan_and_write", spy)
    return calls


def _rows(count: int, *, first_owner_nik: str) -> list[list]:
    rows = [HEADER]
    for i in range(count):
        rows.append([make_nik(), f"Pemilik {i}", "", "", f"Usaha {i}", "", *PLACE, 10_000_000 + i])
    # The first owner's second business, far below the first, in a later piece.
    rows.append([first_owner_nik, "Pemilik Nol", "", "", "Usaha Nol Kedua", "", *PLACE, ""])
    return rows


def _confirm(data: bytes, *, by, valid_rows_only: bool) -> ImportRun:
    run = services.import_start(kind="usaha", file_name="data.xlsx", data=data, by=by)
    services.import_preview(run=run, valid_rows_only=valid_rows_only)
    return services.import_confirm(run=ImportRun.objects.get(pk=run.pk), by=by)


def _plan_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.endswith("-plan")]


def test_a_large_import_written_while_planned_matches_its_preview_row_for_row(
    staff_user, small_pieces, streamed
):
    rebuild_all()  # aggregates built, so that the check at the end means something
    existing = OwnerFactory(name="Nama Lama")
    rows = _rows(23, first_owner_nik="")
    rows[1][0] = rows[-1][0] = make_nik()  # the first owner has two businesses, in different pieces
    rows.insert(5, list(rows[4]))  # a repeated row: skipped
    rows.insert(9, [existing.nik, "Nama Baru", "", "", "Usaha Pemilik Lama", "", *PLACE, ""])
    rows.insert(12, ["6.37101E+15", "Angka", "", "", "Usaha Angka", "", *PLACE, ""])  # refused
    data = xlsx(rows)

    preview = services.import_start(kind="usaha", file_name="data.xlsx", data=data, by=staff_user)
    preview = services.import_preview(run=preview, valid_rows_only=True)
    result = _confirm(data, by=staff_user, valid_rows_only=True)

    assert len(streamed) == (1 if connection.vendor == "postgresql" else 0)
    assert result.status == ImportRun.Status.DONE
    counts = (result.created_count, result.updated_count, result.skipped_count, result.refused_count)
    assert counts == (
        preview.created_count,
        preview.updated_count,
        preview.skipped_count,
        preview.refused_count,
    )
    assert counts == (25, 0, 1, 1)  # the known owner's row adds a business: created, owner renamed
    assert [row[0] for row in result.bad_rows] == [13]
    first_owner = Owner.objects.get(nik=rows[1][0])
    assert sorted(first_owner.businesses.values_list("name", flat=True)) == ["Usaha 0", "Usaha Nol Kedua"]
    existing.refresh_from_db()
    assert existing.name == "Nama Baru" and existing.businesses.get().name == "Usaha Pemilik Lama"
    created = Business.objects.filter(source="impor")
    assert created.count() == 25
    assert StatusChange.objects.filter(business__in=created).count() == 25
    assert all(b.history.count() == 1 for b in created)
    assert ImportedRecord.objects.filter(run=result).count() == 25 + Owner.objects.count() - 1 + 1
    assert [p for t in Target.objects.all() for p in check_aggregates(t)] == []
    assert _plan_threads() == []


def test_a_refused_row_late_in_the_file_leaves_nothing_written_by_the_earlier_pieces(
    staff_user, small_pieces, streamed
):
    rows = _rows(20, first_owner_nik=make_nik())
    rows.append(["6.37101E+15", "Angka", "", "", "Usaha Angka", "", *PLACE, ""])
    owners_before, businesses_before = Owner.objects.count(), Business.objects.count()

    result = _confirm(xlsx(rows), by=staff_user, valid_rows_only=False)

    assert result.status == ImportRun.Status.REFUSED
    assert result.refused_count == 1 and "1 baris ditolak" in result.message
    assert (Owner.objects.count(), Business.objects.count()) == (owners_before, businesses_before)
    assert not ImportedRecord.objects.filter(run=result).exists()
    assert [row[0] for row in result.bad_rows] == [len(rows)]
    assert _plan_threads() == []


def test_a_failure_while_writing_stops_the_planner_and_writes_nothing(
    staff_user, small_pieces, streamed, monkeypatch
):
    original = importers.OwnerBusinessImporter.write_prepared
    calls = []

    def failing(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(importers.OwnerBusinessImporter, "write_prepared", failing)
    rows = _rows(20, first_owner_nik=make_nik())

    with pytest.raises(RuntimeError, match="disk full"):
        _confirm(xlsx(rows), by=staff_user, valid_rows_only=True)

    assert not Owner.objects.exists() and not Business.objects.exists()
    assert ImportRun.objects.get().status == ImportRun.Status.PREVIEWED  # may be confirmed again
    assert _plan_threads() == []
