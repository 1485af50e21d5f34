"""Staff give an owner who came to the office a one-time code to set a new password."""

import re

import pytest
from django.contrib.auth.hashers import check_password
from django.test import Client
from django.urls import reverse

from pembinaan.accounts import roles
from pembinaan.accounts.models import ResetCode
from pembinaan.notifications.models import OutboxMessage
from tests.factories import OwnerFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Kue-Bingka-Banjar-7"


@pytest.fixture
def phone_owner(db):
    user = UserFactory(role=roles.OWNER, email=None, phone="+6281355500001", full_name="Rahmah")
    return OwnerFactory(user=user, name="Rahmah", phone=user.phone, email="")


def _issue(client, owner, confirm=True):
    data = {"confirm": "on"} if confirm else {}
    return client.post(reverse("registry:owner-reset-code-issue", args=[owner.pk]), data)


def _shown_code(response) -> str:
    return re.search(r"data-reset-code>(\d{6})<", response.content.decode()).group(1)


def test_staff_issue_a_code_that_is_shown_once_and_recorded(staff_client, staff_user, phone_owner):
    response = _issue(staff_client, phone_owner)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    code = _shown_code(response)
    row = ResetCode.objects.get()
    assert (row.user, row.issued_by, row.via) == (phone_owner.user, staff_user, ResetCode.Via.STAFF)
    assert check_password(code, row.code_hash)
    assert "Pemberian kode ini sudah dicatat atas nama Anda." in response.content.decode()
    assert not OutboxMessage.objects.exists()  # handed over in person, never sent
    # The owner's page never shows it again.
    page = staff_client.get(reverse("registry:owner-detail", args=[phone_owner.pk]))
    assert code not in page.content.decode()


def test_the_owner_sets_a_new_password_with_the_code_from_staff(staff_client, phone_owner):
    code = _shown_code(_issue(staff_client, phone_owner))
    response = Client().post(
        reverse("accounts:password-reset-code"),
        {
            "identifier": "0813 5550 0001",
            "code": code,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    login = Client().post(reverse("accounts:login"), {"username": "081355500001", "password": NEW_PASSWORD})
    assert login.status_code == 302
    assert ResetCode.objects.get().used_at is not None


def test_admins_may_issue_codes_too(admin_client, phone_owner):
    assert _issue(admin_client, phone_owner).status_code == 200


@pytest.mark.parametrize("persona", ["owner_client", "viewer_client"])
def test_owners_and_council_members_are_refused(request, persona, phone_owner):
    client = request.getfixturevalue(persona)
    assert _issue(client, phone_owner).status_code == 403
    assert not ResetCode.objects.exists()


def test_an_owner_cannot_issue_a_code_for_their_own_record(owner_client, owner_user):
    assert _issue(owner_client, owner_user.owner_profile).status_code == 403


def test_anonymous_visitors_are_sent_to_the_login_page(anon_client, phone_owner):
    response = _issue(anon_client, phone_owner)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert not ResetCode.objects.exists()


def test_the_action_takes_posts_only(staff_client, phone_owner):
    response = staff_client.get(reverse("registry:owner-reset-code-issue", args=[phone_owner.pk]))
    assert response.status_code == 405


def test_an_unknown_owner_is_not_found(staff_client):
    assert (
        staff_client.post(
            reverse("registry:owner-reset-code-issue", args=[999999]), {"confirm": "on"}
        ).status_code
        == 404
    )


def test_staff_must_confirm_they_checked_the_identity(staff_client, phone_owner):
    response = _issue(staff_client, phone_owner, confirm=False)
    assert response.status_code == 302
    assert not ResetCode.objects.exists()
    page = staff_client.get(response.url)
    assert "Centang kotak ini setelah memeriksa KTP pemilik." in page.content.decode()


def test_an_owner_without_an_account_gets_a_clear_message(staff_client):
    owner = OwnerFactory(user=None)
    response = _issue(staff_client, owner)
    assert response.status_code == 302
    page = staff_client.get(response.url)
    assert "Pelaku usaha ini belum punya akun untuk masuk ke portal." in page.content.decode()


def test_no_code_for_an_account_that_is_not_an_owners(staff_client, admin_user):
    record = OwnerFactory(user=admin_user)
    response = _issue(staff_client, record)
    assert response.status_code == 302
    assert (
        "Kode hanya dapat diberikan untuk akun pelaku usaha yang aktif."
        in staff_client.get(response.url).content.decode()
    )
    assert not ResetCode.objects.exists()


def test_the_owner_page_offers_the_action_to_staff_only(
    staff_client, admin_client, viewer_client, phone_owner
):
    url = reverse("registry:owner-detail", args=[phone_owner.pk])
    action = reverse("registry:owner-reset-code-issue", args=[phone_owner.pk])
    assert action in staff_client.get(url).content.decode()
    assert action in admin_client.get(url).content.decode()
    viewer_page = viewer_client.get(url)
    assert viewer_page.status_code == 403 or action not in viewer_page.content.decode()
