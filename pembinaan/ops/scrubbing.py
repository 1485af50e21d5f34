"""Personal data kept out of the log and out of error reports (UU 27/2022 PDP, docs/rules.md rule 10).

The portal never writes a NIK, a phone number or an e-mail address on purpose, but an exception's
message may quote the value it choked on, and a third-party library may log a URL with its query
string. These functions are the net under that: `scrub_text` masks what looks like one of them in
any text; `scrub_event` is Sentry's `before_send`, which also drops the parts of an event where
personal data lives by nature (request bodies, cookies, query strings, the user's name and e-mail,
client addresses, local variables).
"""

from __future__ import annotations

import re
from typing import Any

# A NIK: 16 digits, as typed or as printed in groups ("6371 0112 3456 0001", "6371.01.123456.0001").
NIK = re.compile(r"(?<!\d)\d(?:[ .-]?\d){15}(?!\d)")
# An Indonesian mobile number: +62 / 62 / 0, then 8 and 7 to 11 more digits, perhaps in groups.
PHONE = re.compile(r"(?<![\d+])(?:\+62|62|0)[ .-]?8(?:[ .-]?\d){7,11}(?!\d)")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

NIK_MASK = "[NIK]"
PHONE_MASK = "[telepon]"
EMAIL_MASK = "[email]"

# What a request carries that may be personal: what the person typed, their session, their address.
REQUEST_KEYS_DROPPED = ("data", "cookies", "query_string", "env")
# Headers worth keeping in a report; the rest (Cookie, Authorization, Referer with its query string,
# X-Forwarded-For with the client's address) are dropped.
HEADERS_KEPT = {"host", "user-agent", "accept", "accept-language", "content-type", "content-length"}
HEADERS_KEPT.add("x-request-id")
# Keys under which a URL's query string travels on its own (Sentry's breadcrumbs and spans).
QUERY_KEYS = {"query_string", "query", "http.query"}


def scrub_text(text: str) -> str:
    """`text` with every NIK, phone number and e-mail address it holds masked."""
    text = NIK.sub(NIK_MASK, text)
    text = PHONE.sub(PHONE_MASK, text)
    return EMAIL.sub(EMAIL_MASK, text)


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {
            key: (_without_query(item) if key == "url" and isinstance(item, str) else _scrub(item))
            for key, item in value.items()
            if key not in QUERY_KEYS and key != "vars"
        }
    if isinstance(value, list | tuple):
        return [_scrub(item) for item in value]
    return value


def _without_query(url: str) -> str:
    return scrub_text(url.split("?", 1)[0].split("#", 1)[0])


def scrub_event(event: dict, hint: dict | None = None) -> dict:
    """Sentry's `before_send`: the event with no personal data left in it.

    Sentry's own `send_default_pii=False` already leaves out cookies, the user's IP address and
    the logged-in user's name; this also covers what it cannot know is personal here (a NIK in an
    exception's message, a phone number in a gateway's URL).
    """
    request = event.get("request")
    if isinstance(request, dict):
        for key in REQUEST_KEYS_DROPPED:
            request.pop(key, None)
        if isinstance(request.get("url"), str):
            request["url"] = _without_query(request["url"])
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {
                name: value for name, value in headers.items() if name.lower() in HEADERS_KEPT
            }
    user = event.get("user")
    if isinstance(user, dict):
        # The account's number is enough to look someone up in the admin; never who they are.
        event["user"] = {"id": user["id"]} if "id" in user else {}
    return _scrub(event)
