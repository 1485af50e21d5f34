"""Who may reach which owner-space record. Every owner view calls one of these first.

An owner reaches only their own records: another owner's ids give 404, never a hint that the
record exists. Roles other than "Pelaku UMKM" have no owner space (403).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from pembinaan.accounts.access import require
from pembinaan.accounts.models import User
from pembinaan.coaching.models import Participation, ParticipationStatus
from pembinaan.ownerspace.models import ChangeRequest
from pembinaan.registry.models import Business, Owner


def get_owner_of(user: User) -> Owner | None:
    """The owner record linked to this account, or None when staff has not linked one yet."""
    if not user.is_owner:
        raise PermissionDenied
    return Owner.objects.active().filter(user=user).first()


def require_owner_of(user: User) -> Owner:
    owner = get_owner_of(user)
    if owner is None:
        raise Http404
    return owner


def get_own_business(user: User, pk: int) -> Business:
    owner = require_owner_of(user)
    return get_object_or_404(
        Business.objects.active().select_related("owner", "kelurahan__kecamatan", "kbli_category"),
        pk=pk,
        owner=owner,
    )


def get_own_attended_participation(user: User, business_pk: int, pk: int) -> Participation:
    """A participation that earns a certificate: attended, in an activity that was not cancelled."""
    business = get_own_business(user, business_pk)
    return get_object_or_404(
        Participation.objects.select_related("business__owner", "activity__coaching_type").exclude(
            activity__status="batal"
        ),
        pk=pk,
        business=business,
        status=ParticipationStatus.ATTENDED,
    )


def get_change_request_for_user(user: User, pk: int) -> ChangeRequest:
    require(user, "ownerspace.review_changerequest")
    return get_object_or_404(
        ChangeRequest.objects.select_related("business__owner", "business__kelurahan", "requested_by"), pk=pk
    )
