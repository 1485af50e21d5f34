"""The headline figures recounted in plain SQL, straight from docs/rules.md, to check what is served.

Written apart from the counting rule in selectors.py and the maintained tallies in services.py on
purpose: `check_aggregates` compares the tallies with the ORM's fresh count, which shares its code
(and its mistakes) with them; this module shares nothing but the tables. It reads the raw tables with
SQL that runs on SQLite and PostgreSQL alike (no date functions: years are taken in Python) and
compares the result with what the dashboard and the open data serve, money included (rule 9, through
its cache). `manage.py check_progress` and the daily check run it.

The rules, as this module reads them:
- rule 6a: a business counts once for a target when its status is `terverifikasi` or `tidak-aktif`,
  it is not merged into another record, and it has a participation `hadir` in an activity that is
  not `batal` and starts within the period; rule 6e: its coaching year is the year of the first
  such start date;
- rule 7: new entrepreneur when its start year is known and not before the period's start year;
- rule 8a/8c: it counts in each coaching type and in each funding source of its qualifying
  attendance, the source being that of the activity's budget line; 8b: once by kecamatan (the
  kelurahan's parent in the reference data), kelurahan, KBLI category, scale and owner's gender;
  8d: by outcome when it achieved one within the period;
- rule 9: pagu = the budget lines' amounts; realisasi = the activities' actual costs plus the
  disbursed (`disalurkan`) grants, both by the source and fiscal year of their budget line.
"""

from __future__ import annotations

import datetime
from collections import Counter

from django.db import connection
from django.utils import timezone

from pembinaan.coaching.models import Activity, CoachingType, Outcome, OutcomeType, Participation
from pembinaan.funding.models import BudgetLine, CapitalAssistance, FundingSource
from pembinaan.progress.models import TallyState, Target
from pembinaan.progress.selectors import _money, dashboard
from pembinaan.reference.models import Kecamatan, Kelurahan
from pembinaan.registry.models import Business, Owner

COUNTED = ("terverifikasi", "tidak-aktif")
ATTENDED = "hadir"
CANCELLED_ACTIVITY = "batal"
DISBURSED = "disalurkan"


