"""The access helpers every app builds on: one permission check and the full-NIK permission.

Each app's `access.py` has one helper per object type (`get_<object>_for_user`) built on `require()`;
the roles that hold each permission are in `pembinaan/accounts/migrations/0002_roles.py`
(docs/rules.md#roles).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from pembinaan.accounts.models import User

# Who may read a whole NIK on screen, in an export or in the admin (docs/rules.md#rule-10); everyone
# else sees it masked. The permission is declared on registry.Owner, where NIKs live.
FULL_NIK_PERMISSION = "registry.view_full_nik"


def require(user: User, permission: str) -> None:
    """403 unless the user holds the permission."""
    if not user.has_perm(permission):
        raise PermissionDenied


def may_see_full_nik(user: User) -> bool:
    return user.has_perm(FULL_NIK_PERMISSION)
