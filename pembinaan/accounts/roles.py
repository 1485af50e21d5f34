"""The roles of docs/rules.md, as Django groups.

Which model permissions each group holds is granted by data migrations (so that a deployed portal
and a fresh one agree); this module names the groups and answers "which role is this user?".
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ADMIN = "Admin Dinas"
STAFF = "Staf Dinas"
OWNER = "Pelaku UMKM"
VIEWER = "Pemantau"
# Rule 14: a grant is approved and disbursed by other people than the staff who proposed it.
APPROVER = "Kepala Bidang"
TREASURER = "Bendahara"

ALL = (ADMIN, STAFF, OWNER, VIEWER, APPROVER, TREASURER)

LABELS = {
    ADMIN: _("Admin Dinas"),
    STAFF: _("Staf Dinas"),
    OWNER: _("Pelaku UMKM"),
    VIEWER: _("Pemantau (DPRD / pimpinan)"),
    APPROVER: _("Kepala Bidang"),
    TREASURER: _("Bendahara"),
}


def grant(apps, role: str, permissions: list[str]) -> None:
    """Give `role` the permissions named "app_label.codename"; used from data migrations.

    Permissions are normally created after all migrations ran; a data migration that grants
    them must create them first, for a fresh database.
    """
    # Only data migrations call this; auth's management module is not loaded with every request.
    from django.contrib.auth.management import create_permissions  # noqa: PLC0415

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=role)
    for name in permissions:
        app_label, codename = name.split(".")
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def revoke(apps, role: str, permissions: list[str]) -> None:
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=role).first()
    if group is None:
        return
    for name in permissions:
        app_label, codename = name.split(".")
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label=app_label, codename=codename)
        )