def _t(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _qualifying_sql() -> str:
    """(business, activity) of every attendance that makes a counted business coached (rule 6a)."""
    return f"""
        SELECT p.business_id AS business_id, a.id AS activity_id, a.start_date AS start_date,
               a.coaching_type_id AS type_id, bl.source_id AS source_id
        FROM {_t(Participation)} p
        JOIN {_t(Activity)} a ON a.id = p.activity_id
        JOIN {_t(BudgetLine)} bl ON bl.id = a.budget_line_id
        JOIN {_t(Business)} b ON b.id = p.business_id
        WHERE p.status = %s AND a.status <> %s AND a.start_date >= %s AND a.start_date <= %s
          AND b.status IN (%s, %s) AND b.merged_into_id IS NULL
    """  # noqa: S608 - table names from the models, values as parameters


def _year(value) -> int:
    # SQLite gives dates back as text, PostgreSQL as dates.
    return int(str(value)[:4])


def recount(target: Target) -> dict:
    """Every headline figure of rules 6–8 for a target, from the raw tables."""
    start, end = target.period_start, target.period_end
    params = [ATTENDED, CANCELLED_ACTIVITY, start, end, *COUNTED]
    q = _qualifying_sql()
    coached = _rows(
        f"""
        SELECT b.id, MIN(q.start_date), b.start_year, k.code, k.kecamatan_id,
               COALESCE(b.kbli_category_id, ''), COALESCE(b.scale, ''), COALESCE(o.gender, '')
        FROM ({q}) q
        JOIN {_t(Business)} b ON b.id = q.business_id
        JOIN {_t(Owner)} o ON o.id = b.owner_id
        JOIN {_t(Kelurahan)} k ON k.code = b.kelurahan_id
        GROUP BY b.id, b.start_year, k.code, k.kecamatan_id, b.kbli_category_id, b.scale, o.gender
        """,  # noqa: S608 - table names from the models
        params,
    )
    figures: dict = {"coached_total": len(coached), "new_entrepreneurs": 0}
    counters = {name: Counter() for name in ("year", "kelurahan", "kecamatan", "kbli", "scale", "gender")}
    for _id, first, start_year, kelurahan, kecamatan, kbli, scale, gender in coached:
        if start_year is not None and start_year >= start.year:
            figures["new_entrepreneurs"] += 1
        counters["year"][_year(first)] += 1
        counters["kelurahan"][kelurahan] += 1
        counters["kecamatan"][kecamatan] += 1
        counters["kbli"][kbli] += 1
        counters["scale"][scale] += 1
        counters["gender"][gender] += 1
    figures.update(counters)
    figures["type"] = dict(
        _rows(
            f"""
            SELECT t.code, COUNT(DISTINCT q.business_id) FROM ({q}) q
            JOIN {_t(CoachingType)} t ON t.id = q.type_id GROUP BY t.code
            """,  # noqa: S608 - table names from the models
            params,
        )
    )
    figures["source"] = dict(
        _rows(
            f"""
            SELECT s.code, COUNT(DISTINCT q.business_id) FROM ({q}) q
            JOIN {_t(FundingSource)} s ON s.id = q.source_id GROUP BY s.code
            """,  # noqa: S608 - table names from the models
            params,
        )
    )
    figures["outcome"] = dict(
        _rows(
            f"""
            SELECT t.code, COUNT(DISTINCT x.business_id) FROM {_t(Outcome)} x
            JOIN {_t(OutcomeType)} t ON t.id = x.outcome_type_id
            WHERE x.achieved_on >= %s AND x.achieved_on <= %s
              AND x.business_id IN (SELECT q.business_id FROM ({q}) q)
            GROUP BY t.code
            """,  # noqa: S608 - table names from the models
            [start, end, *params],
        )
    )
    return figures


def money(first_year: int, last_year: int) -> dict[tuple[int, str], tuple[int, int]]:
    """(pagu, realisasi) per (fiscal year, source code) over the years first..last (rule 9)."""
    result: dict[tuple[int, str], list[int]] = {}

    def add(rows, position):
        for year, code, amount in rows:
            result.setdefault((int(year), code), [0, 0])[position] += int(amount or 0)

    years = [first_year, last_year]
    add(
        _rows(
            f"""
            SELECT bl.fiscal_year, s.code, SUM(bl.amount) FROM {_t(BudgetLine)} bl
            JOIN {_t(FundingSource)} s ON s.id = bl.source_id
            WHERE bl.fiscal_year >= %s AND bl.fiscal_year <= %s GROUP BY bl.fiscal_year, s.code
            """,  # noqa: S608 - table names from the models
            years,
        ),
        0,
    )
    add(
        _rows(
            f"""
            SELECT bl.fiscal_year, s.code, SUM(a.actual_cost) FROM {_t(Activity)} a
            JOIN {_t(BudgetLine)} bl ON bl.id = a.budget_line_id
            JOIN {_t(FundingSource)} s ON s.id = bl.source_id
            WHERE bl.fiscal_year >= %s AND bl.fiscal_year <= %s GROUP BY bl.fiscal_year, s.code
            """,  # noqa: S608 - table names from the models
            years,
        ),
        1,
    )
    add(
        _rows(
            f"""
            SELECT bl.fiscal_year, s.code, SUM(g.amount) FROM {_t(CapitalAssistance)} g
            JOIN {_t(BudgetLine)} bl ON bl.id = g.budget_line_id
            JOIN {_t(FundingSource)} s ON s.id = bl.source_id
            WHERE g.status = %s AND bl.fiscal_year >= %s AND bl.fiscal_year <= %s
            GROUP BY bl.fiscal_year, s.code
            """,  # noqa: S608 - table names from the models
            [DISBURSED, *years],
        ),
        1,
    )
    return {key: (budget, realized) for key, (budget, realized) in result.items()}


def _nonzero(counts: dict) -> dict:
    return {str(key): n for key, n in counts.items() if n}


def check(target: Target, *, today: datetime.date | None = None) -> list[str]:
    """The figures where what the dashboard serves differs from the plain-SQL recount (empty: agree)."""
    if not TallyState.objects.filter(target=target).exists():
        # Served fresh, not maintained: that alone is a fault of a deployed portal.
        return [f"{target}: aggregates not built (run rebuild_progress)"]
    today = today or timezone.localdate()
    served = dashboard(target, today=today)
    sql = recount(target)
    problems: list[str] = []

    def compare(name: str, served_value, sql_value) -> None:
        if served_value != sql_value:
            problems.append(f"{target}: {name}: served {served_value!r} != SQL {sql_value!r}")

    compare("coached_total", served["coached_total"], sql["coached_total"])
    compare("new_entrepreneurs", served["new_entrepreneurs"], sql["new_entrepreneurs"])
    years = [row["year"] for row in served["by_year"]]
    compare(
        "by_year", {r["year"]: r["new"] for r in served["by_year"]}, {y: sql["year"].get(y, 0) for y in years}
    )
    if sum(sql["year"].values()) != sum(sql["year"].get(y, 0) for y in years):
        problems.append(f"{target}: by_year: coached businesses first coached after today")
    compare(
        "by_kecamatan",
        {r["code"]: r["coached"] for r in served["by_kecamatan"]},
        {code: sql["kecamatan"].get(code, 0) for code in Kecamatan.objects.values_list("code", flat=True)},
    )
    compare("per_kelurahan", _nonzero(served["per_kelurahan"]), _nonzero(sql["kelurahan"]))
    for name, key, field in (
        ("by_type", "type", "coached"),
        ("by_funding_source", "source", "coached"),
        ("by_kbli", "kbli", "coached"),
        ("by_scale", "scale", "coached"),
        ("by_gender", "gender", "coached"),
        ("by_outcome", "outcome", "businesses"),
    ):
        compare(name, _nonzero({r["code"]: r[field] for r in served[name]}), _nonzero(sql[key]))
    # Money (rule 9): over the period's fiscal years as the dashboard shows it, and per year as
    # its fiscal-year filter shows it; both read through the cache the pages use.
    first, last = target.period_start.year, target.period_end.year
    sql_money = money(first, last)
    codes = dict(FundingSource.objects.values_list("pk", "code"))
    period: dict[str, list[int]] = {}
    for (_y, code), (budget, realized) in sql_money.items():
        entry = period.setdefault(code, [0, 0])
        entry[0] += budget
        entry[1] += realized
    compare(
        "money",
        {
            r["code"]: (r["budget"], r["realized"])
            for r in served["by_funding_source"]
            if r["budget"] or r["realized"]
        },
        {code: tuple(v) for code, v in period.items() if any(v)},
    )
    for year in range(first, last + 1):
        served_year = {
            codes[pk]: tuple(v) for pk, v in _money(target, first_year=year, last_year=year).items() if any(v)
        }
        sql_year = {code: v for (y, code), v in sql_money.items() if y == year and any(v)}
        compare(f"money {year}", served_year, sql_year)
    return problems
