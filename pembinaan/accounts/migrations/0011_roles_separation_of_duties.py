"""Rule 14: approving and disbursing a grant are duties of their own, no longer of Staf Dinas.

Staf Dinas proposes (funding.add_capitalassistance) and keeps editing and cancelling proposals; the
new permissions go to two new groups, Kepala Bidang (approve) and Bendahara (disburse), and to
Admin Dinas. Staff who used to approve through `change_capitalassistance` lose that step: Admin
Dinas puts the people who approve or pay in the new groups (a person may hold several groups; the
services still refuse one person doing two steps of one grant).
"""

from django.db import migrations

from pembinaan.accounts import roles

APPROVE = "funding.approve_capitalassistance"
DISBURSE = "funding.disburse_capitalassistance"
# What both new roles need to find a grant and judge it: the grant, its recipient, its round, the money.
READ = [
    "funding.view_capitalassistance",
    "funding.view_budgetline",
    "funding.view_budget_overview",
    "registry.view_business",
    "coaching.view_activity",
]

# Admin Dinas chooses how strict the separation is (funding.DutySeparation, in the admin).
SETTING = ["funding.view_dutyseparation", "funding.add_dutyseparation", "funding.change_dutyseparation"]


def grant(apps, schema_editor):
    roles.grant(apps, roles.APPROVER, [*READ, APPROVE])
    roles.grant(apps, roles.TREASURER, [*READ, DISBURSE])
    roles.grant(apps, roles.ADMIN, [APPROVE, DISBURSE, *SETTING])
    # Staf Dinas never holds the new permissions; should a deployment have given them by hand, the
    # proposer's group loses them here (rule 14).
    roles.revoke(apps, roles.STAFF, [APPROVE, DISBURSE])


def revoke(apps, schema_editor):
    roles.revoke(apps, roles.ADMIN, [APPROVE, DISBURSE, *SETTING])
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=[roles.APPROVER, roles.TREASURER]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0010_phone_confirmation"),
        ("funding", "0007_separation_of_duties"),
        ("registry", "0001_initial"),
        ("coaching", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
