"""The filtered dashboard views' figures, kept like the unfiltered tallies (issue 18).

A council member may filter the dashboard by fiscal year, coaching type, funding source and
kecamatan, in any combination. Each combination is a view with every breakdown of the dashboard, and
counting it from the raw tables costs seconds at a city's size and never ends at a province's. So
every combination's figures are kept in FilteredTally, a sparse table of counts keyed by the
combination, the breakdown and its key, maintained in the same transaction as the facts:

- which cells a coached business adds is written once, in `business_cells` (rules 6 and 8 under
  a filter, from the business's CoachedActivity rows); `refresh_businesses` applies the
  difference between a changed business's old and new cells;
- `rebuild` groups the same cells in the database (a million businesses would take minutes
  cell by cell in Python); the tests hold the two to the same figures and both to the fresh
  count of the raw tables.

A combination with no filter at all is not here: the city's unfiltered view is Tally's.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from itertools import product

from django.db import connection, transaction
from django.db.models import QuerySet

from pembinaan.lib.bulk_insert import add_to_counts
from pembinaan.lib.write_batch import WriteBatch
from pembinaan.progress.models import (
    CoachedActivity,
    CoachedAttribution,
    CoachedBusiness,
    FilteredTally,
    Target,
)

ANY_YEAR = 0
ANY = ""

# The dimensions of a view's figures: the keyed breakdowns and the two plain counts ("total",
# "new" with key ""). "day" is the date of the first attendance under the view's filters, from
# which the count per year and the last twelve months follow.
ATTRIBUTES = ("kelurahan", "kbli", "scale", "gender")

Activity = tuple[int, str, str, "object"]  # fiscal year, type, source, first date


def _views_of(fiscal_year: int, coaching_type: str, funding_source: str):
    """The filter combinations an activity row falls under: each filter either its value or none."""
    return product((fiscal_year, ANY_YEAR), (coaching_type, ANY), (funding_source, ANY))


def business_cells(fact, activities: Iterable[Activity], outcomes: Iterable[str]) -> Counter:
    """The cells one coached business adds to (rule 6 under each combination of filters, rule 8).

    `fact`: the business's fact (CoachedBusiness's fields, a model or the refresh's tuple).

    Under a combination the business counts if one of its activity rows matches it, from the
    earliest matching date, in the types and sources of the matching rows; its outcomes do not
    depend on the filters (rule 8c: outcomes of businesses coached under them).
    """
    views: dict[tuple[int, str, str], list] = {}
    for fiscal_year, coaching_type, funding_source, first in activities:
        for view in _views_of(fiscal_year, coaching_type, funding_source):
            seen = views.get(view)
            if seen is None:
                views[view] = [first, {coaching_type}, {funding_source}]
            else:
                seen[0] = min(seen[0], first)
                seen[1].add(coaching_type)
                seen[2].add(funding_source)
    same_everywhere = [("total", ""), *((name, getattr(fact, name)) for name in ATTRIBUTES)]
    if fact.is_new_entrepreneur:
        same_everywhere.append(("new", ""))
    same_everywhere += [("outcome", code) for code in outcomes]
    cells: Counter = Counter()
    for (fiscal_year, coaching_type, funding_source), (first, types, sources) in views.items():
        keys = [
            *same_everywhere,
            ("day", first.isoformat()),
            *(("type", code) for code in types),
            *(("source", code) for code in sources),
        ]
        unfiltered = (fiscal_year, coaching_type, funding_source) == (ANY_YEAR, ANY, ANY)
        for kecamatan in (ANY, fact.kecamatan):
            if unfiltered and kecamatan == ANY:
                continue  # the city's unfiltered view: Tally
            view = (fiscal_year, coaching_type, funding_source, kecamatan)
            cells.update((*view, dimension, key) for dimension, key in keys)
        if not unfiltered:
            # Under a kecamatan filter the other kecamatan are shown with their real numbers: the
            # same view city-wide, by kecamatan.
            cells[(fiscal_year, coaching_type, funding_source, ANY, "kecamatan", fact.kecamatan)] += 1
    return cells


def cells_of(facts: Iterable, *, activities: Iterable[tuple], outcomes: Iterable[tuple]) -> Counter:
    """Every cell of some businesses: `activities` (business, year, type, source, first) and
    `outcomes` (business, code) as rows."""
    by_business: dict[int, list] = {}
    for business, *row in activities:
        by_business.setdefault(business, []).append(row)
    outcomes_of: dict[int, list] = {}
    for business, code in outcomes:
        outcomes_of.setdefault(business, []).append(code)
    cells: Counter = Counter()
    for fact in facts:
        cells.update(
            business_cells(fact, by_business.get(fact.business_id, ()), outcomes_of.get(fact.business_id, ()))
        )
    return cells


_COLUMNS = "target_id, fiscal_year, coaching_type, funding_source, kecamatan, dimension, key, count"


def apply(target: Target, delta: Counter, *, batch: WriteBatch | None = None) -> None:
    """Add a difference of cells to the stored counts: one statement (an upsert) for all of them."""
    add_to_counts(
        FilteredTally,
        [(target.pk, *cell, n) for cell, n in delta.items() if n],
        keys=("target_id", "fiscal_year", "coaching_type", "funding_source", "kecamatan", "dimension", "key"),
        same={},
        batch=batch,
    )


# --- Rebuilding in the database ------------------------------------------------------------------
# The same cells as `business_cells`, grouped by the database in three steps that each read little:
#   1. per kecamatan, for each of the 8 kinds of view (which of year, type, source are fixed), the
#      figures that need the businesses: total, new, day, kelurahan, KBLI, scale, gender, outcome;
#   2. a view's type (source) breakdown is the total of the same view narrowed to each type
#      (source): a business counts in a type exactly when it attended an activity of that type
#      under the view's other filters;
#   3. a city-wide view is the sum of its kecamatan (each business lies in one), and its
#      breakdown by kecamatan is their totals.


def _q(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _day(column: str) -> str:
    # A DateField is stored as ISO text by SQLite, as a date by PostgreSQL: the key is the ISO text.
    return f"to_char({column}, 'YYYY-MM-DD')" if connection.vendor == "postgresql" else column


VIEW = ("fiscal_year", "coaching_type", "funding_source")


def _by_kecamatan_sql(fixed: tuple[str, ...], table: str) -> tuple[str, str]:
    """Step 1 for one kind of view: the business rows under each view, then their grouped cells."""
    view = ", ".join(
        f"a.{c}" if c in fixed else ("0" if c == "fiscal_year" else "''") + f" AS {c}" for c in VIEW
    )
    per_business = ", ".join(["a.business_id", *(f"a.{c}" for c in fixed)])
    rows = (
        "CREATE TEMPORARY TABLE cube_rows AS SELECT v.*, f.kecamatan, f.kelurahan, f.kbli, f.scale, "  # noqa: S608
        f"f.gender, f.is_new_entrepreneur FROM (SELECT a.business_id, {view}, MIN(a.first_on) AS first_on "
        f"FROM {_q(CoachedActivity)} a WHERE a.target_id = %(target)s GROUP BY {per_business}) v "
        f"JOIN {_q(CoachedBusiness)} f ON f.business_id = v.business_id AND f.target_id = %(target)s"
    )
    picked = ", ".join(f"x.{c}" if c in fixed else ("0" if c == "fiscal_year" else "''") for c in VIEW)
    grouped = [*(f"x.{c}" for c in fixed), "x.kecamatan"]
    branches = []
    for dimension, key, source, where in (
        ("total", "''", "cube_rows x", ""),
        ("new", "''", "cube_rows x", "WHERE x.is_new_entrepreneur"),
        ("day", _day("x.first_on"), "cube_rows x", ""),
        *((name, f"x.{name}", "cube_rows x", "") for name in ATTRIBUTES),
        (
            "outcome",
            "o.key",
            f"cube_rows x JOIN {_q(CoachedAttribution)} o ON o.business_id = x.business_id "
            "AND o.target_id = %(target)s AND o.dimension = 'outcome'",
            "",
        ),
    ):
        group = grouped if key == "''" else [*grouped, key]
        branches.append(
            f"SELECT %(target)s, {picked}, x.kecamatan, '{dimension}', {key}, COUNT(*) "  # noqa: S608
            f"FROM {source} {where} GROUP BY {', '.join(group)}"
        )
    cells = f"INSERT INTO {table} ({_COLUMNS}) " + " UNION ALL ".join(branches)
    return rows, cells


def _derived_sql(table: str) -> list[str]:
    """Steps 2 and 3, over the cells of step 1."""
    into = f"INSERT INTO {table} ({_COLUMNS}) "
    per_kecamatan = f"FROM {table} WHERE target_id = %(target)s AND kecamatan <> ''"
    return [
        # 2: the type breakdown of the view itself (type fixed) and of the view without the type.
        into
        + f"SELECT target_id, fiscal_year, coaching_type, funding_source, kecamatan, 'type', coaching_type, "
        f"count {per_kecamatan} AND dimension = 'total' AND coaching_type <> '' UNION ALL "
        f"SELECT target_id, fiscal_year, '', funding_source, kecamatan, 'type', coaching_type, count "
        f"{per_kecamatan} AND dimension = 'total' AND coaching_type <> ''",
        into + f"SELECT target_id, fiscal_year, coaching_type, funding_source, kecamatan, 'source', "
        f"funding_source, count {per_kecamatan} AND dimension = 'total' AND funding_source <> '' UNION ALL "
        f"SELECT target_id, fiscal_year, coaching_type, '', kecamatan, 'source', funding_source, count "
        f"{per_kecamatan} AND dimension = 'total' AND funding_source <> ''",
        # 3: city-wide, but not the unfiltered view (Tally's).
        into
        + f"SELECT target_id, fiscal_year, coaching_type, funding_source, '', dimension, key, SUM(count) "
        f"{per_kecamatan} AND NOT (fiscal_year = 0 AND coaching_type = '' AND funding_source = '') "
        "GROUP BY target_id, fiscal_year, coaching_type, funding_source, dimension, key",
        into
        + f"SELECT target_id, fiscal_year, coaching_type, funding_source, '', 'kecamatan', kecamatan, count "
        f"{per_kecamatan} AND dimension = 'total' "
        "AND NOT (fiscal_year = 0 AND coaching_type = '' AND funding_source = '')",
    ]


def rebuild(target: Target, *, into: str | None = None) -> None:
    """Every filtered view's cells grouped by the database from the target's facts (just rebuilt,
    the target's cells deleted); `into` another table with FilteredTally's columns (the check)."""
    table = into or _q(FilteredTally)
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            # The facts were just written: without fresh statistics the planner expects a thousand
            # rows and joins a million by nested loops; the groupings sort in memory, not on disk.
            models = (CoachedActivity, CoachedBusiness, CoachedAttribution)
            cursor.execute(f"ANALYZE {', '.join(_q(m) for m in models)}")
            cursor.execute("SET LOCAL work_mem = '64MB'")
        for fixed in product((False, True), repeat=3):
            rows, cells = _by_kecamatan_sql(tuple(c for c, on in zip(VIEW, fixed, strict=True) if on), table)
            cursor.execute(rows, {"target": target.pk})
            if postgres:
                cursor.execute("ANALYZE cube_rows")
            cursor.execute(cells, {"target": target.pk})
            cursor.execute("DROP TABLE cube_rows")
        for sql in _derived_sql(table):
            cursor.execute(sql, {"target": target.pk})


@transaction.atomic
def drift(target: Target, *, fresh_activities: QuerySet) -> list[str]:
    """Where the maintained filtered figures differ from the facts and the facts from the raw tables.

    The activity rows are compared with `fresh_activities` (their query over the raw tables), and
    the stored cells with the cells regrouped from the facts into a scratch table: a cell kept
    wrong by a change, or a fact that drifted from the data, is named. Rolled back in any case.
    """
    problems = []
    sql, params = fresh_activities.query.sql_with_params()
    stored = (
        f"SELECT business_id, fiscal_year, coaching_type, funding_source, first_on FROM {_q(CoachedActivity)} "  # noqa: S608
        "WHERE target_id = %s"
    )
    with connection.cursor() as cursor:
        for name, left, right, order in (
            ("missing", sql, stored, (*params, target.pk)),
            ("not in the data", stored, sql, (target.pk, *params)),
        ):
            cursor.execute(f"SELECT COUNT(*) FROM ({left} EXCEPT {right}) d", order)  # noqa: S608
            n = cursor.fetchone()[0]
            if n:
                problems.append(f"{target}: filtered views: {n} activity fact(s) {name}")
        empty = f"SELECT {_COLUMNS} FROM {_q(FilteredTally)} WHERE 1 = 0"  # noqa: S608 (names, not input)
        cursor.execute(f"CREATE TEMPORARY TABLE cube_check AS {empty}")
    rebuild(target, into="cube_check")
    with connection.cursor() as cursor:
        kept = f"SELECT {_COLUMNS} FROM {_q(FilteredTally)} WHERE target_id = %s AND count <> 0"  # noqa: S608
        regrouped = f"SELECT {_COLUMNS} FROM cube_check"  # noqa: S608
        picked = "SELECT fiscal_year, coaching_type, funding_source, kecamatan, dimension, key FROM"
        cursor.execute(
            f"{picked} ({kept} EXCEPT {regrouped}) a UNION ALL {picked} ({regrouped} EXCEPT {kept}) b LIMIT 20",
            (target.pk, target.pk),
        )
        for year, kind, source, kecamatan, dimension, key in cursor.fetchall():
            view = "/".join(str(v) for v in (year or "*", kind or "*", source or "*", kecamatan or "*"))
            problems.append(f"{target}: filtered view {view}: {dimension} {key!r} differs from its facts")
        cursor.execute("DROP TABLE cube_check")
    transaction.set_rollback(True)
    return problems
