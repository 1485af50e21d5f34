"""Money figures: pagu, realisasi and reach per fiscal year and funding source (docs/rules.md rules 8–9).

Every sum is computed by the database; Python only lays the grouped rows side by side. Who counts as
coached is coaching's rule (`pembinaan/coaching/counting.py`), asked here as everywhere else. The
businesses reached and coached per fiscal year and source are read from the counts that
`progress/reach.py` keeps with every change, never recounted from the participations.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.cache import cache
from django.db.models import Count, F, Max, Q, QuerySet, Sum, Value

from pembinaan.coaching import selectors as coaching_selectors
from pembinaan.coaching.counting import attended_participations
from pembinaan.coaching.models import Activity, Participation, ParticipationStatus
from pembinaan.funding.models import BudgetLine, CapitalAssistance, FundingSource
from pembinaan.progress.models import ReachCount, TallyState
from pembinaan.registry.models import Business


@dataclass
class BudgetRow:
    year: int
    source: FundingSource
    budget: int = 0
    activity_cost: int = 0
    grants_disbursed: int = 0
    activities: int = 0
    reached: int = 0
    coached: int = 0
    lines_to_review: int = 0

    @property
    def realized(self) -> int:
        """Realisasi (rule 9): activity costs plus capital assistance disbursed, of this source and year."""
        return self.activity_cost + self.grants_disbursed

    @property
    def absorbed_percent(self) -> Decimal | None:
        if not self.budget:
            return None
        return (Decimal(self.realized) * 100 / Decimal(self.budget)).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def overspent(self) -> bool:
        return self.realized > self.budget

    @property
    def cost_per_coached(self) -> int | None:
        """Realisasi ÷ coached businesses attributed to this source (rule 9), in whole rupiah."""
        if not self.coached:
            return None
        return int((Decimal(self.realized) / self.coached).quantize(Decimal("1"), ROUND_HALF_UP))


def _attended(year: int | None) -> QuerySet[Participation]:
    """Attendance that can make a business coached (rule 6a), by its budget line's fiscal year (8c)."""
    return attended_participations(Q(activity__budget_line__fiscal_year=year) if year else None)


def budget_overview(*, year: int | None = None) -> list[BudgetRow]:
    """One row per fiscal year and funding source that has a budget or spending, zeros included."""
    sources = {s.pk: s for s in FundingSource.objects.all()}
    rows: dict[tuple[int, int], BudgetRow] = {}

    def row(y: int, source_id: int) -> BudgetRow:
        return rows.setdefault((y, source_id), BudgetRow(year=y, source=sources[source_id]))

    for (y, source_id), sums in _money_sums(year).items():
        entry = row(y, source_id)
        entry.budget, entry.lines_to_review, entry.activity_cost, entry.activities, entry.grants_disbursed = (
            sums
        )
    # Kept per year and source (progress/reach.py); a count that went back to zero is no row.
    reach = ReachCount.objects.exclude(reached=0, coached=0)
    if year:
        reach = reach.filter(fiscal_year=year)
    for y, source_id, reached, coached in reach.values_list(
        "fiscal_year", "funding_source_id", "reached", "coached"
    ):
        entry = row(y, source_id)
        entry.reached, entry.coached = reached, coached
    # Complete lists: every source appears in every year shown, with zeros.
    for y in {y for y, _s in rows}:
        for source_id in sources:
            row(y, source_id)
    return sorted(rows.values(), key=lambda r: (-r.year, r.source.order, r.source.code))


Sums = tuple[int, int, int, int, int]  # pagu, lines to review, activity cost, activities, grants


def _money_sums(year: int | None) -> dict[tuple[int, int], Sums]:
    """The money columns per (fiscal year, source id), kept in the cache until money changes.

    They sum whole tables (activities and capital assistance: about 100 ms at a million
    businesses) and only edits to activities, budget lines and grants move them, each of which
    moves TallyState.money_changed_at (progress/signals.py); attendance, the common change, does not.
    """
    version = TallyState.objects.aggregate(v=Max("money_changed_at"))["v"]
    if version is None:  # no target keeps figures yet: nothing says when money changed
        return _sum_money(year)
    key = f"progress:money-sums:{year or 'all'}:{version.isoformat()}"
    return cache.get_or_set(key, lambda: _sum_money(year), 3600)


