"""The fast insert paths used by the importer and the demo seed: same rows as the ORM would write."""

from __future__ import annotations

import pytest
from django.utils import timezone

from pembinaan.imports.models import ImportedRecord, ImportRun
from pembinaan.lib.bulk_insert import COPY_PIECE_ROWS, insert_columns, insert_history, insert_rows
from pembinaan.registry.models import Owner, StatusChange
from tests.factories import BusinessFactory, UserFactory, make_nik

pytestmark = pytest.mark.django_db


def _owner_rows(count: int) -> list[dict]:
    return [
        {"nik": make_nik(), "name": f"Pemilik {i}\tdengan tab\\garis miring", "gender": "L", "phone": ""}
        for i in range(count)
    ]


def test_rows_written_in_several_pieces_all_arrive_with_their_ids_and_text_intact():
    now = timezone.now()
    rows = _owner_rows(COPY_PIECE_ROWS * 2 + 3)  # more than two pieces of COPY text on PostgreSQL

    insert_rows(Owner, rows, now=now)

    assert Owner.objects.count() == len(rows)
    stored = dict(Owner.objects.values_list("pk", "name"))
    assert all(stored[row["id"]] == row["name"] for row in rows)


def test_history_rows_copied_by_the_database_match_the_records_and_name_the_user():
    user = UserFactory()
    now = timezone.now()
    rows = _owner_rows(5)
    insert_rows(Owner, rows, now=now)

    insert_history(Owner, rows, now=now, default_user_id=user.pk)

    for row in rows:
        (entry,) = Owner.history.filter(id=row["id"])
        assert (entry.nik, entry.name, entry.history_type, entry.history_user_id) == (
            row["nik"], row["name"], "+", user.pk,
        )  # fmt: skip


def test_history_rows_keep_a_per_row_user_when_one_is_given():
    first, second = UserFactory(), UserFactory()
    now = timezone.now()
    rows = _owner_rows(2)
    insert_rows(Owner, rows, now=now)
    rows[1]["_history_user_id"] = second.pk

    insert_history(Owner, rows, now=now, default_user_id=first.pk)

    assert [Owner.history.get(id=row["id"]).history_user_id for row in rows] == [first.pk, second.pk]


def test_history_rows_name_each_rows_creator_when_that_is_the_user_given():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first, second = UserFactory(), UserFactory()
    now = timezone.now()
    rows = _owner_rows(3)
    for row, user in zip(rows, (first, second, None), strict=True):
        row["created_by_id"] = row["_history_user_id"] = user.pk if user else None
    insert_rows(Owner, rows, now=now)

    with CaptureQueriesContext(connection) as queries:
        insert_history(Owner, rows, now=now, default_user_id=first.pk)

    assert [Owner.history.get(id=row["id"]).history_user_id for row in rows] == [first.pk, second.pk, None]
    assert len(queries) == 1  # copied by the database, not built row by row


def test_insert_columns_writes_one_row_per_position_with_the_shared_values():
    businesses = BusinessFactory.create_batch(3)
    now = timezone.now()

    insert_columns(
        StatusChange,
        {"business_id": [b.pk for b in businesses]},
        same={"from_status": "", "to_status": "terverifikasi", "reason": "Diimpor", "changed_at": now},
        now=now,
    )

    changes = StatusChange.objects.filter(reason="Diimpor").order_by("business_id")
    assert [(c.business_id, c.to_status, c.changed_by_id) for c in changes] == [
        (b.pk, "terverifikasi", None) for b in sorted(businesses, key=lambda b: b.pk)
    ]


def test_insert_columns_pairs_the_lists_position_by_position_and_fills_defaults():
    run = ImportRun.objects.create(kind="usaha", file_name="a.csv", rows_total=3, size=10, checksum="0" * 64)
    now = timezone.now()

    insert_columns(
        ImportedRecord,
        {"object_id": [11, 12, 13], "row": [2, 5, 9]},
        same={"run_id": run.pk, "model": "registry.business", "action": "dibuat"},
        now=now,
    )

    records = run.records.order_by("object_id")
    assert [(r.object_id, r.row, r.fields) for r in records] == [(11, 2, []), (12, 5, []), (13, 9, [])]


