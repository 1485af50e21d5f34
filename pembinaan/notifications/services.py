"""The outbox: store a message with the change that caused it, send it after commit, retry on failure.

A message is written in the same transaction as the change it reports (so a rolled-back change
never mails anyone) and a first attempt follows the commit. `send_outbox` (cron) retries the rest
with growing pauses; after OUTBOX_MAX_ATTEMPTS the message is marked failed and shown to staff.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from pembinaan.notifications.models import Channel, OutboxMessage

log = logging.getLogger(__name__)


def _send_email(message: OutboxMessage) -> None:
    EmailMessage(
        subject=message.subject,
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient],
    ).send(fail_silently=False)


# One sender per channel: a WhatsApp or SMS gateway is a new entry here, not a rewrite.
SENDERS = {Channel.EMAIL: _send_email}


def _backoff(attempts: int) -> datetime.timedelta:
    """Wait 5, 10, 20, 40… minutes between attempts, at most a day."""
    minutes = settings.OUTBOX_RETRY_MINUTES * 2 ** max(attempts - 1, 0)
    return datetime.timedelta(minutes=min(minutes, 24 * 60))


def queue_email(
    *, recipient: str, template: str, context: dict, dedupe_key: str | None = None
) -> OutboxMessage | None:
    """Store an email rendered from `template`_subject.txt / _body.txt and send it after commit.

    With a `dedupe_key` that was used before, nothing is stored and None is returned.
    """
    if not recipient:
        return None
    # Stored text is in the portal's language, whatever the language of the person who acted.
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}_body.txt", context)
    if dedupe_key and OutboxMessage.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    try:
        with transaction.atomic():
            message = OutboxMessage.objects.create(
                channel=Channel.EMAIL,
                recipient=recipient,
                subject=subject[:200],
                body=body,
                dedupe_key=dedupe_key,
            )
    except IntegrityError:
        if dedupe_key and OutboxMessage.objects.filter(dedupe_key=dedupe_key).exists():
            return None  # a concurrent run queued it first
        raise
    transaction.on_commit(lambda: deliver(message_id=message.pk))
    return message


def deliver(*, message_id: int, now: datetime.datetime | None = None) -> bool:
    """Try to send one due message; True when it went out. Never raises for a send failure."""
    now = now or timezone.now()
    with transaction.atomic():
        # skip_locked: a cron run and an after-commit attempt never send the same message twice.
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True).due(now).filter(pk=message_id).first()
        )
        if message is None:
            return False
        message.attempts += 1
        try:
            SENDERS[message.channel](message)
        except Exception as exc:  # noqa: BLE001 - any gateway error is recorded and retried
            log.warning("Outbox message %s failed (attempt %s): %s", message.pk, message.attempts, exc)
            message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                message.status = OutboxMessage.Status.FAILED
            else:
                message.next_attempt_at = now + _backoff(message.attempts)
            message.save(update_fields=["attempts", "last_error", "status", "next_attempt_at", "updated_at"])
            return False
        message.status = OutboxMessage.Status.SENT
        message.sent_at = now
        message.save(update_fields=["attempts", "status", "sent_at", "updated_at"])
        return True


def send_due(*, now: datetime.datetime | None = None, limit: int = 500) -> tuple[int, int]:
    """Send every message that is due; returns (sent, failed this run)."""
    now = now or timezone.now()
    sent = failed = 0
    for pk in (
        OutboxMessage.objects.due(now).order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit]
    ):
        if deliver(message_id=pk, now=now):
            sent += 1
        elif (
            OutboxMessage.objects.filter(pk=pk, attempts__gt=0)
            .exclude(status=OutboxMessage.Status.SENT)
            .exists()
        ):
            failed += 1
    return sent, failed


@transaction.atomic
def message_retry(*, message: OutboxMessage) -> OutboxMessage:
    """Staff ask for another try of a failed message: it gets a fresh set of attempts."""
    message = OutboxMessage.objects.select_for_update().get(pk=message.pk)
    if message.status == OutboxMessage.Status.SENT:
        return message
    message.status = OutboxMessage.Status.PENDING
    message.attempts = 0
    message.next_attempt_at = timezone.now()
    message.save(update_fields=["status", "attempts", "next_attempt_at", "updated_at"])
    transaction.on_commit(lambda: deliver(message_id=message.pk))
    return message
