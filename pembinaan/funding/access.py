"""Who may reach which funding record. Every funding view calls one of these first."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from pembinaan.accounts.access import require
from pembinaan.accounts.models import User
from pembinaan.funding.models import BudgetLine, CapitalAssistance, FundingSource


def get_budget_line_for_user(
    user: User, pk: int, *, permission: str = "funding.view_budgetline"
) -> BudgetLine:
    require(user, permission)
    return get_object_or_404(BudgetLine.objects.select_related("source"), pk=pk)


def get_source_for_overview(user: User, code: str) -> FundingSource:
    require(user, "funding.view_budget_overview")
    return get_object_or_404(FundingSource, code=code)


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
