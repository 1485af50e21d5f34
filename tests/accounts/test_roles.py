import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from pembinaan.accounts import roles
from pembinaan.accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_four_roles_exist_as_groups():
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ALL)


def test_only_admin_dinas_may_see_full_niks_and_manage_accounts(
    admin_user, staff_user, viewer_user, owner_user
):
    assert admin_user.has_perm("registry.view_full_nik")
    assert admin_user.has_perm("accounts.add_user")
    for user in (staff_user, viewer_user, owner_user):
        assert not user.has_perm("registry.view_full_nik")
        assert not user.has_perm("accounts.add_user")


def test_staff_may_keep_and_verify_the_registry_but_council_and_owners_may_not(
    staff_user, viewer_user, owner_user
):
    for perm in ("registry.add_business", "registry.verify_business", "registry.merge_business"):
        assert staff_user.has_perm(perm)
        assert not viewer_user.has_perm(perm)
        assert not owner_user.has_perm(perm)


def test_admin_dinas_creates_a_staff_account_in_the_django_admin(admin_client):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "baru@dinas.test",
            "phone": "",
            "full_name": "Staf Baru",
            "password1": "Banjarmasin-Baiman-2026",
            "password2": "Banjarmasin-Baiman-2026",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.filter(email="baru@dinas.test").exists()


def test_admin_dinas_cannot_make_anyone_superuser_or_edit_a_superuser(admin_client, admin_user):
    root = UserFactory(email="root@dinas.test", is_superuser=True, is_staff=True)
    page = admin_client.get(reverse("admin:accounts_user_change", args=[admin_user.pk]))
    assert page.status_code == 200
    assert 'name="is_superuser"' not in page.content.decode()
    response = admin_client.post(reverse("admin:accounts_user_change", args=[root.pk]), {"email": "x@x.test"})
    assert response.status_code == 403
    root.refresh_from_db()
    assert root.email == "root@dinas.test"


def test_staff_and_council_members_cannot_open_the_django_admin(staff_client, viewer_client):
    for client in (staff_client, viewer_client):
        assert client.get(reverse("admin:index")).status_code == 302


def test_an_account_needs_an_email_or_a_phone():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(email=None, password="x", full_name="Tanpa Kontak")


def test_emails_are_stored_in_lower_case():
    user = User.objects.create_user(email="Siti@Contoh.TEST", password="x", full_name="Siti")
    assert user.email == "siti@contoh.test"
