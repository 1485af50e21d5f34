"""The outbox: store a message with the change that caused it; a worker sends it; retry on failure.

A message is written in the same transaction as the change it reports (so a rolled-back change
never mails anyone). After the commit a `deliver_message` task is queued, which a worker runs:
no request ever waits on a mail server. The outbox chore (see apps.py) sweeps up the rest every
minute: retries with growing pauses, and messages whose task could not be queued. After
OUTBOX_MAX_ATTEMPTS the message is marked failed and shown to staff. A message the gateway refused
for good (gateways.PermanentSendError, an HTTP 4xx) is marked failed after its one attempt.

Channels: email, WhatsApp, SMS, and the console in development (see gateways.py). `queue_message`
picks one for a person: their own choice where it can be used, else what they can receive. That
choice is kept by privacy ("Data Saya"), which tells this app how to read it at start-up
(`channel_choice_register`, called in PrivacyConfig.ready).

The outbox does not know why a message is sent: each app that tells people something keeps its own
notices (what to say, to whom) and stores them here. Sending is in delivery.py, run by workers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from pembinaan.notifications import gateways, tasks
from pembinaan.notifications.models import Channel, OutboxMessage

if TYPE_CHECKING:
    from pembinaan.accounts.models import User
    from pembinaan.registry.models import Owner

log = logging.getLogger(__name__)


# What a text message is for: an access code must reach the person by any channel (the console
# too, in development, so the flow can be tried without a gateway); a notice is a courtesy and
# falls back to email, never to the console.
PURPOSE_ACCESS_CODE = "kode-akses"
PURPOSE_NOTICE = "pemberitahuan"


def _enqueue_delivery(message_id: int) -> None:
    """Hand the message to a worker; when the queue cannot be reached, the outbox chore sends it."""
    try:
        tasks.deliver_message.enqueue(message_id)
    except Exception:  # noqa: BLE001 - mail must never turn a request into an error page
        log.warning(
            "Could not queue outbox message %s; the periodic outbox sweep sends it", message_id, exc_info=True
        )


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
        subject = render_to_string(f"{template}_subject.txt", context)
        body = render_to_string(f"{template}_body.txt", context)
    return queue_rendered_email(recipient=recipient, subject=subject, body=body, dedupe_key=dedupe_key)


def queue_rendered_email(
    *,
    recipient: str,
    subject: str,
    body: str,
    dedupe_key: str | None = None,
    holds_secret: bool = False,
) -> OutboxMessage | None:
    """Store an email whose text is ready and send it after commit (None as for `queue_email`).

    `holds_secret`: the body grants access (a password-reset link); it is hidden from the admin
    and blanked once sent, so that the outbox never becomes a store of live links.
    """
    if not recipient:
        return None
    return _store(
        channel=Channel.EMAIL,
        recipient=recipient,
        subject=subject,
        body=body,
        dedupe_key=dedupe_key,
        holds_secret=holds_secret,
    )


def text_channel(*, purpose: str) -> str | None:
    """The channel a text to a phone goes by: WhatsApp, else SMS, else (codes, development) console."""
    for channel in (Channel.WHATSAPP, Channel.SMS):
        if gateways.configured(channel):
            return channel
    if purpose == PURPOSE_ACCESS_CODE and gateways.configured(Channel.CONSOLE):
        return Channel.CONSOLE
    return None


def pick_channel(
    *, phone: str = "", email: str = "", prefer: str = "", purpose: str
) -> tuple[str, str] | None:
    """(channel, recipient) for a person with this phone (E.164) and email, or None when none fits.

    `prefer` is the person's own choice (Channel.WHATSAPP or Channel.EMAIL, see privacy); without
    one, email comes first, as it always did. A choice that cannot be used (no number, no gateway)
    falls back to the other way rather than to silence.
    """
    by_text = text_channel(purpose=purpose) if phone else None
    if prefer == Channel.WHATSAPP and by_text:
        return by_text, phone
    if email:
        return Channel.EMAIL, email
    if by_text:
        return by_text, phone
    return None


@dataclass(frozen=True)
class ChannelChoice:
    """How to read a person's own choice of channel ("email", "whatsapp", or "" for none)."""

    of_owner: Callable[[Owner], str]
    of_account: Callable[[User], str]  # a claimant's, kept on the account until the claim is proven


_channel_choices: list[ChannelChoice] = []


