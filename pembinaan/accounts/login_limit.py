"""One per-IP limit on login posts, for the portal's login page and the admin's alike.

django-axes locks one login name from one address after a few failures; this caps what one address
may try across many names: LOGIN_RATE_LIMIT posts per LOGIN_RATE_WINDOW_SECONDS, counted together
on both pages (a shared counter, so switching to /admin/login/ gains nothing).
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import render

from pembinaan.lib.ratelimit import over_limit


def login_over_limit(request: HttpRequest) -> bool:
    """Count this login post against its address; True once the address is over the limit."""
    return over_limit(
        request, scope="login", limit=settings.LOGIN_RATE_LIMIT, window=settings.LOGIN_RATE_WINDOW_SECONDS
    )


def limit_login_posts(view):
    """Refuse a POST with 429 and the portal's own page once the address posted too many logins."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method == "POST" and login_over_limit(request):
            return render(request, "accounts/rate_limited.html", status=429)
        return view(request, *args, **kwargs)

    return wrapped
