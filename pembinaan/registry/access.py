"""Who may reach which registry record. Every registry view calls one of these first.

Built on `pembinaan.accounts.access.require`; permissions come from the role groups (pembinaan/accounts/migrations/0002_roles.py); a user
without the permission gets 403, a record that does not exist 404.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from pembinaan.accounts.access import require
from pembinaan.accounts.models import User
from pembinaan.registry.models import Business, DuplicatePair, Owner


def get_business_for_user(user: User, pk: int, *, permission: str = "registry.view_business") -> Business:
    require(user, permission)
    return get_object_or_404(
        Business.objects.select_related(
            "owner", "kelurahan__kecamatan", "kbli_category", "merged_into", "created_by"
        ),
        pk=pk,
    )


def get_owner_for_user(user: User, pk: int, *, permission: str = "registry.view_owner") -> Owner:
    require(user, permission)
    return get_object_or_404(Owner.objects.select_related("user", "merged_into"), pk=pk)


def get_duplicate_pair_for_user(user: User, pk: int) -> DuplicatePair:
    require(user, "registry.merge_business")
    return get_object_or_404(
        DuplicatePair.objects.select_related(
            "business_a__owner",
            "business_a__kelurahan__kecamatan",
            "business_a__kbli_category",
            "business_b__owner",
            "business_b__kelurahan__kecamatan",
            "business_b__kbli_category",
            "resolved_by",
        ),
        pk=pk,
    )
