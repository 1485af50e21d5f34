"""Staff and admins review owners' identity changes (issue 6)."""

from django.db import migrations

from pembinaan.accounts import roles

PERMISSIONS = ["ownerspace.review_changerequest", "ownerspace.view_changerequest"]


def grant(apps, schema_editor):
    roles.grant(apps, roles.STAFF, PERMISSIONS)
    roles.grant(apps, roles.ADMIN, PERMISSIONS)


def revoke(apps, schema_editor):
    roles.revoke(apps, roles.STAFF, PERMISSIONS)
    roles.revoke(apps, roles.ADMIN, PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("ownerspace", "0001_initial"), ("accounts", "0006_roles_snapshots")]

    operations = [migrations.RunPython(grant, revoke)]
