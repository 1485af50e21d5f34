"""Who may import: staff and admin import registry and coaching data; only Admin Dinas budgets."""

from django.db import migrations

from pembinaan.accounts import roles

STAFF = ["imports.import_data", "imports.view_importrun"]
ADMIN_ONLY = ["imports.import_budget"]


def grant(apps, schema_editor):
    roles.grant(apps, roles.STAFF, STAFF)
    roles.grant(apps, roles.ADMIN, STAFF + ADMIN_ONLY)


def revoke(apps, schema_editor):
    roles.revoke(apps, roles.STAFF, STAFF)
    roles.revoke(apps, roles.ADMIN, STAFF + ADMIN_ONLY)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0006_roles_snapshots"), ("imports", "0001_import_runs")]

    operations = [migrations.RunPython(grant, revoke)]
