"""Limits counted in the cache: per-IP limits on form posts (registration, login, password reset),
and any other count in fixed windows (reset codes per phone number)."""

from __future__ import annotations

import time

from django.core.cache import cache
from django.http import HttpRequest

from pembinaan.lib.client_address import client_address


def over_limit(request: HttpRequest, *, scope: str, limit: int, window: int) -> bool:
    """Count this post against its address; True once the address posted more than `limit` times.

    Fixed windows of `window` seconds; the address is pembinaan.lib.client_address's, the one
    django-axes's lockouts use too. The count lives in the shared cache (Redis in production), so it
    holds across processes and servers; while that cache is down the post goes through (it logs a
    warning: pembinaan.lib.cache).
    """
    address = client_address(request) or "unknown"
    return count_in_window(f"rate:{scope}:{address}", window=window) > limit


def count_in_window(key: str, *, window: int) -> int:
    """Count one more for `key` in the current fixed window of `window` seconds; answers the count."""
    key = f"{key}:{int(time.time() // window)}"
    # add() then incr(): atomic on every cache backend we use (locmem, redis, database). With Redis
    # unreachable both answer as for a missing key, and the count starts again at 1: fail open.
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between the two calls, or the cache is unreachable
        cache.set(key, 1, timeout=window)
        return 1
