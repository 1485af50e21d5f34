"""NIKs in exports: masked unless the user may see full NIKs, and a full-NIK export is logged per
owner with purpose "ekspor" (docs/rules.md rule 10)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pembinaan.registry.models import NikAccessLog
from tests.coaching.factories import ActivityFactory, ParticipationFactory
from tests.exports.sheets import content_of, records_of
from tests.factories import BusinessFactory, OwnerFactory, make_nik
from tests.funding.factories import CapitalAssistanceFactory

pytestmark = pytest.mark.django_db

NIK = make_nik(day=3, month=2, yy=77, serial=1)  # 6371010302770001: a birth date the factories never use
MASKED = "6371 **** **** 0001"
FORMATS = ["xlsx", "csv"]


@pytest.fixture
def business():
    owner = OwnerFactory(nik=NIK, name="Aminah")
    return BusinessFactory(owner=owner, name="Amplang Aminah")


@pytest.fixture
def urls(business):
    activity = ActivityFactory()
    ParticipationFactory(activity=activity, business=business)
    CapitalAssistanceFactory(business=business)
    return {
        "businesses": lambda fmt: reverse("registry:business-export", args=[fmt]),
        "participants": lambda fmt: reverse("coaching:participants-export", args=[activity.pk, fmt]),
        "grants": lambda fmt: reverse("coaching:grant-export", args=[fmt]),
    }


EXPORTS = ["businesses", "participants", "grants"]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("export", EXPORTS)
def test_staff_export_masked_niks_and_nothing_is_logged(staff_client, urls, export, fmt):
    response = staff_client.get(urls[export](fmt))
    content = content_of(response)

    assert NIK.encode() not in content
    (record,) = records_of(staff_client.get(urls[export](fmt)))
    assert record["NIK"] == MASKED
    assert not NikAccessLog.objects.exists()


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("export", EXPORTS)
def test_an_admin_exports_full_niks_and_the_export_is_logged(
    admin_client, admin_user, business, urls, export, fmt
):
    (record,) = records_of(admin_client.get(urls[export](fmt)))

    assert record["NIK"] == NIK
    log = NikAccessLog.objects.get()
    assert (log.user, log.owner, log.purpose) == (admin_user, business.owner, NikAccessLog.Purpose.EXPORT)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_staff_account_granted_full_niks_exports_them_and_is_logged(
    nik_staff_client, nik_staff_user, urls, fmt
):
    (record,) = records_of(nik_staff_client.get(urls["businesses"](fmt)))

    assert record["NIK"] == NIK
    assert NikAccessLog.objects.filter(user=nik_staff_user, purpose=NikAccessLog.Purpose.EXPORT).count() == 1


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_full_nik_export_logs_each_owner_once_and_only_owners_with_a_nik(admin_client, business, fmt):
    BusinessFactory(owner=business.owner, name="Amplang Aminah Cabang Kuin")
    others = OwnerFactory.create_batch(3)
    for owner in others:
        BusinessFactory(owner=owner)
    BusinessFactory(owner=OwnerFactory(nik=None))

    records = records_of(admin_client.get(reverse("registry:business-export", args=[fmt])))

    assert len(records) == 6
    logged = NikAccessLog.objects.filter(purpose=NikAccessLog.Purpose.EXPORT)
    assert sorted(logged.values_list("owner_id", flat=True)) == sorted(
        [business.owner.pk, *(o.pk for o in others)]
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_filtered_full_nik_export_logs_only_the_owners_exported(admin_client, business, fmt):
    BusinessFactory.create_batch(3, name="Warung Lain")

    records_of(admin_client.get(reverse("registry:business-export", args=[fmt]), {"q": "amplang"}))

    assert list(NikAccessLog.objects.values_list("owner_id", flat=True)) == [business.owner.pk]


def test_the_list_page_tells_staff_the_export_masks_niks_and_admins_that_it_is_logged(
    staff_client, admin_client, business
):
    staff_page = staff_client.get(reverse("registry:business-list")).content.decode()
    admin_page = admin_client.get(reverse("registry:business-list")).content.decode()

    assert "NIK disamarkan." in staff_page
    assert "Berisi NIK lengkap; setiap unduhan tercatat." in admin_page
