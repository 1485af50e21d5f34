"""A cap on what someone who is not logged in may POST (ANON_MAX_BODY_BYTES).

Why: the forms open to everyone (login, registration, password reset, claim confirmation) carry a
few kilobytes of text and no files, but Django would read any body before CSRF could refuse it; a
multipart body of 300 MB was written to disk first. This middleware answers 413 from the declared
Content-Length alone, before anything reads the body. Logged-in people keep the limits of the
pages that take uploads (UPLOAD_MAX_BYTES, IMPORT_MAX_BYTES). A body sent without Content-Length
(chunked) is never read by Django at all.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


class AnonymousBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and _declared_length(request) > settings.ANON_MAX_BODY_BYTES:
            # Looked at only for large posts: reading the session costs a query.
            if not request.user.is_authenticated:
                return render(
                    request,
                    "front/request_too_large.html",
                    {"limit": settings.ANON_MAX_BODY_BYTES},
                    status=413,
                )
        return self.get_response(request)


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0
