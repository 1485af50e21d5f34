"""Limits counted in the cache: per-IP limits on form posts (registration, login, password reset),
and any other count in fixed windows (reset codes per phone number)."""

from __future__ import annotations

import time

from axes.helpers import get_client_ip_address
from django.core.cache import cache
from django.http import HttpRequest


def over_limit(request: HttpRequest, *, scope: str, limit: int, window: int) -> bool:
    """Count this post against its address; True once the address posted more than `limit` times.

    Fixed windows of `window` seconds; the address is the one django-axes sees (AXES_IPWARE_*),
    so a reverse proxy is handled the same way for lockouts and for these limits.
    """
    return count_in_window(f"rate:{scope}:{get_client_ip_address(request)}", window=window) > limit


def count_in_window(key: str, *, window: int) -> int:
    """Count one more for `key` in the current fixed window of `window` seconds; answers the count."""
    key = f"{key}:{int(time.time() // window)}"
    # add() then incr(): atomic on every cache backend we use (locmem, redis, database).
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, timeout=window)
        return 1
