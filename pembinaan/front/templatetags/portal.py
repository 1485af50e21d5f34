"""Formatting filters used across the portal's templates."""

from django import template
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from pembinaan.lib.identifiers import format_phone, mask_nik
from pembinaan.lib.moments import format_moment
from pembinaan.lib.money import format_rupiah
from pembinaan.lib.numbers import format_number, format_percent

register = template.Library()


@register.filter
def rupiah(amount):
    """`1250000` → `Rp1.250.000` (docs/rules.md rule 12), formatted here, never in the browser."""
    if amount in (None, ""):
        return "–"
    return format_rupiah(int(amount))


@register.filter
def angka(number):
    """`3100` → `3.100` in Indonesian, `3,100` in English."""
    return format_number(number)


@register.filter
def persen(value, decimal_pos=2):
    """`36.45` → `36,45 %` in Indonesian, `36.45%` in English: `{{ p|persen }}`, `{{ p|persen:1 }}`."""
    return format_percent(value, int(decimal_pos))


@register.filter
def nik_masked(nik):
    return mask_nik(nik)


@register.filter
def phone(e164):
    return format_phone(e164)


@register.simple_tag(takes_context=True)
def query_with(context, **kwargs):
    """The current query string with some parameters replaced (for sorting and paging links)."""
    params = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()


@register.filter
def get_item(mapping, key):
    """`{{ totals|get_item:year }}`: a dict value by a key that is itself a variable."""
    return mapping.get(key) if mapping else None


@register.filter
def waktu_iso(value):
    """An ISO 8601 timestamp kept as text (frozen figures, open data) as a local aware datetime,
    for the `date` filter: a reader sees "3 Desember 2026 14.49", not "2026-12-03T14:49:59+08:00"."""
    if not value:
        return None
    moment = parse_datetime(str(value))
    return timezone.localtime(moment) if moment and timezone.is_aware(moment) else moment


@register.filter
def waktu(value):
    """A datetime (or an ISO timestamp kept as text) as "3 Desember 2026, 14.50 WITA"."""
    moment = waktu_iso(value) if isinstance(value, str) else value
    return format_moment(moment) if moment else ""
