"""A per-IP limit on registration posts, counted in the cache (settings.ENROLMENT_RATE_*)."""

from __future__ import annotations

import functools
import time

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render


def _over_limit(request) -> bool:
    window = settings.ENROLMENT_RATE_WINDOW_SECONDS
    key = f"enrolment-posts:{get_client_ip_address(request)}:{int(time.time() // window)}"
    # add() then incr(): atomic on every cache backend we use (locmem, redis, database).
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, timeout=window)
        count = 1
    return count > settings.ENROLMENT_RATE_LIMIT


def limit_posts(view):
    """Refuse a POST with 429 and a plain message once an address posted too often."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method == "POST" and _over_limit(request):
            return render(request, "enrolment/rate_limited.html", status=429)
        return view(request, *args, **kwargs)

    return wrapped