def _sum_money(year: int | None) -> dict[tuple[int, int], Sums]:
    """The three sums in one statement (UNION ALL): pagu and lines to review per budget line's year
    and source, activity costs and activities, disbursed capital assistance (rule 9)."""
    lines = BudgetLine.objects.all()
    activities = Activity.objects.all()
    grants = CapitalAssistance.objects.filter(status=CapitalAssistance.Status.DISBURSED)
    if year:
        lines = lines.filter(fiscal_year=year)
        activities = activities.filter(budget_line__fiscal_year=year)
        grants = grants.filter(budget_line__fiscal_year=year)
    columns = ("part", "y", "s", "a", "b")
    lines = lines.values(y=F("fiscal_year"), s=F("source_id")).annotate(
        part=Value(0), a=Sum("amount"), b=Count("pk", filter=Q(needs_review=True))
    )
    activities = activities.values(y=F("budget_line__fiscal_year"), s=F("budget_line__source_id")).annotate(
        part=Value(1), a=Sum("actual_cost"), b=Count("pk", filter=~Q(status=Activity.Status.CANCELLED))
    )
    grants = grants.values(y=F("budget_line__fiscal_year"), s=F("budget_line__source_id")).annotate(
        part=Value(2), a=Sum("amount"), b=Value(0)
    )
    sums: dict[tuple[int, int], list[int]] = {}
    parts = [q.order_by().values_list(*columns) for q in (lines, activities, grants)]
    for part, y, source_id, a, b in parts[0].union(*parts[1:], all=True):
        entry = sums.setdefault((y, source_id), [0, 0, 0, 0, 0])
        if part == 0:
            entry[0:2] = [a or 0, b]
        elif part == 1:
            entry[2:4] = [a or 0, b]
        else:
            entry[4] = a or 0
    return {key: tuple(values) for key, values in sums.items()}


@dataclass
class YearTotal:
    year: int
    budget: int
    realized: int
    activities: int


def year_totals(rows: list[BudgetRow]) -> list[YearTotal]:
    """Money and activities add up across sources; reached and coached businesses do not (rule 8)."""
    totals: dict[int, YearTotal] = {}
    for r in rows:
        t = totals.setdefault(r.year, YearTotal(r.year, 0, 0, 0))
        t.budget += r.budget
        t.realized += r.realized
        t.activities += r.activities
    return sorted(totals.values(), key=lambda t: -t.year)


def money_by_source(*, first_year: int, last_year: int) -> dict[int, tuple[int, int]]:
    """(pagu, realisasi) per funding source over the fiscal years first..last (rule 9)."""
    years = (first_year, last_year)
    budget = dict(
        BudgetLine.objects.filter(fiscal_year__range=years)
        .values("source")
        .order_by()
        .annotate(t=Sum("amount"))
        .values_list("source", "t")
    )
    cost = dict(
        Activity.objects.filter(budget_line__fiscal_year__range=years)
        .values("budget_line__source")
        .order_by()
        .annotate(t=Sum("actual_cost"))
        .values_list("budget_line__source", "t")
    )
    grants = dict(
        CapitalAssistance.objects.filter(
            budget_line__fiscal_year__range=years, status=CapitalAssistance.Status.DISBURSED
        )
        .values("budget_line__source")
        .order_by()
        .annotate(t=Sum("amount"))
        .values_list("budget_line__source", "t")
    )
    return {
        source: (int(budget.get(source) or 0), int(cost.get(source) or 0) + int(grants.get(source) or 0))
        for source in set(budget) | set(cost) | set(grants)
    }


def drilldown_activities(*, year: int, source: FundingSource) -> QuerySet[Activity]:
    return (
        Activity.objects.filter(budget_line__fiscal_year=year, budget_line__source=source)
        .select_related("coaching_type", "budget_line")
        .annotate(
            attended=Count("participations", filter=Q(participations__status=ParticipationStatus.ATTENDED)),
        )
        .order_by("start_date", "pk")
    )


def drilldown_businesses(*, year: int, source: FundingSource):
    """The businesses reached with this source's money in this year (staff only: names)."""
    reached = _attended(year).filter(activity__budget_line__source=source).values("business_id")
    return (
        Business.objects.filter(pk__in=reached)
        .select_related("kelurahan__kecamatan", "owner")
        .order_by("name")
    )


def drilldown_grant_totals(*, year: int, source: FundingSource) -> coaching_selectors.GrantTotals:
    """The grants charged to one source and fiscal year, split by status (the drill-down's list)."""
    return coaching_selectors.grant_totals(
        CapitalAssistance.objects.filter(budget_line__source=source, budget_line__fiscal_year=year)
    )
