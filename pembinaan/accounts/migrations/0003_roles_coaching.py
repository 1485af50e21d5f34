"""Permissions for coaching, funding sources and targets (issue: coaching)."""

from django.db import migrations

from pembinaan.accounts import roles

STAFF = [
    "coaching.view_activity",
    "coaching.add_activity",
    "coaching.change_activity",
    "coaching.view_participation",
    "coaching.add_participation",
    "coaching.change_participation",
    "coaching.view_outcome",
    "coaching.add_outcome",
    "coaching.change_outcome",
    "coaching.view_figuressnapshot",
    "coaching.add_figuressnapshot",
    "coaching.view_activityattachment",
    "coaching.add_activityattachment",
    "coaching.view_coachingtype",
    "coaching.view_outcometype",
    "funding.view_fundingsource",
    "progress.view_target",
]
ADMIN_ONLY = [
    "coaching.add_coachingtype",
    "coaching.change_coachingtype",
    "coaching.add_outcometype",
    "coaching.change_outcometype",
    "coaching.delete_activityattachment",
    "funding.add_fundingsource",
    "funding.change_fundingsource",
    "progress.add_target",
    "progress.change_target",
]


def grant(apps, schema_editor):
    roles.grant(apps, roles.STAFF, STAFF)
    roles.grant(apps, roles.ADMIN, STAFF + ADMIN_ONLY)


def revoke(apps, schema_editor):
    roles.revoke(apps, roles.STAFF, STAFF)
    roles.revoke(apps, roles.ADMIN, STAFF + ADMIN_ONLY)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_roles"),
        ("coaching", "0002_default_types"),
        ("funding", "0002_default_sources"),
        ("progress", "0002_primary_target"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
