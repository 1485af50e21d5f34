"""What coaching tells an owner: that their own sign-up for an activity went through.

Stored in the outbox in the caller's transaction and sent after commit, by the owner's chosen
channel (notifications.services.queue_notice); an owner reachable by no channel gets nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from pembinaan.coaching.models import Participation
from pembinaan.notifications.services import queue_notice


def signup_confirmed(participation: Participation) -> None:
    business = participation.business
    queue_notice(
        owner=business.owner,
        template="coaching/email/signup_confirmed",
        context={
            "participation": participation,
            "activity": participation.activity,
            "business": business,
            "signup_url": settings.PORTAL_BASE_URL.rstrip("/") + reverse("enrolment:activity-list"),
        },
    )
