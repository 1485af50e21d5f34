"""The budget overview's reached and coached businesses, kept like the dashboard's tallies (issue 18).

The budget overview, the report's budget table and their export show per fiscal year and funding
source the businesses reached and coached there (docs/rules.md#figures, rules 8a and 8c): every
attendance charged to that source and year, whatever its date. So the figure belongs to no
target, and the targets' facts (CoachedBusiness and its kin, limited to a period) cannot give it.
Counted from the raw participations it costs a second at a city's size and ten at a province's,
again after every attendance. So it is kept in two tables, in the writer's transaction:

- ReachedBusiness: per business, each (fiscal year, funding source) in which it attended, with
  whether the business itself counts. Who is reached (`attended_participations`) and who is
  coached (`counted_business`) stays coaching's rule (coaching/counting.py), asked here;
- ReachCount: per (fiscal year, funding source), the businesses reached and coached there.

`refresh` (called by services.refresh_businesses with the businesses a change touched) compares
their stored rows with fresh ones and writes only the difference, a few small queries whatever the
size of the registry; `rebuild` groups everything in the database (INSERT … SELECT); `drift` (the
check command) compares both with the raw tables.
"""

from __future__ import annotations

from collections import Counter

from django.db import connection, transaction
from django.db.models import BooleanField, Case, Count, Q, QuerySet, Value, When

from pembinaan.coaching.counting import attended_participations, counted_business
from pembinaan.funding.models import FundingSource
from pembinaan.lib.bulk_insert import add_to_counts, indexes_deferred
from pembinaan.lib.write_batch import WriteBatch
from pembinaan.progress.models import ReachCount, ReachedBusiness

Row = tuple[int, int, int, bool]  # business, fiscal year, funding source id, counted

ROW_COLUMNS = "business_id, fiscal_year, funding_source_id, counted"
COUNT_COLUMNS = "fiscal_year, funding_source_id, reached, coached"


