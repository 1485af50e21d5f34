"""The message port: how the building blocks below the outbox send a person an access message.

`accounts` (one-time codes, password-reset links) sits below `notifications` and may not import it.
It calls the functions here, and the outbox plugs its sender in at start-up
(NotificationsConfig.ready). A call stores the message in the caller's transaction, exactly as a
direct call to the outbox would. With no sender plugged in, every call raises: a code or a reset
link must never be dropped without a word.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Sender:
    """What the outbox offers; each is called with the keyword arguments of the function below."""

    send_email: Callable[..., object]
    send_code: Callable[..., object]
    codes_reach_phones: Callable[[], bool]


_sender: Sender | None = None


def plug_in(sender: Sender | None) -> None:
    """Install the sender (the outbox, at start-up); None unplugs it."""
    global _sender  # noqa: PLW0603 - the one sender of the process, set once at start-up
    _sender = sender


def _plugged() -> Sender:
    if _sender is None:
        raise ImproperlyConfigured(
            "No message sender is plugged in (pembinaan.lib.messaging): "
            "pembinaan.notifications must be installed; its AppConfig.ready() plugs the outbox in."
        )
    return _sender


def send_email(*, recipient: str, subject: str, body: str, holds_secret: bool = False) -> None:
    """An email whose text is ready; `holds_secret` when the body grants access (a reset link)."""
    _plugged().send_email(recipient=recipient, subject=subject, body=body, holds_secret=holds_secret)


def send_code(*, phone: str, subject: str, text: str, code: str) -> None:
    """A one-time `code` (also in `text`) by text message to `phone` (E.164): WhatsApp or SMS."""
    _plugged().send_code(phone=phone, subject=subject, text=text, code=code)


def codes_reach_phones() -> bool:
    """True when a code can be sent to a phone: WhatsApp, SMS, or (outside production) the console."""
    return _plugged().codes_reach_phones()
