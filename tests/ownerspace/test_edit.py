"""Editing a verified business: identity goes to staff for review, everything else applies at once."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from pembinaan.ownerspace.models import ChangeRequest
from pembinaan.progress.models import Target
from pembinaan.progress.selectors import check_aggregates
from pembinaan.reference.models import Kelurahan
from pembinaan.registry.models import Business, Owner
from tests.factories import BusinessFactory, make_nik
from tests.ownerspace.test_resubmit import _form

pytestmark = pytest.mark.django_db


def _other_kelurahan(business: Business) -> Kelurahan:
    return Kelurahan.objects.exclude(pk=business.kelurahan_id).order_by("code").last()


def test_identity_changes_wait_for_review_while_products_apply_at_once(owner_client, mine):
    new_kelurahan = _other_kelurahan(mine)
    response = owner_client.post(
        reverse("ownerspace:business-edit", args=[mine.pk]),
        _form(
            mine, name="Amplang Bu Sari Jaya", kelurahan=new_kelurahan.pk, products="amplang, kerupuk ikan"
        ),
        follow=True,
    )
    assert "menunggu pemeriksaan" in response.content.decode()
    mine.refresh_from_db()
    assert mine.name == "Amplang Bu Sari"
    assert mine.kelurahan_id != new_kelurahan.pk
    assert mine.products == "amplang, kerupuk ikan"
    change = ChangeRequest.objects.get(business=mine)
    assert change.changes == {"name": "Amplang Bu Sari Jaya", "kelurahan": new_kelurahan.pk}
    # The immediate change is in the change history the owner reads.
    history = owner_client.get(reverse("ownerspace:business-detail", args=[mine.pk])).context["history"]
    assert any(c.new == "amplang, kerupuk ikan" for entry in history for c in entry.changes)


def test_a_new_nik_of_the_owner_is_also_an_identity_change(owner_client, mine):
    nik = make_nik(serial=4321)
    owner_client.post(reverse("ownerspace:business-edit", args=[mine.pk]), _form(mine, owner_nik=nik))
    assert ChangeRequest.objects.get(business=mine).changes == {"owner_nik": nik}
    assert Owner.objects.get(pk=mine.owner_id).nik != nik


def test_a_second_edit_before_review_joins_the_open_request(owner_client, mine):
    url = reverse("ownerspace:business-edit", args=[mine.pk])
    owner_client.post(url, _form(mine, name="Nama Baru"))
    owner_client.post(url, _form(mine, nib="1111222233334"))
    change = ChangeRequest.objects.get(business=mine)
    assert change.changes == {"name": "Nama Baru", "nib": "1111222233334"}


def test_an_unchanged_identity_creates_no_request(owner_client, mine):
    owner_client.post(reverse("ownerspace:business-edit", args=[mine.pk]), _form(mine, address="Jl. Baru 1"))
    assert not ChangeRequest.objects.exists()


def test_staff_approval_applies_the_change_through_the_registry_and_keeps_the_figures_true(
    owner_client, staff_client, mine
):
    target = Target.primary()
    call_command("rebuild_progress", verbosity=0)
    new_kelurahan = _other_kelurahan(mine)
    owner_client.post(
        reverse("ownerspace:business-edit", args=[mine.pk]),
        _form(mine, name="Amplang Bu Sari Jaya", kelurahan=new_kelurahan.pk),
    )
    change = ChangeRequest.objects.get()
    staff_client.post(reverse("ownerspace:change-request-review", args=[change.pk]), {"approve": "1"})
    mine.refresh_from_db()
    assert (mine.name, mine.kelurahan_id) == ("Amplang Bu Sari Jaya", new_kelurahan.pk)
    assert ChangeRequest.objects.get().status == ChangeRequest.Status.APPROVED
    assert mine.history.first().history_user.is_staf_dinas
    assert check_aggregates(target) == []


def test_a_refusal_needs_a_reason_and_the_owner_reads_it(owner_client, staff_client, mine):
    owner_client.post(reverse("ownerspace:business-edit", args=[mine.pk]), _form(mine, name="Nama Baru"))
    change = ChangeRequest.objects.get()
    url = reverse("ownerspace:change-request-review", args=[change.pk])
    response = staff_client.post(url, {"refuse": "1", "reason": ""})
    assert response.context["form"].errors["reason"] == ["Bidang ini tidak boleh kosong."]
    staff_client.post(url, {"refuse": "1", "reason": "Nama tidak sesuai NIB."})
    page = owner_client.get(reverse("ownerspace:business-detail", args=[mine.pk])).content.decode()
    assert "Nama tidak sesuai NIB." in page
    mine.refresh_from_db()
    assert mine.name == "Amplang Bu Sari"


def test_approval_refused_when_the_nib_was_taken_meanwhile(owner_client, staff_client, mine):
    owner_client.post(reverse("ownerspace:business-edit", args=[mine.pk]), _form(mine, nib="1111222233334"))
    BusinessFactory(nib="1111222233334")
    change = ChangeRequest.objects.get()
    response = staff_client.post(
        reverse("ownerspace:change-request-review", args=[change.pk]), {"approve": "1"}, follow=True
    )
    assert "NIB ini sudah terdaftar" in response.content.decode()
    assert ChangeRequest.objects.get().status == ChangeRequest.Status.PENDING


def test_an_identity_change_to_a_nib_already_taken_is_refused_at_once(owner_client, mine):
    BusinessFactory(nib="1111222233334")
    response = owner_client.post(
        reverse("ownerspace:business-edit", args=[mine.pk]),
        _form(mine, nib="1111222233334", products="produk baru"),
    )
    assert response.context["form"].errors["nib"]
    mine.refresh_from_db()
    assert mine.products != "produk baru"
    assert not ChangeRequest.objects.exists()


def test_the_owner_edits_their_contact_data(owner_client, owner_user):
    url = reverse("ownerspace:contact-edit")
    response = owner_client.post(url, {"phone": "12", "email": "bukan-email", "address": "Jl. A"})
    assert response.context["form"].errors["email"] == ["Masukkan alamat email yang valid."]
    assert response.context["form"].errors["phone"]
    owner_client.post(
        url, {"phone": "0813-5555-1234", "email": "sari@contoh.test", "address": "Jl. Sultan Adam 3"}
    )
    owner = Owner.objects.get(user=owner_user)
    assert (owner.phone, owner.email, owner.address) == (
        "+6281355551234",
        "sari@contoh.test",
        "Jl. Sultan Adam 3",
    )


def test_a_new_nik_typed_on_a_rejected_business_still_waits_when_another_business_is_verified(
    owner_client, owner_user, mine, staff_user
):
    from pembinaan.registry import services as registry
    from pembinaan.registry.models import BusinessStatus

    rejected = BusinessFactory(owner=owner_user.owner_profile, status=BusinessStatus.SUBMITTED)
    registry.business_reject(business=rejected, by=staff_user, reason="Foto KTP buram")
    nik = make_nik(serial=9876)
    owner_client.post(reverse("ownerspace:business-edit", args=[rejected.pk]), _form(rejected, owner_nik=nik))
    rejected.refresh_from_db()
    assert rejected.status == BusinessStatus.SUBMITTED
    assert Owner.objects.get(user=owner_user).nik != nik
    assert ChangeRequest.objects.get().business == mine
    assert ChangeRequest.objects.get().changes == {"owner_nik": nik}
