"""The four roles of docs/rules.md as groups, with the registry's permissions.

Later apps grant their own permissions in their own migrations, with `roles.grant`.
"""

from django.db import migrations

from pembinaan.accounts import roles

REGISTRY_STAFF = [
    "registry.view_owner",
    "registry.add_owner",
    "registry.change_owner",
    "registry.view_business",
    "registry.add_business",
    "registry.change_business",
    "registry.verify_business",
    "registry.merge_business",
    "registry.view_duplicatepair",
    "registry.change_duplicatepair",
    "registry.view_statuschange",
    "reference.view_kecamatan",
    "reference.view_kelurahan",
    "reference.view_kblicategory",
]
ADMIN_ONLY = [
    "registry.view_full_nik",
    "registry.view_nikaccesslog",
    "accounts.view_user",
    "accounts.add_user",
    "accounts.change_user",
    "auth.view_group",
    "reference.add_kecamatan",
    "reference.change_kecamatan",
    "reference.add_kelurahan",
    "reference.change_kelurahan",
    "reference.change_kblicategory",
]


def create_roles(apps, schema_editor):
    roles.grant(apps, roles.STAFF, REGISTRY_STAFF)
    roles.grant(apps, roles.ADMIN, REGISTRY_STAFF + ADMIN_ONLY)
    roles.grant(apps, roles.OWNER, [])
    roles.grant(apps, roles.VIEWER, [])


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=roles.ALL).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("reference", "0002_load_reference_data"),
        ("registry", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
