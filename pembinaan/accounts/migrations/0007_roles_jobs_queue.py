"""Admin Dinas sees the background-job queue and its workers (issue 13)."""

from django.db import migrations

from pembinaan.accounts import roles

PERMISSIONS = ["jobs.view_queue"]


def grant(apps, schema_editor):
    roles.grant(apps, roles.ADMIN, PERMISSIONS)


def revoke(apps, schema_editor):
    roles.revoke(apps, roles.ADMIN, PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0006_roles_snapshots"), ("jobs", "0002_worker_and_task")]

    operations = [migrations.RunPython(grant, revoke)]
