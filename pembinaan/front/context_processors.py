from django.utils.functional import SimpleLazyObject

from pembinaan.front.selectors import worklist_for_request


def worklist(request):
    """The menu's badges: read only for staff, only when a template uses them, and once per request
    (the staff home reads the same object)."""
    user = getattr(request, "user", None)
    is_staff = bool(user and user.is_authenticated and user.is_staf_dinas)
    return {"worklist": SimpleLazyObject(lambda: worklist_for_request(request)) if is_staff else None}
