from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from pembinaan.progress.models import Target
from pembinaan.progress.selectors import progress

# Public figures change only when data changes; a few minutes of caching is safe and cheap.
PUBLIC_MAX_AGE = 300


def _target_from(request: HttpRequest) -> Target:
    raw = request.GET.get("target")
    if raw is None:
        target = Target.primary()
    elif raw.isdigit():
        target = Target.objects.filter(pk=int(raw)).first()
    else:
        target = None
    if target is None:
        raise Http404(_("Target tidak ditemukan."))
    return target


@require_GET
def api_progress(request: HttpRequest) -> JsonResponse:
    """`GET /api/v1/progress/`: the open-data contract of DESIGN.md, no personal data, for anyone."""
    try:
        target = _target_from(request)
    except Http404 as exc:
        return JsonResponse({"error": str(exc)}, status=404)
    response = JsonResponse(progress(target), json_dumps_params={"ensure_ascii": False})
    patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def public_progress(request: HttpRequest) -> HttpResponse:
    """The public progress page: headline, by year, by kecamatan and by type, and the open data."""
    target = _target_from(request)
    response = render(request, "progress/public_progress.html", {"p": progress(target), "target": target})
    patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    return response