def _q(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def fresh_rows(business_ids: list[int] | None = None) -> QuerySet:
    """ReachedBusiness's columns from the raw tables: each fiscal year and source a business attended in.

    An activity's fiscal year and source are copies of its budget line's (rule 8c, Activity.save),
    so no join to the lines is needed.
    """
    attended = attended_participations()
    if business_ids is not None:
        attended = attended.filter(business_id__in=business_ids)
    counted = Case(
        When(counted_business("business__"), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )
    return (
        attended.order_by()
        .values_list("business_id", "activity__fiscal_year", "activity__funding_source_id", counted)
        .distinct()
    )


def _chunks(ids: list[int], size: int = 500):
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def refresh(
    business_ids: list[int], *, fresh: set[Row] | None = None, batch: WriteBatch | None = None
) -> None:
    """Bring these businesses' reach rows and the counts they add to up to date (in the caller's
    transaction): one read of the stored rows and one of the fresh ones; writes only what moved.

    `fresh`: these businesses' rows as the caller already read them (services.refresh_businesses
    reads the attendance once for a target's facts and for this). The caller holds the lock that
    serializes refreshes. With a `batch`, the writes join the caller's (sent with its own).
    """
    writes = WriteBatch() if batch is None else batch
    for chunk in _chunks(business_ids):
        stored: dict[Row, int] = {
            (b, y, s, bool(c)): pk
            for pk, b, y, s, c in ReachedBusiness.objects.filter(business_id__in=chunk).values_list(
                "pk", "business_id", "fiscal_year", "funding_source_id", "counted"
            )
        }
        if fresh is None:
            now = {(b, y, s, bool(c)) for b, y, s, c in fresh_rows(chunk)}
        else:
            mine = set(chunk)
            now = {row for row in fresh if row[0] in mine}
        if now == stored.keys():
            continue  # e.g. a second attendance in a year and source the business already had
        gone, new = stored.keys() - now, now - stored.keys()
        writes.delete(ReachedBusiness, id=[stored[row] for row in gone])
        writes.insert(ReachedBusiness, ("business_id", "fiscal_year", "funding_source_id", "counted"), new)
        delta: Counter = Counter()
        for rows, sign in ((gone, -1), (new, 1)):
            for _b, year, source, counted in rows:
                delta[(year, source, "reached")] += sign
                if counted:
                    delta[(year, source, "coached")] += sign
        _apply(delta, writes)
        writes.flush_if_large()
    if batch is None:
        writes.flush()


def _apply(delta: Counter, batch: WriteBatch) -> None:
    """Add a difference to the counts: one statement (an upsert) for every year and source it names."""
    keys = sorted({(year, source) for year, source, _kind in delta})
    changes = [(*key, delta[(*key, "reached")], delta[(*key, "coached")]) for key in keys]
    add_to_counts(
        ReachCount,
        [change for change in changes if change[2] or change[3]],
        keys=("fiscal_year", "funding_source_id"),
        counts=("reached", "coached"),
        same={},
        batch=batch,
    )


def _insert_select(model, columns: str, rows: QuerySet) -> None:
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {_q(model)} ({columns}) SELECT * FROM ({sql}) q", params)  # noqa: S608


def _grouped(rows: QuerySet) -> QuerySet:
    """ReachCount's columns grouped by the database from ReachedBusiness rows."""
    return (
        rows.values("fiscal_year", "funding_source_id")
        .order_by()
        .annotate(reached=Count("pk"), coached=Count("pk", filter=Q(counted=True)))
    )


@transaction.atomic
def rebuild() -> None:
    """Every business's reach rows and the counts from scratch (after a bulk load, or on a drift)."""
    ReachCount.objects.all().delete()
    ReachedBusiness.objects.all().delete()
    # Millions of rows: the unique index is built once at the end, not row by row (PostgreSQL).
    with indexes_deferred([ReachedBusiness]):
        _insert_select(ReachedBusiness, ROW_COLUMNS, fresh_rows())
    _insert_select(ReachCount, COUNT_COLUMNS, _grouped(ReachedBusiness.objects.all()))


def missing() -> bool:
    """Never built (a deployment that has just migrated to these tables): no count at all."""
    return not ReachCount.objects.exists()


def drift() -> list[str]:
    """Where the kept reach differs from the raw tables: rows missing or not in the data (EXCEPT
    both ways, a few named), and each count against the same figure regrouped from the raw tables."""
    problems = []
    sources = dict(FundingSource.objects.values_list("pk", "code"))
    sql, params = fresh_rows().query.sql_with_params()
    stored = f"SELECT {ROW_COLUMNS} FROM {_q(ReachedBusiness)}"  # noqa: S608 (names, not input)
    with connection.cursor() as cursor:
        for name, left, right in (("missing", sql, stored), ("not in the data", stored, sql)):
            difference = f"({left} EXCEPT {right}) d"
            cursor.execute(f"SELECT COUNT(*) FROM {difference}", params)  # noqa: S608 (names, not input)
            n = cursor.fetchone()[0]
            if n:
                cursor.execute(f"SELECT * FROM {difference} ORDER BY 1, 2, 3 LIMIT 5", params)  # noqa: S608
                named = ", ".join(
                    f"business {b} in {y}/{sources.get(s, s)}" for b, y, s, _c in cursor.fetchall()
                )
                problems.append(f"budget reach: {n} business row(s) {name}: {named}")
    raw = {
        (r["activity__fiscal_year"], r["activity__funding_source_id"]): (r["reached"], r["coached"])
        for r in attended_participations()
        .order_by()
        .values("activity__fiscal_year", "activity__funding_source_id")
        .annotate(
            reached=Count("business", distinct=True),
            coached=Count("business", distinct=True, filter=counted_business("business__")),
        )
    }
    kept = {
        (year, source): (reached, coached)
        for year, source, reached, coached in ReachCount.objects.exclude(reached=0, coached=0).values_list(
            "fiscal_year", "funding_source_id", "reached", "coached"
        )
    }
    for year, source in sorted(raw.keys() | kept.keys()):
        mine, theirs = kept.get((year, source), (0, 0)), raw.get((year, source), (0, 0))
        if mine != theirs:
            problems.append(
                f"budget reach {year}/{sources.get(source, source)}: kept reached {mine[0]}, coached "
                f"{mine[1]}; the raw tables {theirs[0]}, {theirs[1]}"
            )
    return problems
