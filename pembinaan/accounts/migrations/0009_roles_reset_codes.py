"""Staff and admins may give an owner who came to the office a code to set a new password (issue 14)."""

from django.db import migrations

from pembinaan.accounts import roles

PERMISSIONS = ["accounts.issue_resetcode"]


def grant(apps, schema_editor):
    roles.grant(apps, roles.STAFF, PERMISSIONS)
    roles.grant(apps, roles.ADMIN, PERMISSIONS)


def revoke(apps, schema_editor):
    roles.revoke(apps, roles.STAFF, PERMISSIONS)
    roles.revoke(apps, roles.ADMIN, PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0008_reset_codes")]

    operations = [migrations.RunPython(grant, revoke)]
