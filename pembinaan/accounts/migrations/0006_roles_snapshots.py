"""Admin Dinas freezes report figures (issue: dashboard)."""

from django.db import migrations

from pembinaan.accounts import roles

PERMISSIONS = ["progress.add_reportsnapshot", "progress.view_reportsnapshot"]


def grant(apps, schema_editor):
    roles.grant(apps, roles.ADMIN, PERMISSIONS)


def revoke(apps, schema_editor):
    roles.revoke(apps, roles.ADMIN, PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_roles_dashboard"), ("progress", "0006_report_snapshots")]

    operations = [migrations.RunPython(grant, revoke)]
