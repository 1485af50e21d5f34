"""Writes sent together (the dashboard's upkeep after an attendance): the same rows as one by one,
in the order added, in one round trip on PostgreSQL, and all or nothing with the transaction."""

from __future__ import annotations

import datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from pembinaan.lib.bulk_insert import add_to_counts
from pembinaan.lib.write_batch import MAX_PARAMS, WriteBatch
from pembinaan.progress.models import CoachedActivity, Tally, Target
from tests.factories import BusinessFactory

pytestmark = pytest.mark.django_db


def _activity(target, business, year: int, kind: str = "pelatihan") -> tuple:
    return (target.pk, business.pk, year, kind, "apbd-kota", datetime.date(year, 3, 1))


COLUMNS = ("target_id", "business_id", "fiscal_year", "coaching_type", "funding_source", "first_on")


def test_a_batch_deletes_inserts_and_adds_to_counts_in_the_order_given():
    target = Target.primary()
    business = BusinessFactory()
    CoachedActivity.objects.filter(target=target).delete()
    CoachedActivity.objects.create(
        target=target, business=business, fiscal_year=2022, coaching_type="lama", funding_source="apbn",
        first_on=datetime.date(2022, 1, 5),
    )  # fmt: skip
    Tally.objects.filter(target=target, dimension="type").delete()
    Tally.objects.create(target=target, dimension="type", key="pelatihan", count=4)

    batch = WriteBatch()
    batch.delete(CoachedActivity, target_id=target.pk, business_id=[business.pk])
    batch.insert(
        CoachedActivity, COLUMNS, [_activity(target, business, 2023), _activity(target, business, 2024)]
    )
    add_to_counts(
        Tally,
        [(target.pk, "type", "pelatihan", 2), (target.pk, "type", "pameran", 1)],
        keys=("target_id", "dimension", "key"),
        same={"updated_at": timezone.now()},
        batch=batch,
    )
    assert CoachedActivity.objects.filter(target=target, business=business, coaching_type="lama").exists()
    batch.flush()

    rows = CoachedActivity.objects.filter(target=target, business=business)
    assert sorted(rows.values_list("fiscal_year", "coaching_type", "first_on")) == [
        (2023, "pelatihan", datetime.date(2023, 3, 1)),
        (2024, "pelatihan", datetime.date(2024, 3, 1)),
    ]
    counts = dict(Tally.objects.filter(target=target, dimension="type").values_list("key", "count"))
    assert counts == {"pelatihan": 6, "pameran": 1}


def test_on_postgresql_the_whole_batch_is_one_round_trip(django_assert_num_queries):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's driver runs one statement per call")
    target, business = Target.primary(), BusinessFactory()
    batch = WriteBatch()
    batch.delete(CoachedActivity, target_id=target.pk, business_id=[business.pk])
    batch.insert(CoachedActivity, COLUMNS, [_activity(target, business, 2023)])
    batch.add("UPDATE progress_tally SET count = count WHERE target_id = %s", [target.pk])
    with django_assert_num_queries(1):
        batch.flush()
    assert CoachedActivity.objects.filter(target=target, business=business).count() == 1


def test_a_failing_statement_fails_the_flush_and_the_transaction_keeps_none_of_the_batch():
    target, business = Target.primary(), BusinessFactory()
    batch = WriteBatch()
    batch.insert(CoachedActivity, COLUMNS, [_activity(target, business, 2023)])
    # The same key twice: the unique constraint refuses the second.
    batch.insert(CoachedActivity, COLUMNS, [_activity(target, business, 2023)])
    with pytest.raises(DatabaseError), transaction.atomic():
        batch.flush()
    assert not CoachedActivity.objects.filter(target=target, business=business).exists()


def test_an_empty_list_of_ids_deletes_nothing_and_a_large_insert_is_split_within_the_limits():
    target = Target.primary()
    businesses = BusinessFactory.create_batch(3)
    CoachedActivity.objects.filter(target=target).delete()
    years = range(2000, 2000 + MAX_PARAMS // len(COLUMNS) + 10)  # more values than one statement takes
    batch = WriteBatch()
    batch.insert(CoachedActivity, COLUMNS, [_activity(target, b, y) for b in businesses[:1] for y in years])
    batch.insert(CoachedActivity, COLUMNS, [_activity(target, b, 2023) for b in businesses[1:]])
    batch.delete(CoachedActivity, target_id=target.pk, business_id=[])
    assert len(batch) == 3
    batch.flush()

    assert CoachedActivity.objects.filter(target=target).count() == len(years) + 2
    assert len(batch) == 0
