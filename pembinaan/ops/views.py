"""Health endpoints for load balancers, systemd and uptime monitors: JSON, GET or HEAD, no login.

`/healthz` says the process answers (it touches nothing else: a database outage must not make a
supervisor restart healthy web processes). `/readyz` says it can serve pages now (see selectors).
Neither is ever cached, and both answer over plain HTTP too (SECURE_REDIRECT_EXEMPT), since a load
balancer probes the app servers directly.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from pembinaan.ops.selectors import OK, readiness


@login_not_required
@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": OK})


@login_not_required
@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    report = readiness()
    return JsonResponse(report, status=200 if report["status"] == OK else 503)
