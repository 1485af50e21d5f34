"""The day-before reminder to owners signed up for an activity (a courtesy, not a duty).

Stored in the outbox and sent by the owner's chosen channel (notifications.services.queue_notice);
an owner reachable by no channel, or who withdrew consent (rule 10), gets none. Queued every hour
by the reminders chore (tasks.py) or by `manage.py send_activity_reminders`.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from pembinaan.coaching.models import Activity, Participation, ParticipationStatus
from pembinaan.enrolment.consent import consent_withdrawn
from pembinaan.notifications.services import queue_notice


def activity_reminder(participation: Participation) -> bool:
    """The day-before reminder; its key makes it go out once per participation and start date."""
    activity = participation.activity
    business = participation.business
    if consent_withdrawn(business.owner):
        return False  # a courtesy, not a duty: none once the owner withdrew consent (rule 10)
    message = queue_notice(
        owner=business.owner,
        template="enrolment/email/activity_reminder",
        context={"activity": activity, "business": business},
        dedupe_key=f"pengingat:{participation.pk}:{activity.start_date.isoformat()}",
    )
    return message is not None


def activity_reminders_queue(*, day: datetime.date | None = None) -> int:
    """Queue the reminder for every registered participant of an activity starting on `day`.

    `day` is tomorrow (WITA) unless given. Safe to run as often as wanted: nobody is reminded
    twice. Returns how many reminders were queued by this run.
    """
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
