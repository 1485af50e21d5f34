"""Admin Dinas look up a registration by the number an owner reads out (issue 14)."""

from django.db import migrations

from pembinaan.accounts import roles

PERMISSIONS = ["enrolment.view_registration"]


def grant(apps, schema_editor):
    roles.grant(apps, roles.ADMIN, PERMISSIONS)


def revoke(apps, schema_editor):
    roles.revoke(apps, roles.ADMIN, PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_roles_snapshots"),
        ("enrolment", "0003_registration_existing_account_notice"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
