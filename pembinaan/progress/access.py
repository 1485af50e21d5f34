"""Who may reach which record behind the progress pages. Every such view calls one of these first."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from pembinaan.accounts.access import require
from pembinaan.accounts.models import User
from pembinaan.funding.models import FundingSource


def get_source_for_overview(user: User, code: str) -> FundingSource:
    """A funding source's drill-down of the budget overview (aggregates; council members too)."""
    require(user, "funding.view_budget_overview")
    return get_object_or_404(FundingSource, code=code)
