"""NIKs are masked unless a role is granted to see them, and every full view is logged (rule 10)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from pembinaan.registry.models import DuplicatePair, NikAccessLog
from tests.factories import BusinessFactory, OwnerFactory, UserFactory, make_nik, roles

pytestmark = pytest.mark.django_db

NIK = make_nik(serial=1)  # 6371011506850001
MASKED = "6371 **** **** 0001"


@pytest.fixture
def business():
    owner = OwnerFactory(nik=NIK, name="Aminah")
    return BusinessFactory(owner=owner, name="Amplang Aminah")


@pytest.fixture
def pair(business):
    other = BusinessFactory(owner=OwnerFactory(nik=make_nik(serial=2)), name="Amplang Aminah")
    a, b = sorted([business, other], key=lambda x: x.pk)
    return DuplicatePair.objects.create(business_a=a, business_b=b, same_name=True)


@pytest.fixture
def nik_staff_client(db):
    """A Staf Dinas account that has been granted just the one extra permission."""
    user = UserFactory(role=roles.STAFF, email="staf-nik@dinas.test")
    user.user_permissions.add(
        Permission.objects.get(codename="view_full_nik", content_type__app_label="registry")
    )
    client = Client()
    client.force_login(user)
    client.user = user
    return client


def _pages(business) -> dict[str, str]:
    return {
        "list": reverse("registry:business-list"),
        "detail": reverse("registry:business-detail", kwargs={"pk": business.pk}),
        "owner": reverse("registry:owner-detail", kwargs={"pk": business.owner.pk}),
    }


@pytest.mark.parametrize("page", ["list", "detail", "owner"])
def test_staff_see_a_masked_nik_and_never_the_full_one(staff_client, business, page):
    html = staff_client.get(_pages(business)[page]).content.decode()

    assert MASKED in html
    assert NIK not in html


@pytest.mark.parametrize("page", ["list", "detail", "owner"])
def test_the_masked_nik_pages_log_no_full_nik_access_for_staff(staff_client, business, page):
    staff_client.get(_pages(business)[page])

    assert not NikAccessLog.objects.exists()


def test_staff_see_only_masked_niks_when_reviewing_a_duplicate(staff_client, pair):
    html = staff_client.get(reverse("registry:duplicate-review", kwargs={"pk": pair.pk})).content.decode()

    assert MASKED in html
    assert NIK not in html
    assert not NikAccessLog.objects.exists()


def test_staff_do_not_see_the_full_nik_on_the_owner_edit_form(staff_client, business):
    html = staff_client.get(reverse("registry:owner-edit", kwargs={"pk": business.owner.pk})).content.decode()

    assert NIK not in html
    assert not NikAccessLog.objects.exists()


def test_an_admin_opening_the_owner_edit_form_with_the_full_nik_is_logged(admin_client, admin_user, business):
    html = admin_client.get(reverse("registry:owner-edit", kwargs={"pk": business.owner.pk})).content.decode()

    assert NIK in html
    assert NikAccessLog.objects.filter(user=admin_user, owner=business.owner).exists()


@pytest.mark.parametrize("page", ["detail", "owner"])
def test_admin_sees_the_full_nik_and_the_view_is_logged(admin_client, admin_user, business, page):
    html = admin_client.get(_pages(business)[page]).content.decode()

    assert NIK in html
    assert "akses tercatat" in html
    log = NikAccessLog.objects.get()
    assert log.user == admin_user
    assert log.owner == business.owner
    assert log.purpose == NikAccessLog.Purpose.VIEW


def test_each_admin_view_of_a_full_nik_adds_a_log_row(admin_client, business):
    url = _pages(business)["detail"]

    admin_client.get(url)
    admin_client.get(url)

    assert NikAccessLog.objects.filter(owner=business.owner).count() == 2


def test_an_admin_view_of_an_owner_without_nik_logs_nothing(admin_client):
    business = BusinessFactory(owner=OwnerFactory(nik=None, gender="P"))

    response = admin_client.get(reverse("registry:business-detail", kwargs={"pk": business.pk}))

    assert response.status_code == 200
    assert not NikAccessLog.objects.exists()


def test_admin_reviewing_a_duplicate_sees_both_full_niks_and_both_are_logged(admin_client, admin_user, pair):
    html = admin_client.get(reverse("registry:duplicate-review", kwargs={"pk": pair.pk})).content.decode()

    assert NIK in html
    assert make_nik(serial=2) in html
    assert NikAccessLog.objects.filter(user=admin_user).count() == 2


@pytest.mark.parametrize("persona", ["staff_client", "admin_client", "nik_staff_client"])
def test_the_business_list_shows_masked_niks_to_everyone(request, business, persona):
    client = request.getfixturevalue(persona)

    html = client.get(reverse("registry:business-list")).content.decode()

    assert MASKED in html
    assert NIK not in html
    assert not NikAccessLog.objects.exists()


def test_a_staff_account_granted_view_full_nik_sees_the_full_nik_and_is_logged(nik_staff_client, business):
    html = nik_staff_client.get(_pages(business)["detail"]).content.decode()

    assert NIK in html
    log = NikAccessLog.objects.get()
    assert log.user == nik_staff_client.user
    assert log.owner == business.owner


def test_searching_the_list_by_full_nik_still_shows_it_masked(staff_client, business):
    html = staff_client.get(reverse("registry:business-list"), {"q": NIK}).content.decode()

    assert "Amplang Aminah" in html
    # The typed query is echoed back in the search box and the sort links; the row stays masked.
    assert f'<td class="text-nowrap">{MASKED}</td>' in html
    assert f"<td>{NIK}</td>" not in html
