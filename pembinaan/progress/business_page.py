"""What progress adds to the registry's pages: whether a business counts toward the primary target,
and the business list narrowed to the businesses behind a dashboard number.

Registered with the registry in `ProgressConfig.ready()`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from pembinaan.progress.models import CoachedActivity, TallyState, Target
from pembinaan.progress.selectors import DashboardFilters, business_coaching_status, coached_businesses
from pembinaan.registry.models import Business


def coaching_status_context(request: HttpRequest, business: Business) -> dict:
    """The primary target and whether the business counts toward it, and since when (rule 6)."""
    target = Target.primary()
    return {
        "target": target,
        "coaching_status": (
            business_coaching_status(business, period_start=target.period_start, period_end=target.period_end)
            if target
            else None
        ),
    }


def coached_for(qs: QuerySet[Business], filters: Mapping[str, Any]) -> QuerySet[Business]:
    """The business list's `terbina` drill-down: only the businesses a dashboard number counts
    (the same selector computes both)."""
    target = Target.objects.filter(pk=filters["terbina"]).first()
    if target is None:
        return qs.none()
    scope = DashboardFilters(
        fiscal_year=filters.get("tahun"),
        coaching_type=filters.get("jenis"),
        funding_source=filters.get("sumber"),
    )
    if not TallyState.objects.filter(target=target).exists():
        coached = coached_businesses(
            period_start=target.period_start, period_end=target.period_end, activities=scope.activities()
        )
        return qs.filter(pk__in=coached.values("pk"))
    # The maintained facts the dashboard's number was counted from (never the raw tables' semi-join,
    # which runs for minutes under a type or source filter at a province's size).
    rows = CoachedActivity.objects.filter(target=target)
    if scope.fiscal_year:
        rows = rows.filter(fiscal_year=scope.fiscal_year)
    if scope.coaching_type:
        rows = rows.filter(coaching_type=scope.coaching_type)
    if scope.funding_source:
        rows = rows.filter(funding_source=scope.funding_source)
    return qs.filter(pk__in=rows.values("business_id"))
