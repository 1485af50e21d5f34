from django.conf import settings
from django.utils.functional import SimpleLazyObject


def roles(request):
    """What the navigation needs to show each role only what it may use."""
    user = getattr(request, "user", None)
    authenticated = bool(user and user.is_authenticated)
    is_staff = authenticated and user.is_staf_dinas
    return {
        "portal_name": settings.PORTAL_NAME,
        "portal_agency": settings.PORTAL_AGENCY,
        "nav_is_staff": is_staff,
        "nav_is_admin": authenticated and user.is_admin_dinas,
        "nav_is_owner": authenticated and user.is_owner,
        "nav_is_viewer": authenticated and user.is_viewer,
        # The menu's badges: read only for staff, only when a template uses them, and once per
        # request (the staff home reads the same object).
        "worklist": SimpleLazyObject(lambda: _worklist(request)) if is_staff else None,
    }


def _worklist(request):
    # Imported here: the staff worklist reads every domain app, which accounts must not import
    # at start-up.
    from pembinaan.front.selectors import worklist_for_request

    return worklist_for_request(request)
