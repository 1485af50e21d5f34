"""Funding reads: the budget lines (pagu) as their list shows them.

The money figures (realisasi, absorption, cost per coached business) are progress's
(`pembinaan/progress/money.py`); the grant lists are coaching's (`pembinaan/coaching/selectors.py`).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from pembinaan.funding.models import BudgetLine


def budget_line_list(*, filters: dict[str, Any] | None = None) -> QuerySet[BudgetLine]:
    filters = filters or {}
    lines = BudgetLine.objects.select_related("source")
    if filters.get("year"):
        lines = lines.filter(fiscal_year=filters["year"])
    return lines
