"""The counting rules behind every number the council sees (DESIGN.md rules 6–8).

This module is the one place where "coached" (terbina) is written in code: the dashboard, the
open-data API and a business's own page all ask it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, Min, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from pembinaan.coaching.models import Activity, CoachingType, Participation, ParticipationStatus
from pembinaan.funding.models import BudgetLine, CapitalAssistance, FundingSource
from pembinaan.progress.models import Target
from pembinaan.reference.models import Kecamatan
from pembinaan.registry.models import Business, BusinessStatus

# Rule 6: verified businesses count, and stay counted when they later close.
COUNTED_STATUSES = (BusinessStatus.VERIFIED, BusinessStatus.INACTIVE)


def qualifying_participations(
    *, period_start: datetime.date, period_end: datetime.date
) -> QuerySet[Participation]:
    """Attendance that makes a business coached: present, activity not cancelled, started in the period."""
    return Participation.objects.filter(
        status=ParticipationStatus.ATTENDED,
        activity__start_date__gte=period_start,
        activity__start_date__lte=period_end,
    ).exclude(activity__status=Activity.Status.CANCELLED)


def coached_businesses(*, period_start: datetime.date, period_end: datetime.date) -> QuerySet[Business]:
    """Businesses that count once for a period (rule 6); merged-away and rejected records never do."""
    qualifying = qualifying_participations(period_start=period_start, period_end=period_end)
    return Business.objects.filter(
        status__in=COUNTED_STATUSES,
        merged_into__isnull=True,
    ).filter(Exists(qualifying.filter(business=OuterRef("pk"))))


@dataclass(frozen=True)
class CoachingStatus:
    counts: bool
    first_coached_on: datetime.date | None
    reason: str


def business_coaching_status(
    business: Business, *, period_start: datetime.date, period_end: datetime.date
) -> CoachingStatus:
    """Whether one business counts as coached for a period, and since when (its coaching year)."""
    first = (
        qualifying_participations(period_start=period_start, period_end=period_end)
        .filter(business=business)
        .aggregate(first=Min("activity__start_date"))["first"]
    )
    if business.merged_into_id:
        return CoachingStatus(False, first, "merged")
    if business.status not in COUNTED_STATUSES:
        return CoachingStatus(False, first, "not-verified")
    if first is None:
        return CoachingStatus(False, None, "no-attendance")
    return CoachingStatus(True, first, "coached")


# --- Progress against a target: the open-data contract of DESIGN.md ---------------------------


def _coaching_year_subquery(period_start: datetime.date, period_end: datetime.date):
    first = (
        qualifying_participations(period_start=period_start, period_end=period_end)
        .filter(business=OuterRef("pk"))
        .order_by("activity__start_date")
        .values("activity__start_date")[:1]
    )
    return Subquery(first)


def _percent(part: int, whole: int) -> float:
    if not whole:
        return 0.0
    return float((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP))


def progress(target: Target, *, today: datetime.date | None = None) -> dict:
    """Every figure of `GET /api/v1/progress/`, computed from the rows (rules 6–9).

    Lists are complete (zero rows included) and ordered by code or year; field names are a
    public contract: add, never rename.
    """
    today = today or timezone.localdate()
    start, end = target.period_start, target.period_end
    coached = coached_businesses(period_start=start, period_end=end)
    total = coached.count()
    new_entrepreneurs = coached.filter(start_year__gte=start.year).count()

    per_year = dict(
        coached.annotate(first=_coaching_year_subquery(start, end))
        .annotate(year=ExtractYear("first"))
        .values("year")
        .order_by("year")
        .annotate(n=Count("pk"))
        .values_list("year", "n")
    )
    by_year, cumulative = [], 0
    for year in range(start.year, min(end.year, today.year) + 1):
        cumulative += per_year.get(year, 0)
        by_year.append({"year": year, "coached_new": per_year.get(year, 0), "coached_cumulative": cumulative})

    per_kecamatan = dict(
        coached.values("kelurahan__kecamatan")
        .order_by()
        .annotate(n=Count("pk"))
        .values_list("kelurahan__kecamatan", "n")
    )
    by_kecamatan = [
        {"code": k.code, "name": k.name, "coached": per_kecamatan.get(k.code, 0)}
        for k in Kecamatan.objects.order_by("code")
    ]

    attended = qualifying_participations(period_start=start, period_end=end).filter(
        business__status__in=COUNTED_STATUSES, business__merged_into__isnull=True
    )
    per_type = dict(
        attended.values("activity__coaching_type")
        .order_by()
        .annotate(n=Count("business", distinct=True))
        .values_list("activity__coaching_type", "n")
    )
    by_type = [
        {"code": t.code, "name": t.name, "coached": per_type.get(t.pk, 0)}
        for t in CoachingType.objects.order_by("code")
    ]

    per_source = dict(
        attended.values("activity__funding_source")
        .order_by()
        .annotate(n=Count("business", distinct=True))
        .values_list("activity__funding_source", "n")
    )
    years = (start.year, end.year)
    budget = dict(
        BudgetLine.objects.filter(fiscal_year__range=years)
        .values("source")
        .order_by()
        .annotate(total=Sum("amount"))
        .values_list("source", "total")
    )
    activity_cost = dict(
        Activity.objects.filter(budget_line__fiscal_year__range=years)
        .values("budget_line__source")
        .order_by()
        .annotate(total=Sum("actual_cost"))
        .values_list("budget_line__source", "total")
    )
    grants = dict(
        CapitalAssistance.objects.filter(
            budget_line__fiscal_year__range=years, status=CapitalAssistance.Status.DISBURSED
        )
        .values("budget_line__source")
        .order_by()
        .annotate(total=Sum("amount"))
        .values_list("budget_line__source", "total")
    )
    by_funding_source = [
        {
            "code": s.code,
            "name": s.name,
            "coached": per_source.get(s.pk, 0),
            "budget": int(budget.get(s.pk) or 0),
            "realized": int(activity_cost.get(s.pk) or 0) + int(grants.get(s.pk) or 0),
        }
        for s in FundingSource.objects.order_by("code")
    ]
    return {
        "target": {
            "id": target.pk,
            "name": target.name,
            "period_start": start.isoformat(),
            "period_end": end.isoformat(),
            "value": target.value,
        },
        "as_of": timezone.localtime().replace(microsecond=0).isoformat(),
        "coached_total": total,
        "percent_of_target": _percent(total, target.value),
        "new_entrepreneurs": new_entrepreneurs,
        "by_year": by_year,
        "by_kecamatan": by_kecamatan,
        "by_type": by_type,
        "by_funding_source": by_funding_source,
    }
