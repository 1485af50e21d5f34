"""One log line per request on `portal.requests`, and the request id that ties the lines together."""

from __future__ import annotations

import logging
import re
import time
import uuid

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from pembinaan.ops.logs import loggable_path, request_id

logger = logging.getLogger("portal.requests")

# nginx's $request_id is 32 hex digits; other proxies send UUIDs. Anything else (too long, spaces,
# quotes, line breaks) is not trusted into the log: a new id is made instead.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
# Load balancers ask every few seconds: a healthy answer is logged at DEBUG, not a line each time.
QUIET_VIEWS = {"ops:healthz", "ops:readyz"}


def _request_id_from(request: HttpRequest) -> str:
    offered = request.headers.get("X-Request-ID", "")
    if SANE_REQUEST_ID.fullmatch(offered):
        return offered
    return uuid.uuid4().hex


def _user_id(request: HttpRequest) -> int | None:
    # Without a session cookie the visitor is anonymous: nothing to look up (so /healthz stays
    # without a database query). With one, the user was almost always loaded by the page already.
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return None
    try:
        user = request.user
        return user.pk if user.is_authenticated else None
    except Exception:  # the log line must never turn a response into an error
        return None


class RequestLogMiddleware:
    """First in MIDDLEWARE, so that it times the whole request and sees every answer, even the
    redirects and refusals of the middleware after it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        rid = _request_id_from(request)
        token = request_id.set(rid)
        request.request_id = rid  # for the records Django writes after this middleware has finished
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = rid
            self._log(request, response, started)
            return response
        finally:
            request_id.reset(token)

    def _log(self, request: HttpRequest, response: HttpResponse, started: float) -> None:
        match = request.resolver_match
        view = match.view_name if match else None
        status = response.status_code
        path = loggable_path(request)
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        level = logging.DEBUG if view in QUIET_VIEWS and status < 400 else logging.INFO
        logger.log(
            level,
            "%s %s %s %.1fms",
            request.method,
            path,
            status,
            duration_ms,
            extra={
                "method": request.method,
                "path": path,
                "view": view,
                "status": status,
                "duration_ms": duration_ms,
                "user_id": _user_id(request),
            },
        )
