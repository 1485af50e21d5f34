"""Who may reach which data request: staff and admins process them; owners see only their own."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from pembinaan.accounts.models import User
from pembinaan.privacy.models import DataRequest
from pembinaan.registry.access import require


def get_request_for_user(user: User, pk: int) -> DataRequest:
    require(user, "privacy.process_datarequest")
    return get_object_or_404(DataRequest.objects.select_related("owner", "requested_by", "decided_by"), pk=pk)
