"""Who may reach which data request: staff and admins process them; owners see only their own.

"Data Saya" is about the account's own owner record or, until a claim is proven, about the claim
the account made (issue 14). Both answer alike, so that the pages never tell a claimant that the
NIK or NIB they typed was already on record.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404
from django.shortcuts import get_object_or_404

from pembinaan.accounts.access import require
from pembinaan.accounts.models import User
from pembinaan.enrolment.models import ClaimRequest
from pembinaan.enrolment.selectors import pending_claim
from pembinaan.ownerspace.access import get_owner_of
from pembinaan.privacy.models import DataRequest
from pembinaan.registry.models import Owner


@dataclass(frozen=True)
class DataSubject:
    """Whom an account's "Data Saya" is about: exactly one of an owner record or a pending claim."""

    owner: Owner | None = None
    claim: ClaimRequest | None = None


def get_data_subject(user: User) -> DataSubject:
    """403 for roles other than "Pelaku UMKM"; 404 for an owner account with neither record nor claim."""
    owner = get_owner_of(user)
    if owner is not None:
        return DataSubject(owner=owner)
    claim = pending_claim(user)
    if claim is None:
        raise Http404
    return DataSubject(claim=claim)


def get_request_for_user(user: User, pk: int) -> DataRequest:
    require(user, "privacy.process_datarequest")
    return get_object_or_404(
        DataRequest.objects.select_related("owner", "claim__user", "requested_by", "decided_by"), pk=pk
    )
