"""Reads about accounts that other apps' pages show."""

from __future__ import annotations

from django.conf import settings

from pembinaan.accounts import services
from pembinaan.accounts.models import User
from pembinaan.lib.identifiers import format_phone


def phone_confirmation(user: User) -> dict | None:
    """What the code box needs for an owner whose number is not a login yet; None when confirmed."""
    if not user.is_authenticated or not user.phone or user.phone_confirmed:
        return None
    return {
        "phone": format_phone(user.phone),
        "codes": services.codes_reach_phones(),
        "minutes": settings.RESET_CODE_MINUTES,
    }
