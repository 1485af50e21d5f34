"""Permissions for budget lines, capital assistance and the budget overview (issue: funding)."""

from django.db import migrations

from pembinaan.accounts import roles

STAFF = [
    "funding.view_budgetline",
    "funding.view_budget_overview",
    "funding.view_capitalassistance",
    "funding.add_capitalassistance",
    "funding.change_capitalassistance",
]
ADMIN_ONLY = [
    "funding.add_budgetline",
    "funding.change_budgetline",
    "funding.delete_budgetline",
]
VIEWER = ["funding.view_budget_overview"]


def grant(apps, schema_editor):
    roles.grant(apps, roles.STAFF, STAFF)
    roles.grant(apps, roles.ADMIN, STAFF + ADMIN_ONLY)
    roles.grant(apps, roles.VIEWER, VIEWER)


def revoke(apps, schema_editor):
    roles.revoke(apps, roles.STAFF, STAFF)
    roles.revoke(apps, roles.ADMIN, STAFF + ADMIN_ONLY)
    roles.revoke(apps, roles.VIEWER, VIEWER)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_roles_coaching"), ("funding", "0004_grant_change_reason")]

    operations = [migrations.RunPython(grant, revoke)]
