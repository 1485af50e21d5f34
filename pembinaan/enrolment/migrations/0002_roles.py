"""Dinas staff decide claim requests and see the outbox's failed messages (issue 6)."""

from django.db import migrations

from pembinaan.accounts import roles

PERMISSIONS = [
    "enrolment.view_claimrequest",
    "enrolment.change_claimrequest",
    "notifications.view_outboxmessage",
    "notifications.change_outboxmessage",
]


def grant(apps, schema_editor):
    roles.grant(apps, roles.STAFF, PERMISSIONS)
    roles.grant(apps, roles.ADMIN, PERMISSIONS)


def revoke(apps, schema_editor):
    roles.revoke(apps, roles.STAFF, PERMISSIONS)
    roles.revoke(apps, roles.ADMIN, PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_roles_snapshots"),
        ("enrolment", "0001_initial"),
        ("notifications", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
