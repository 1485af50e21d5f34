from django.conf import settings


def roles(request):
    """What the navigation needs to show each role only what it may use."""
    user = getattr(request, "user", None)
    authenticated = bool(user and user.is_authenticated)
    return {
        "portal_name": settings.PORTAL_NAME,
        "portal_agency": settings.PORTAL_AGENCY,
        "nav_is_staff": authenticated and user.is_staf_dinas,
        "nav_is_admin": authenticated and user.is_admin_dinas,
        "nav_is_owner": authenticated and user.is_owner,
        "nav_is_viewer": authenticated and user.is_viewer,
    }
