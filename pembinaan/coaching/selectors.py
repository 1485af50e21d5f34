"""Coaching reads: activity lists, a business's coaching history."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from pembinaan.coaching.models import Activity, Participation, ParticipationStatus
from pembinaan.registry.models import Business


def activity_list(*, filters: dict[str, Any] | None = None) -> QuerySet[Activity]:
    filters = filters or {}
    qs = Activity.objects.select_related("coaching_type", "funding_source", "kecamatan").annotate(
        participant_count=Count(
            "participations", filter=~Q(participations__status=ParticipationStatus.CANCELLED)
        ),
        attended_count=Count("participations", filter=Q(participations__status=ParticipationStatus.ATTENDED)),
    )
    if filters.get("q"):
        for word in filters["q"].split()[:5]:
            qs = qs.filter(Q(title__icontains=word) | Q(venue__icontains=word) | Q(trainer__icontains=word))
    for key, lookup in (
        ("coaching_type", "coaching_type"),
        ("status", "status"),
        ("year", "fiscal_year"),
        ("kecamatan", "kecamatan"),
        ("funding_source", "funding_source"),
        ("format", "format"),
    ):
        if filters.get(key):
            qs = qs.filter(**{lookup: filters[key]})
    return qs.order_by("-start_date", "-pk")


def activity_participants(activity: Activity) -> QuerySet[Participation]:
    """An activity's participants as its page lists them (and its export writes them)."""
    return activity.participations.select_related(
        "business__kelurahan__kecamatan", "business__owner"
    ).order_by("business__name", "pk")


def business_coaching_history(business: Business) -> QuerySet[Participation]:
    """A business's participations, newest first, with the activity's type and funding source."""
    return (
        Participation.objects.filter(business=business)
        .select_related("activity__coaching_type", "activity__funding_source")
        .order_by("-activity__start_date", "-pk")
    )
