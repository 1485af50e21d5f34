"""Who may reach which funding record. Every funding view calls one of these first."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from pembinaan.accounts.access import require
from pembinaan.accounts.models import User
from pembinaan.funding.models import BudgetLine


def get_budget_line_for_user(
    user: User, pk: int, *, permission: str = "funding.view_budgetline"
) -> BudgetLine:
    require(user, permission)
    return get_object_or_404(BudgetLine.objects.select_related("source"), pk=pk)
