"""Dinas staff are signed out after a spell without any request (STAFF_IDLE_MINUTES)."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.utils.translation import gettext as _

from pembinaan.accounts import roles

LAST_SEEN = "_staf_terakhir_aktif"
# The last-seen time is rewritten at most once a minute, so that a page view does not always
# cost a session write; the idle limit is therefore kept to within a minute.
GRANULARITY = 60


def _is_dinas(user) -> bool:
    # Kepala Bidang and Bendahara see the grants' recipients and move money (rule 14): dinas too.
    return user.is_staff or user.is_staf_dinas or bool({roles.APPROVER, roles.TREASURER} & user.role_names)


def _stamp(session, now: int) -> None:
    session[LAST_SEEN] = now
    session.set_expiry(settings.STAFF_IDLE_TIMEOUT)


def stamp_staff_login(sender, request, user, **kwargs) -> None:
    """Start the idle clock at login, in the session write the login makes anyway."""
    if _is_dinas(user) and hasattr(request, "session"):
        _stamp(request.session, int(time.time()))


class StaffIdleTimeoutMiddleware:
    """Staff and admin see full registry records; a PC left signed in at the dinas must not stay so.

    Owners and council members keep the ordinary session length. The session itself also expires
    after the idle time (set_expiry), so the limit holds on the server even if this check is skipped.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and _is_dinas(user):
            timeout = settings.STAFF_IDLE_TIMEOUT
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN)
            if last_seen is not None and now - last_seen > timeout:
                logout(request)
                messages.info(
                    request,
                    _(
                        "Sesi Anda berakhir karena tidak ada aktivitas selama %(minutes)d menit. Silakan masuk lagi."
                    )
                    % {"minutes": timeout // 60},
                )
                return redirect_to_login(request.get_full_path())
            if last_seen is None or now - last_seen >= GRANULARITY:
                _stamp(request.session, now)
        return self.get_response(request)
