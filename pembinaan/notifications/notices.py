"""What the portal tells an owner, and when: one function per occasion, each queueing one message.

The channel is the owner's choice on "Data Saya" (email or WhatsApp); without one, email when the
owner gave one, else WhatsApp or SMS when a gateway is configured (services.queue_message). An
owner who can be reached by none of them gets nothing.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from pembinaan.notifications.models import OutboxMessage
from pembinaan.notifications.services import PURPOSE_NOTICE, queue_message
from pembinaan.privacy.selectors import consent_withdrawn

if TYPE_CHECKING:
    from pembinaan.coaching.models import Participation
    from pembinaan.registry.models import Business, Owner


def _notify(
    owner: Owner, *, template: str, context: dict, dedupe_key: str | None = None
) -> OutboxMessage | None:
    """Render `template`_subject.txt / _body.txt and queue it by the owner's channel."""
    # Stored text is in the portal's language, whatever the language of the person who acted.
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"{template}_subject.txt", context)
        body = render_to_string(f"{template}_body.txt", context)
    return queue_message(
        owner=owner, subject=subject, text=body, purpose=PURPOSE_NOTICE, dedupe_key=dedupe_key
    )


def _site() -> str:
    return settings.PORTAL_BASE_URL.rstrip("/")


def business_status_changed(business: Business) -> None:
    """After staff verified or rejected a registration (called by registry.services)."""
    _notify(
        business.owner,
        template=f"notifications/email/business_{business.status}",
        context={"business": business, "owner": business.owner, "site": _site()},
    )


def signup_confirmed(participation: Participation) -> None:
    business = participation.business
    _notify(
        business.owner,
        template="notifications/email/signup_confirmed",
        context={
            "participation": participation,
            "activity": participation.activity,
            "business": business,
            "site": _site(),
            "signup_url": _site() + reverse("enrolment:activity-list"),
        },
    )


def activity_reminder(participation: Participation) -> bool:
    """The day-before reminder; its key makes it go out once per participation and start date."""
    activity = participation.activity
    business = participation.business
    if consent_withdrawn(business.owner):
        return False  # a courtesy, not a duty: none once the owner withdrew consent (rule 10)
    message = _notify(
        business.owner,
        template="notifications/email/activity_reminder",
        context={"activity": activity, "business": business, "site": _site()},
        dedupe_key=f"pengingat:{participation.pk}:{activity.start_date.isoformat()}",
    )
    return message is not None


def activity_reminders_queue(*, day: datetime.date | None = None) -> int:
    """Queue the reminder for every registered participant of an activity starting on `day`.

    `day` is tomorrow (WITA) unless given. Safe to run as often as wanted: nobody is reminded
    twice. Returns how many reminders were queued by this run.
    """
    from pembinaan.coaching.models import Activity, Participation, ParticipationStatus

    day = day or timezone.localdate() + datetime.timedelta(days=1)
    participations = (
        Participation.objects.filter(
            activity__start_date=day,
            status=ParticipationStatus.REGISTERED,
            business__merged_into__isnull=True,
        )
        .exclude(activity__status=Activity.Status.CANCELLED)
        .exclude(business__owner__email="", business__owner__phone="")  # nobody to tell
        .select_related("activity", "business__owner")
        .order_by("pk")
    )
    return sum(1 for participation in participations if activity_reminder(participation))
