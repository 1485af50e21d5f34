"""Funding's section of the registry's business page: the capital assistance it received.

Registered with the registry in `FundingConfig.ready()`.
"""

from __future__ import annotations

from django.http import HttpRequest

from pembinaan.registry.models import Business


def capital_assistance_context(request: HttpRequest, business: Business) -> dict:
    return {"capital_assistance": business.capital_assistance.select_related("budget_line__source")}
