"""Admin Dinas closes reporting years and sets the report's letterhead (issue 17)."""

from django.db import migrations

from pembinaan.accounts import roles

PERMISSIONS = [
    "progress.add_closedyear",
    "progress.view_closedyear",
    "progress.view_figurecorrection",
    # The printed report's letterhead and signature block
    "progress.add_letterhead",
    "progress.change_letterhead",
    "progress.view_letterhead",
]


def grant(apps, schema_editor):
    roles.grant(apps, roles.ADMIN, PERMISSIONS)


def revoke(apps, schema_editor):
    roles.revoke(apps, roles.ADMIN, PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0011_roles_separation_of_duties"), ("progress", "0010_letterhead")]

    operations = [migrations.RunPython(grant, revoke)]