def channel_choice_register(choice: ChannelChoice) -> None:
    """Called once at start-up by the app that keeps the choice (privacy); a second call replaces it."""
    _channel_choices[:] = [choice]


def _channel_choice() -> ChannelChoice:
    # Without it a person's choice would be ignored without a word: refuse instead.
    if not _channel_choices:
        raise ImproperlyConfigured(
            "No reader of the notice-channel choice is registered (notifications.services."
            "channel_choice_register): pembinaan.privacy must be installed; its AppConfig.ready() registers it."
        )
    return _channel_choices[0]


def queue_message(
    *,
    text: str,
    subject: str,
    purpose: str = PURPOSE_NOTICE,
    user=None,
    owner=None,
    phone: str = "",
    email: str = "",
    prefer: str = "",
    dedupe_key: str | None = None,
    holds_secret: bool = False,
    code: str = "",
) -> OutboxMessage | None:
    """Store a message for a person by the channel that suits them; None when none does.

    `code`: the one-time code an access message carries (also in `text`), kept apart for the
    channels that send it as a template parameter; such a message always holds a secret.

    The person is a `user` (an account), an `owner` (registry) or a bare `phone`/`email`. Their
    saved choice (kept by privacy, read through `channel_choice_register`) is used unless `prefer`
    is given. `subject` is the email subject; a text message starts with it when it is not already
    in `text`.
    """
    if owner is None and user is not None:
        owner = getattr(user, "owner_profile", None)
    if user is not None:
        phone, email = phone or user.phone or "", email or user.email or ""
        if owner is None:  # a claimant: their choice is kept on the account until the claim is proven
            prefer = prefer or _channel_choice().of_account(user)
    if owner is not None:
        phone, email = phone or owner.phone or "", email or owner.email or ""
        prefer = prefer or _channel_choice().of_owner(owner)
    subject = " ".join(subject.split())
    picked = pick_channel(phone=phone, email=email, prefer=prefer, purpose=purpose)
    if picked is None:
        return None
    channel, recipient = picked
    body = text if channel == Channel.EMAIL or subject in text else f"{subject}\n\n{text}"
    return _store(
        channel=channel,
        recipient=recipient,
        subject=subject,
        body=body,
        dedupe_key=dedupe_key,
        holds_secret=holds_secret or bool(code),
        code=code,
    )


def queue_notice(
    *, owner: Owner, template: str, context: dict, dedupe_key: str | None = None
) -> OutboxMessage | None:
    """Render `template`_subject.txt / _body.txt and queue it to the owner by their channel.

    The context gets `site`, the portal's address for links, unless it has one. None when the
    owner can be reached by no channel, or the `dedupe_key` was used before.
    """
    context = {"site": settings.PORTAL_BASE_URL.rstrip("/"), **context}
    # Stored text is in the portal's language, whatever the language of the person who acted.
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"{template}_subject.txt", context)
        body = render_to_string(f"{template}_body.txt", context)
    return queue_message(
        owner=owner, subject=subject, text=body, purpose=PURPOSE_NOTICE, dedupe_key=dedupe_key
    )


def access_code_queue(*, phone: str, subject: str, text: str, code: str) -> OutboxMessage | None:
    """A one-time code by text message (the message port's `send_code`, see apps.py)."""
    return queue_message(phone=phone, subject=subject, text=text, purpose=PURPOSE_ACCESS_CODE, code=code)


def access_codes_reach_phones() -> bool:
    """Whether a code can reach a phone (the message port's `codes_reach_phones`, see apps.py)."""
    return text_channel(purpose=PURPOSE_ACCESS_CODE) is not None


def _store(
    *,
    channel: str,
    recipient: str,
    subject: str,
    body: str,
    dedupe_key: str | None,
    holds_secret: bool,
    code: str = "",
) -> OutboxMessage | None:
    subject = " ".join(subject.split())  # a header: one line
    if dedupe_key and OutboxMessage.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    try:
        with transaction.atomic():
            message = OutboxMessage.objects.create(
                channel=channel,
                recipient=recipient,
                subject=subject[:200],
                body=body,
                dedupe_key=dedupe_key,
                holds_secret=holds_secret,
                code=code,
            )
    except IntegrityError:
        if dedupe_key and OutboxMessage.objects.filter(dedupe_key=dedupe_key).exists():
            return None  # a concurrent run queued it first
        raise
    transaction.on_commit(lambda: _enqueue_delivery(message.pk))
    return message


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
    transaction.on_commit(lambda: _enqueue_delivery(message.pk))
    return message
