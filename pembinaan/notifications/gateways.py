"""Senders for the text channels: WhatsApp (Business Cloud API), an HTTP SMS gateway, the console.

Each sender gets one stored OutboxMessage whose recipient is a number in E.164 (`+62812…`) and
either returns (sent) or raises. What a raise means for the outbox (services.deliver):

- `PermanentSendError`: the gateway refused this message itself (HTTP 4xx: bad number, bad token,
  malformed request). The same request would be refused again, so the message is marked failed
  after this one attempt and shown to staff, instead of being retried for a day.
- anything else (HTTP 5xx, 408, 429, a refused connection, a timeout): the gateway is having a bad
  moment; the message is tried again with the outbox's growing pauses.

Only the standard library is used (urllib.request); every request has a timeout of
MESSAGE_TIMEOUT seconds, so a gateway that accepts and never answers costs one attempt, not a worker.
"""

from __future__ import annotations

import json
import logging
import sys
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from pembinaan.lib.identifiers import whatsapp_number
from pembinaan.notifications.models import Channel, OutboxMessage

log = logging.getLogger(__name__)

# Client errors that say "not now" rather than "never": they are retried like a server error.
RETRYABLE_CLIENT_ERRORS = frozenset({408, 425, 429})


class PermanentSendError(Exception):
    """The gateway refused the message; sending it again would be refused the same way."""


def configured(channel: str) -> bool:
    """True when `channel` can send: its settings are all present (console: outside production)."""
    if channel == Channel.WHATSAPP:
        return bool(
            settings.WHATSAPP_TOKEN and settings.WHATSAPP_PHONE_NUMBER_ID and settings.WHATSAPP_API_URL
        )
    if channel == Channel.SMS:
        return bool(settings.SMS_GATEWAY_URL and settings.SMS_NUMBER_PARAM and settings.SMS_TEXT_PARAM)
    if channel == Channel.CONSOLE:
        return not settings.PRODUCTION
    return channel == Channel.EMAIL


def _request(request: urllib.request.Request) -> None:
    # Settings name the gateway: only http(s), never file: or another scheme urllib would open.
    if urllib.parse.urlsplit(request.full_url).scheme not in {"http", "https"}:
        raise ImproperlyConfigured("A message gateway URL must start with http:// or https://.")
    try:
        with urllib.request.urlopen(request, timeout=settings.MESSAGE_TIMEOUT) as response:  # noqa: S310
            response.read(64 * 1024)
    except urllib.error.HTTPError as exc:
        detail = exc.read(500).decode("utf-8", "replace").strip()
        if 400 <= exc.code < 500 and exc.code not in RETRYABLE_CLIENT_ERRORS:
            raise PermanentSendError(f"HTTP {exc.code}: {detail}") from exc
        raise


def _whatsapp_content(message: OutboxMessage) -> dict:
    """A template where one is configured (a business may start a conversation only with one);
    else free text, which reaches only someone who wrote to the business in the last 24 hours."""
    language = {"code": settings.WHATSAPP_TEMPLATE_LANGUAGE}
    if message.code and settings.WHATSAPP_CODE_TEMPLATE:
        # An authentication template: the code fills the body and the copy-code button.
        parameter = [{"type": "text", "text": message.code}]
        components = [
            {"type": "body", "parameters": parameter},
            {"type": "button", "sub_type": "url", "index": "0", "parameters": parameter},
        ]
        return {
            "type": "template",
            "template": {
                "name": settings.WHATSAPP_CODE_TEMPLATE,
                "language": language,
                "components": components,
            },
        }
    if not message.code and settings.WHATSAPP_NOTICE_TEMPLATE:
        # A template parameter is one line of at most 1,024 characters.
        text = " ".join(message.body.split())
        text = text if len(text) <= 1024 else text[:1023] + "…"
        components = [{"type": "body", "parameters": [{"type": "text", "text": text}]}]
        return {
            "type": "template",
            "template": {
                "name": settings.WHATSAPP_NOTICE_TEMPLATE,
                "language": language,
                "components": components,
            },
        }
    return {"type": "text", "text": {"body": message.body}}


def send_whatsapp(message: OutboxMessage) -> None:
    if not configured(Channel.WHATSAPP):
        raise ImproperlyConfigured("WhatsApp needs WHATSAPP_TOKEN and WHATSAPP_PHONE_NUMBER_ID.")
    url = f"{settings.WHATSAPP_API_URL.rstrip('/')}/{settings.WHATSAPP_PHONE_NUMBER_ID}/messages"
    payload = {"messaging_product": "whatsapp", "to": whatsapp_number(message.recipient)}
    payload.update(_whatsapp_content(message))
    _request(
        urllib.request.Request(  # noqa: S310 - the scheme is checked in _request
            url,
            data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
            headers={
                "Authorization": f"Bearer {settings.WHATSAPP_TOKEN}",
                "Content-Type": "application/json; charset=utf-8",
            },
            method="POST",
        )
    )


def send_sms(message: OutboxMessage) -> None:
    if not configured(Channel.SMS):
        raise ImproperlyConfigured("SMS needs SMS_GATEWAY_URL, SMS_NUMBER_PARAM and SMS_TEXT_PARAM.")
    query = urllib.parse.urlencode(
        {settings.SMS_NUMBER_PARAM: whatsapp_number(message.recipient), settings.SMS_TEXT_PARAM: message.body}
    )
    headers = {}
    if settings.SMS_AUTH_HEADER:
        name, _colon, value = settings.SMS_AUTH_HEADER.partition(":")
        headers[name.strip()] = value.strip()
    url, data = settings.SMS_GATEWAY_URL, None
    if settings.SMS_GATEWAY_METHOD == "GET":
        url += ("&" if "?" in url else "?") + query
    else:
        data = query.encode("ascii")
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    request = urllib.request.Request(url, data=data, headers=headers, method=settings.SMS_GATEWAY_METHOD)  # noqa: S310
    _request(request)


def send_console(message: OutboxMessage) -> None:
    # Development only: lets a developer follow a reset by phone without any gateway.
    if not configured(Channel.CONSOLE):
        raise PermanentSendError("The console channel is not used in production.")
    log.info("Message for %s: %s", message.recipient, message.body)
    print(f"--- Pesan untuk {message.recipient} ---\n{message.body}\n---", file=sys.stdout, flush=True)
