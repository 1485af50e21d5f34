"""The login name django-axes counts failures against, normalised like the login itself.

Without this, `STAF@dinas.test` and `staf@dinas.test`, or `0812-3450-0001` and `+62 812 3450 0001`,
would be separate counters: an attacker could try five passwords per spelling.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from pembinaan.lib.identifiers import parse_phone


def login_name(request, credentials: dict | None) -> str | None:
    if credentials:
        raw = credentials.get("username")
    else:
        raw = getattr(request, "POST", {}).get("username")
    if raw is None:
        return None
    identifier = str(raw).strip()
    if "@" in identifier:
        return identifier.lower()
    try:
        return parse_phone(identifier) or identifier
    except ValidationError:
        return identifier