def test_insert_columns_refuses_lists_of_different_lengths_and_writes_nothing():
    with pytest.raises(ValueError, match="differ in length"):
        insert_columns(ImportedRecord, {"object_id": [1, 2], "row": [1]}, same={}, now=timezone.now())
    assert not ImportedRecord.objects.exists()


def _indexes_and_keys(tables: list[str]) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid = ANY(%s::regclass[]) ORDER BY 1",
            [tables],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = ANY(%s::regclass[]) ORDER BY 1",
            [tables],
        )
        return indexes + cursor.fetchall()


# Real transactions, the migrated data restored afterwards (as every transactional test here).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_load_with_indexes_deferred_leaves_the_same_indexes_and_keys_and_the_rows():
    from django.db import connection, transaction

    from pembinaan.lib.bulk_insert import indexes_deferred
    from pembinaan.registry.models import Business

    if connection.vendor != "postgresql":
        with transaction.atomic(), indexes_deferred([Owner]):  # elsewhere it does nothing
            insert_rows(Owner, _owner_rows(3), now=timezone.now())
        assert Owner.objects.count() == 3
        return
    tables = [Owner._meta.db_table, Business._meta.db_table, Owner.history.model._meta.db_table]
    before = _indexes_and_keys(tables)
    assert any("FOREIGN KEY" in definition for _name, definition in before)
    user = UserFactory()  # a key check still queued from before the block must not stop it
    with transaction.atomic():
        UserFactory()
        with indexes_deferred([Owner, Business, Owner.history.model]):
            assert not [d for _n, d in _indexes_and_keys(tables) if "FOREIGN KEY" in d]
            rows = _owner_rows(10)
            insert_rows(Owner, rows, now=timezone.now())
            insert_history(Owner, rows, now=timezone.now(), default_user_id=user.pk)

    assert _indexes_and_keys(tables) == before
    assert Owner.objects.count() == 10


# Real transactions, the migrated data restored afterwards (as every transactional test here).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_row_that_breaks_a_key_fails_the_load_when_the_keys_are_made_again():
    from django.db import IntegrityError, connection, transaction

    from pembinaan.lib.bulk_insert import indexes_deferred

    if connection.vendor != "postgresql":
        pytest.skip("indexes and keys are deferred on PostgreSQL only")
    rows = _owner_rows(2)
    rows[1]["created_by_id"] = 987654321  # no such user
    with pytest.raises(IntegrityError), transaction.atomic(), indexes_deferred([Owner]):
        insert_rows(Owner, rows, now=timezone.now())

    assert Owner.objects.count() == 0
    assert any("FOREIGN KEY" in d for _n, d in _indexes_and_keys([Owner._meta.db_table]))


# Real transactions, the migrated data restored afterwards (as every transactional test here).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_indexes_deferred_refuses_to_run_outside_a_transaction():
    from django.db import connection

    from pembinaan.lib.bulk_insert import indexes_deferred

    if connection.vendor != "postgresql":
        pytest.skip("indexes and keys are deferred on PostgreSQL only")
    with pytest.raises(RuntimeError), indexes_deferred([Owner]):
        pass


def test_history_rows_of_ids_that_are_not_a_range_are_copied_for_exactly_those_rows():
    now = timezone.now()
    rows = _owner_rows(5)
    insert_rows(Owner, rows, now=now)
    chosen = [rows[1], rows[0], rows[3], rows[4]]  # consecutive first and last, a gap inside

    insert_history(Owner, chosen, now=now, default_user_id=None)

    assert set(Owner.history.values_list("id", flat=True)) == {row["id"] for row in chosen}
