"""A rejected (or draft) business: the owner reads the reason, corrects it and submits it again."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pembinaan.registry import services as registry
from pembinaan.registry.models import Business, BusinessStatus, StatusChange
from tests.factories import BusinessFactory

pytestmark = pytest.mark.django_db


def _form(business: Business, **changes) -> dict:
    data = {
        "name": business.name,
        "kelurahan": business.kelurahan_id,
        "address": business.address,
        "kbli_category": business.kbli_category_id,
        "annual_sales": str(business.annual_sales or ""),
        "products": business.products,
    }
    data.update(changes)
    return data


@pytest.fixture
def rejected(owner_user, staff_user):
    business = BusinessFactory(
        owner=owner_user.owner_profile, status=BusinessStatus.SUBMITTED, name="Kue Bingka"
    )
    return registry.business_reject(business=business, by=staff_user, reason="Alamat usaha belum diisi.")


def test_the_owner_sees_the_reason_a_business_was_rejected(owner_client, rejected):
    page = owner_client.get(reverse("ownerspace:home")).content.decode()
    assert "Alamat usaha belum diisi." in page
    assert reverse("ownerspace:business-edit", args=[rejected.pk]) in page


def test_a_corrected_rejected_business_is_submitted_again_and_the_timeline_says_so(
    owner_client, owner_user, rejected
):
    response = owner_client.post(
        reverse("ownerspace:business-edit", args=[rejected.pk]),
        _form(rejected, address="Jl. Veteran No. 12"),
    )
    assert response.status_code == 302
    rejected.refresh_from_db()
    assert rejected.status == BusinessStatus.SUBMITTED
    assert rejected.address == "Jl. Veteran No. 12"
    last = StatusChange.objects.filter(business=rejected).last()
    assert (last.from_status, last.to_status, last.changed_by) == ("ditolak", "diajukan", owner_user)


def test_a_draft_can_be_submitted_by_its_owner(owner_client, owner_user):
    draft = BusinessFactory(owner=owner_user.owner_profile, status=BusinessStatus.DRAFT)
    owner_client.post(reverse("ownerspace:business-edit", args=[draft.pk]), _form(draft))
    draft.refresh_from_db()
    assert draft.status == BusinessStatus.SUBMITTED


def test_bad_input_on_resubmission_shows_indonesian_messages_and_changes_nothing(owner_client, rejected):
    response = owner_client.post(
        reverse("ownerspace:business-edit", args=[rejected.pk]),
        _form(rejected, name="", nib="123", address="Alamat baru"),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["name"] == ["Bidang ini tidak boleh kosong."]
    assert "13 digit" in " ".join(form.errors["nib"])
    rejected.refresh_from_db()
    assert rejected.status == BusinessStatus.REJECTED
    assert rejected.address != "Alamat baru"


def test_a_nib_of_another_business_stops_the_resubmission_with_nothing_saved(owner_client, rejected):
    BusinessFactory(nib="1234567890123")
    response = owner_client.post(
        reverse("ownerspace:business-edit", args=[rejected.pk]),
        _form(rejected, nib="1234567890123", address="Alamat baru"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["nib"]
    rejected.refresh_from_db()
    assert (rejected.status, rejected.nib) == (BusinessStatus.REJECTED, None)
    assert rejected.address != "Alamat baru"


def test_a_verified_business_is_never_resubmitted(owner_user):
    from django.core.exceptions import ValidationError

    from pembinaan.ownerspace import services

    verified = BusinessFactory(owner=owner_user.owner_profile)
    with pytest.raises(ValidationError):
        services.business_resubmit(business=verified, by=owner_user)
