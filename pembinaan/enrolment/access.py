"""Who may reach which enrolment record. Every enrolment view calls one of these first.

Owners reach only their own businesses and sign-ups: another owner's ids give 404, as if the
record did not exist. Staff pages need the registry's verify permission.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from pembinaan.accounts.access import require
from pembinaan.accounts.models import User
from pembinaan.coaching.models import Participation
from pembinaan.enrolment.models import ClaimRequest
from pembinaan.registry.models import Business

VERIFY = "registry.verify_business"


def require_owner(user: User) -> None:
    if not user.is_owner:
        raise PermissionDenied


def owned_businesses(user: User):
    return Business.objects.active().filter(owner__user=user).order_by("name", "pk")


def get_own_business(user: User, pk: int) -> Business:
    require_owner(user)
    return get_object_or_404(owned_businesses(user).select_related("owner"), pk=pk)


def get_own_participation(user: User, pk: int) -> Participation:
    require_owner(user)
    return get_object_or_404(
        Participation.objects.select_related("activity", "business__owner"),
        pk=pk,
        business__owner__user=user,
    )


def get_submitted_business_for_user(user: User, pk: int) -> Business:
    require(user, VERIFY)
    return get_object_or_404(
        Business.objects.select_related("owner", "kelurahan__kecamatan", "kbli_category"), pk=pk
    )


def get_claim_for_user(user: User, pk: int) -> ClaimRequest:
    require(user, "enrolment.change_claimrequest")
    return get_object_or_404(ClaimRequest.objects.select_related("owner", "user", "decided_by"), pk=pk)
