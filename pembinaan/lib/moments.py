"""A moment as people read it on printed pages: "3 Desember 2026, 14.50 WITA" (docs/rules.md#rule-12)."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.formats import date_format


def format_moment(moment: datetime.datetime) -> str:
    """Date and time in the active language's formats, in the portal's time zone, with its name
    (WITA for Asia/Makassar), so a report read in another province is not an hour off."""
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    zone = local.tzname() or ""
    return f"{date_format(local, 'DATE_FORMAT')}, {date_format(local, 'TIME_FORMAT')} {zone}".rstrip()
