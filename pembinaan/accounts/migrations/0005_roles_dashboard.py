"""Everyone who works with the figures may open the dashboard (issue: dashboard)."""

from django.db import migrations

from pembinaan.accounts import roles

PERMISSIONS = ["progress.view_dashboard"]


def grant(apps, schema_editor):
    for role in (roles.ADMIN, roles.STAFF, roles.VIEWER):
        roles.grant(apps, role, PERMISSIONS)


def revoke(apps, schema_editor):
    for role in (roles.ADMIN, roles.STAFF, roles.VIEWER):
        roles.revoke(apps, role, PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_roles_funding"), ("progress", "0003_dashboard_permission")]

    operations = [migrations.RunPython(grant, revoke)]
