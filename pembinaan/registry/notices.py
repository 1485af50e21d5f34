"""What the registry tells an owner: the outcome of the check of their registration.

Stored in the outbox in the caller's transaction and sent after commit, by the owner's chosen
channel (notifications.services.queue_notice); an owner reachable by no channel gets nothing.
"""

from __future__ import annotations

from pembinaan.notifications.services import queue_notice
from pembinaan.registry.models import Business


def business_status_changed(business: Business) -> None:
    """After staff verified or rejected a registration (called by registry.services)."""
    queue_notice(
        owner=business.owner,
        template=f"registry/email/business_{business.status}",
        context={"business": business, "owner": business.owner},
    )
