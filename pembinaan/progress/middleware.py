"""Carries a person's reason for correcting a closed year's figures with each of their POSTs."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from pembinaan.lib.corrections import CorrectionReason, correction_reason_from
from pembinaan.progress.closing import ClosedYearChange

FIELD = "alasan_koreksi"
SESSION_KEY = "correction_reason"
# How long a reason written on the corrections page applies to the person's next changes.
SESSION_REASON_MINUTES = 30


def remember_reason(request, text: str) -> None:
    until = timezone.now() + datetime.timedelta(minutes=SESSION_REASON_MINUTES)
    request.session[SESSION_KEY] = {"text": text, "until": until.isoformat()}


def remembered_reason(request) -> str | None:
    stored = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    if not stored or datetime.datetime.fromisoformat(stored["until"]) < timezone.now():
        return None
    return stored["text"]


class CorrectionReasonMiddleware:
    """A form's `alasan_koreksi` field, else the reason written on the corrections page (for 30
    minutes), goes with the request's changes; read only when a change reaches a closed year."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        def reason() -> CorrectionReason | None:
            if request.method != "POST" or not request.user.is_authenticated:
                return None
            text = (request.POST.get(FIELD) or "").strip() or remembered_reason(request)
            return CorrectionReason(text, request.user.pk) if text else None

        with correction_reason_from(reason):
            return self.get_response(request)

    def process_exception(self, request, exception):
        """A screen that does not show service errors on its form still tells the person what to do."""
        if not isinstance(exception, ClosedYearChange):
            return None
        messages.error(request, exception.messages[0])
        back = request.headers.get("referer", "")
        if back and url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
            return redirect(back)
        return redirect("progress:corrections")
