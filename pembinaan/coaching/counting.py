"""Who counts as coached (docs/rules.md rule 6) and where a coached business is attributed (rule 8).

This module is the one place where "coached" (terbina) is written in code: the dashboard, the
maintained tallies, the open-data API, a business's own page and the money figures (cost per
coached business, rule 9c) all ask it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Exists, Min, OuterRef, Q, QuerySet, Subquery

from pembinaan.coaching.models import Activity, Participation, ParticipationStatus
from pembinaan.registry.models import Business, BusinessStatus

# Rule 6a: verified businesses count, and stay counted when they later close.
COUNTED_STATUSES = (BusinessStatus.VERIFIED, BusinessStatus.INACTIVE)


def counted_business(prefix: str = "") -> Q:
    """Rule 6a's condition on the business itself: verified (or later inactive), not merged away.

    `prefix` reaches the business from another model, e.g. `"business__"` from a participation.
    """
    return Q(**{f"{prefix}status__in": COUNTED_STATUSES, f"{prefix}merged_into__isnull": True})


def attended_participations(activities: Q | None = None) -> QuerySet[Participation]:
    """Attendance that can make a business coached: present, in an activity not cancelled (6a, 6d).

    `activities` narrows it to some activities (by type, source or fiscal year: rule 8 attributes a
    business to each type, source and fiscal year in which it attended).
    """
    qs = Participation.objects.filter(status=ParticipationStatus.ATTENDED).exclude(
        activity__status=Activity.Status.CANCELLED
    )
    return qs.filter(activities) if activities is not None else qs


def qualifying_participations(
    *, period_start: datetime.date, period_end: datetime.date, activities: Q | None = None
) -> QuerySet[Participation]:
    """Attendance that makes a business coached: present, activity not cancelled, started in the period.

    `activities` narrows it to some activities (a dashboard filter by type, source or fiscal year:
    rule 8 attributes a business to each type and source in which it attended).
    """
    return attended_participations(activities).filter(
        in_period(period_start=period_start, period_end=period_end)
    )


def in_period(*, period_start: datetime.date, period_end: datetime.date) -> Q:
    """Rule 6a's condition on a participation's activity: it started within the period."""
    return Q(activity__start_date__gte=period_start, activity__start_date__lte=period_end)


def coached_businesses(
    *, period_start: datetime.date, period_end: datetime.date, activities: Q | None = None
) -> QuerySet[Business]:
    """Businesses that count once for a period (rule 6); merged-away and rejected records never do."""
    qualifying = qualifying_participations(
        period_start=period_start, period_end=period_end, activities=activities
    )
    return Business.objects.filter(counted_business()).filter(
        Exists(qualifying.filter(business=OuterRef("pk")))
    )


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


def first_coached_subquery(
    period_start: datetime.date, period_end: datetime.date, activities: Q | None = None
):
    """The start date of a business's first qualifying activity (its coaching year, rule 6e)."""
    first = (
        qualifying_participations(period_start=period_start, period_end=period_end, activities=activities)
        .filter(business=OuterRef("pk"))
        .order_by("activity__start_date")
        .values("activity__start_date")[:1]
    )
    return Subquery(first)
