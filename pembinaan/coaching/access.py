"""Who may reach which coaching record. Every coaching view calls one of these first."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from pembinaan.accounts.access import require
from pembinaan.accounts.models import User
from pembinaan.coaching.models import Activity, ActivityAttachment, Outcome, Participation
from pembinaan.funding.models import CapitalAssistance


def get_activity_for_user(user: User, pk: int, *, permission: str = "coaching.view_activity") -> Activity:
    require(user, permission)
    return get_object_or_404(
        Activity.objects.select_related("coaching_type", "funding_source", "kecamatan", "created_by"), pk=pk
    )


def get_participation_for_user(user: User, activity_pk: int, pk: int) -> Participation:
    require(user, "coaching.view_participation")
    return get_object_or_404(
        Participation.objects.select_related("business__owner", "activity__coaching_type"),
        pk=pk,
        activity_id=activity_pk,
    )


def get_attachment_for_user(user: User, activity_pk: int, pk: int) -> ActivityAttachment:
    require(user, "coaching.view_activityattachment")
    return get_object_or_404(ActivityAttachment, pk=pk, activity_id=activity_pk)


def get_outcome_for_user(user: User, pk: int) -> Outcome:
    require(user, "coaching.view_outcome")
    return get_object_or_404(Outcome.objects.select_related("business", "outcome_type"), pk=pk)


def get_grant_for_user(
    user: User, pk: int, *, permission: str = "funding.view_capitalassistance"
) -> CapitalAssistance:
    require(user, permission)
    return get_object_or_404(
        CapitalAssistance.objects.select_related(
            "business__owner",
            "business__kelurahan__kecamatan",
            "activity",
            "budget_line__source",
            "created_by",
            "approved_by",
        ),
        pk=pk,
    )
