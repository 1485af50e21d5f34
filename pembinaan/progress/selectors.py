"""The counting rules behind every number the council sees (DESIGN.md rules 6–8).

This module is the one place where "coached" (terbina) is written in code: the dashboard, the
open-data API and a business's own page all ask it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Exists, Min, OuterRef, QuerySet

from pembinaan.coaching.models import Activity, Participation, ParticipationStatus
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
