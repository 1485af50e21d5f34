"""The outbox's background work, run by a worker (`manage.py worker`), never in a request.

Arguments and return values are plain JSON (ids, counts): a task may wait in the database or in
Redis before a worker on another server runs it.
"""

from __future__ import annotations

from pembinaan.lib.tasks import MESSAGES_QUEUE, task
from pembinaan.notifications import delivery
from pembinaan.notifications.models import OutboxMessage


@task(queue_name=MESSAGES_QUEUE)
def deliver_message(message_id: int) -> bool:
    """The first attempt at one message, queued when the change that wrote it was committed."""
    return delivery.deliver(message_id=message_id)


@task(queue_name=MESSAGES_QUEUE)
def send_outbox() -> dict[str, int]:
    """Retries that are due, and messages whose own task could not be queued."""
    sent, failed = delivery.send_due()
    return {"sent": sent, "failed": failed}


# Upkeep chore (registered in apps.py): each worker runs it on an interval, so it only queues.


def outbox_chore() -> None:
    # Most minutes nothing is due; queueing an empty sweep on every worker would only fill the queue.
    if OutboxMessage.objects.due().exists():
        send_outbox.enqueue()
