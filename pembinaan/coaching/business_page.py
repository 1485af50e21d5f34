"""Coaching's sections of the registry's business page: attended activities, outcomes, yearly figures.

Registered with the registry in `CoachingConfig.ready()`.
"""

from __future__ import annotations

from django.http import HttpRequest

from pembinaan.coaching.selectors import business_coaching_history
from pembinaan.registry.models import Business


def activities_context(request: HttpRequest, business: Business) -> dict:
    return {"coaching_history": business_coaching_history(business)}


def outcomes_context(request: HttpRequest, business: Business) -> dict:
    return {"outcomes": business.outcomes.select_related("outcome_type", "activity")}


def figures_context(request: HttpRequest, business: Business) -> dict:
    return {"figures": business.figures.order_by("year")}


def capital_assistance_context(request: HttpRequest, business: Business) -> dict:
    """The grants the business received (grants are coaching's workflow; the table is funding's)."""
    return {"capital_assistance": business.capital_assistance.select_related("budget_line__source")}
