"""Sign-up's background work, run by a worker (`manage.py worker`), never in a request."""

from __future__ import annotations

from pembinaan.enrolment.reminders import activity_reminders_queue
from pembinaan.lib.tasks import MESSAGES_QUEUE, task


@task(queue_name=MESSAGES_QUEUE)
def send_activity_reminders() -> int:
    """Tomorrow's reminders; safe to run every hour, nobody is reminded twice."""
    return activity_reminders_queue()


# Upkeep chore (registered in apps.py): each worker runs it on an interval, so it only queues.


def reminders_chore() -> None:
    send_activity_reminders.enqueue()
