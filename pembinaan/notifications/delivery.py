"""Sending what the outbox holds: one attempt at a message, and the sweep of what is due.

A worker runs these (tasks.py); nothing here is called in a request. See services.py for how a
message is stored, and the retry rules.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import F
from django.utils import timezone

from pembinaan.notifications import gateways
from pembinaan.notifications.models import Channel, OutboxMessage

log = logging.getLogger(__name__)


def _send_email(message: OutboxMessage) -> None:
    # The timeout bounds every wait on the mail server (connect, greeting, each reply), so that a
    # server that accepts and never answers costs one attempt, not a worker.
    EmailMessage(
        subject=message.subject,
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient],
        connection=get_connection(timeout=settings.EMAIL_TIMEOUT),
    ).send(fail_silently=False)


# One sender per channel; a new gateway is a new entry here, not a rewrite.
SENDERS = {
    Channel.EMAIL: _send_email,
    Channel.WHATSAPP: gateways.send_whatsapp,
    Channel.SMS: gateways.send_sms,
    Channel.CONSOLE: gateways.send_console,
}


def _backoff(attempts: int) -> datetime.timedelta:
    """Wait 5, 10, 20, 40… minutes between attempts, at most a day."""
    minutes = settings.OUTBOX_RETRY_MINUTES * 2 ** max(attempts - 1, 0)
    return datetime.timedelta(minutes=min(minutes, 24 * 60))


def _claim(message_id: int, now: datetime.datetime) -> OutboxMessage | None:
    """Take one due message for one attempt, in a short transaction of its own.

    The claim counts the attempt and moves `next_attempt_at` to when the next try would be, in one
    conditional update: a second worker (or the sweep) finds the message not due and leaves it,
    and if this worker dies while sending, the message is simply tried again then. No lock is held
    while the mail server is slow.
    """
    message = OutboxMessage.objects.due(now).filter(pk=message_id).first()
    if message is None:
        return None
    if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        # Its last attempt never reported back (the worker stopped): give up as for a failure.
        OutboxMessage.objects.due(now).filter(pk=message.pk, attempts=message.attempts).update(
            status=OutboxMessage.Status.FAILED, updated_at=now
        )
        return None
    attempts = message.attempts + 1
    claimed = (
        OutboxMessage.objects.due(now)
        .filter(pk=message.pk, attempts=message.attempts)
        .update(attempts=F("attempts") + 1, next_attempt_at=now + _backoff(attempts), updated_at=now)
    )
    if not claimed:
        return None  # another worker took it first
    message.attempts = attempts
    return message


def deliver(*, message_id: int, now: datetime.datetime | None = None) -> bool:
    """Try to send one due message; True when it went out. Never raises for a send failure."""
    now = now or timezone.now()
    message = _claim(message_id, now)
    if message is None:
        return False
    outcome = OutboxMessage.objects.filter(pk=message.pk)
    try:
        SENDERS[message.channel](message)
    except Exception as exc:  # noqa: BLE001 - any gateway error is recorded and retried
        log.warning("Outbox message %s failed (attempt %s): %s", message.pk, message.attempts, exc)
        # A refusal of the message itself would be repeated on every retry: give up at once.
        failed = (
            isinstance(exc, gateways.PermanentSendError) or message.attempts >= settings.OUTBOX_MAX_ATTEMPTS
        )
        outcome.update(
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            status=OutboxMessage.Status.FAILED if failed else OutboxMessage.Status.PENDING,
            updated_at=timezone.now(),
        )
        return False
    sent = {"status": OutboxMessage.Status.SENT, "sent_at": now, "updated_at": timezone.now()}
    if message.holds_secret:
        sent["body"] = sent["code"] = ""
    outcome.update(**sent)
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
