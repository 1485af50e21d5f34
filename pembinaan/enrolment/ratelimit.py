"""A per-IP limit on registration posts (settings.ENROLMENT_RATE_*)."""

from __future__ import annotations

import functools

from django.conf import settings
from django.shortcuts import render

from pembinaan.lib.ratelimit import over_limit


def limit_posts(view):
    """Refuse a POST with 429 and a plain message once an address posted too often."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method == "POST" and over_limit(
            request,
            scope="enrolment",
            limit=settings.ENROLMENT_RATE_LIMIT,
            window=settings.ENROLMENT_RATE_WINDOW_SECONDS,
        ):
            return render(request, "enrolment/rate_limited.html", status=429)
        return view(request, *args, **kwargs)

    return wrapped
