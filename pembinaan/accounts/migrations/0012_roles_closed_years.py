"""Admin Dinas closes reporting years (issue 17, closed years)."""

from django.db import migrations

from pembinaan.accounts import roles

PERMISSIONS = ["progress.add_closedyear", "progress.view_closedyear", "progress.view_figurecorrection"]


def grant(apps, schema_editor):
    roles.grant(apps, roles.ADMIN, PERMISSIONS)


def revoke(apps, schema_editor):
    roles.revoke(apps, roles.ADMIN, PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0011_roles_separation_of_duties"), ("progress", "0009_closed_years")]

    operations = [migrations.RunPython(grant, revoke)]
