"""Deletion per docs/rules.md rule 10: a coached business is anonymised and still counts; others go."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from pembinaan.accounts.models import User
from pembinaan.coaching.models import FiguresSnapshot, Participation
from pembinaan.ownerspace import services as ownerspace
from pembinaan.ownerspace.models import BusinessProfile, ChangeRequest
from pembinaan.privacy.models import AuditEntry, DataRequest
from pembinaan.progress.models import Target
from pembinaan.progress.selectors import check_aggregates, dashboard
from pembinaan.registry.models import Business, Owner
from tests.factories import BusinessFactory

pytestmark = pytest.mark.django_db


def _ask(owner_client) -> DataRequest:
    response = owner_client.post(
        reverse("privacy:deletion-request"), {"confirm": "on", "note": "Usaha sudah tutup"}
    )
    assert response.status_code == 302
    return DataRequest.objects.get(kind=DataRequest.Kind.DELETION)


def test_the_request_needs_confirmation_and_only_one_can_be_open(owner_client):
    response = owner_client.post(reverse("privacy:deletion-request"), {})
    assert response.context["form"].errors["confirm"] == ["Centang kotak ini untuk melanjutkan."]
    assert not DataRequest.objects.exists()
    _ask(owner_client)
    response = owner_client.post(reverse("privacy:deletion-request"), {"confirm": "on"})
    assert "sudah diajukan" in response.content.decode()
    assert DataRequest.objects.count() == 1


def test_asking_hides_the_public_profile_at_once_and_the_owner_sees_the_status(owner_client, mine):
    _ask(owner_client)
    assert not BusinessProfile.objects.get(business=mine).is_public
    page = owner_client.get(reverse("privacy:my-data")).content.decode()
    assert "Diajukan, menunggu diproses" in page


def test_a_coached_business_is_anonymised_and_still_counts_an_uncoached_one_is_deleted(
    owner_client, owner_user, staff_client, staff_user, mine, theirs, media, anon_client
):
    owner = owner_user.owner_profile
    owner.email, owner.address = "sari@contoh.test", "Jl. Kelayan B No. 7"
    owner.save()
    mine.nib, mine.address, mine.marketplace_url = "1234567890123", "Jl. Kelayan B", "https://toko.test/sari"
    mine.save()
    uncoached = BusinessFactory(owner=owner, name="Usaha Baru Belum Dibina")
    FiguresSnapshot.objects.create(business=uncoached, year=2024, annual_sales=1)
    ownerspace.business_owner_edit(business=mine, by=owner_user, name="Amplang Sari Rahasia")
    target = Target.primary()
    call_command("rebuild_progress", verbosity=0)
    before = dashboard(target)["coached_total"]
    assert before == 2

    request = _ask(owner_client)
    response = staff_client.post(
        reverse("privacy:request-detail", args=[request.pk]), {"process": "1", "response": "Sudah diproses."}
    )
    assert response.status_code == 302

    mine.refresh_from_db()
    assert mine.name == f"Usaha dianonimkan #{mine.pk}"
    assert (mine.nib, mine.address, mine.marketplace_url, mine.products) == (None, "", "", "")
    assert mine.status == "terverifikasi"
    assert Participation.objects.filter(business=mine).exists()
    assert not Business.objects.filter(pk=uncoached.pk).exists()
    owner.refresh_from_db()
    assert owner.name == f"Pelaku usaha dianonimkan #{owner.pk}"
    assert (owner.nik, owner.phone, owner.email, owner.address, owner.birth_date, owner.user) == (
        None,
        "",
        "",
        "",
        None,
        None,
    )
    # No old version keeps what was erased.
    assert not Owner.history.filter(id=owner.pk, name__contains="Pemilik").exists()
    assert not Owner.history.filter(id=owner.pk).exclude(nik=None).exists()
    assert not Business.history.filter(id=mine.pk, name="Amplang Bu Sari").exists()
    assert not Business.history.filter(id=uncoached.pk).exists()
    assert not ChangeRequest.objects.filter(business=mine).exists()
    account = User.objects.get(pk=owner_user.pk)
    assert not account.is_active and not account.has_usable_password() and account.phone is None
    # The totals the council watches are unchanged and true.
    assert dashboard(target)["coached_total"] == before
    assert check_aggregates(target) == []
    request.refresh_from_db()
    assert (request.status, request.decided_by, request.response) == (
        "selesai",
        staff_user,
        "Sudah diproses.",
    )
    actions = list(AuditEntry.objects.filter(request=request).values_list("action", "detail"))
    assert ("dianonimkan", f"usaha #{mine.pk}") in actions
    assert ("dihapus", f"usaha #{uncoached.pk}") in actions
    assert ("dianonimkan", f"pelaku usaha #{owner.pk}") in actions
    assert actions[-1][0] == "diproses"
    assert anon_client.get(reverse("ownerspace:public-profile", args=[mine.pk])).status_code == 404
    assert not BusinessProfile.objects.filter(business=mine).exists()
    # The other owner is untouched.
    theirs.refresh_from_db()
    assert theirs.name == "Sasirangan Pak Udin"


def test_an_owner_without_coaching_history_is_deleted_and_the_request_remains(
    owner_client, owner_user, staff_client
):
    owner = owner_user.owner_profile
    business = BusinessFactory(owner=owner)
    request = _ask(owner_client)
    staff_client.post(reverse("privacy:request-detail", args=[request.pk]), {"process": "1"})
    assert not Owner.objects.filter(pk=owner.pk).exists()
    assert not Business.objects.filter(pk=business.pk).exists()
    assert not Owner.history.filter(id=owner.pk).exists()
    request.refresh_from_db()
    assert (request.owner, request.owner_label, request.status) == (None, f"#{owner.pk}", "selesai")
    assert AuditEntry.objects.filter(request=request, action="dihapus").count() == 2
    # The staff list still shows the request after the owner is gone.
    page = staff_client.get(reverse("privacy:request-list"), {"status": "selesai"}).content.decode()
    assert f"#{owner.pk}" in page


def test_staff_may_refuse_with_a_reason_the_owner_reads(owner_client, staff_client, mine):
    request = _ask(owner_client)
    url = reverse("privacy:request-detail", args=[request.pk])
    response = staff_client.post(url, {"refuse": "1", "response": ""})
    assert response.context["form"].errors["response"]
    staff_client.post(url, {"refuse": "1", "response": "Masih ada bantuan yang sedang diaudit."})
    mine.refresh_from_db()
    assert mine.name == "Amplang Bu Sari"
    page = owner_client.get(reverse("privacy:my-data")).content.decode()
    assert "Masih ada bantuan yang sedang diaudit." in page
    assert AuditEntry.objects.filter(request=request, action="ditolak").exists()


def test_a_processed_request_cannot_be_processed_twice(owner_client, staff_client):
    request = _ask(owner_client)
    url = reverse("privacy:request-detail", args=[request.pk])
    staff_client.post(url, {"process": "1"})
    staff_client.post(url, {"process": "1"})
    assert AuditEntry.objects.filter(request=request, action="diproses").count() == 1


def test_erasure_also_removes_claims_on_the_record_and_the_messages_sent_to_the_person(
    owner_client, owner_user, staff_client
):
    from pembinaan.enrolment.models import ClaimRequest
    from pembinaan.notifications.models import OutboxMessage
    from tests.factories import UserFactory

    owner = owner_user.owner_profile
    owner.email = "pemilik.hapus@contoh.test"
    owner.save()
    BusinessFactory(owner=owner)
    claimant = UserFactory(role="Pelaku UMKM")
    ClaimRequest.objects.create(
        user=claimant,
        owner=owner,
        matched_by=ClaimRequest.MatchedBy.NIK,
        submitted={"owner": {"name": "Orang Lain"}, "business": {}},
        consent_version="1",
        consent_at=owner.created_at,
    )
    OutboxMessage.objects.create(
        recipient="pemilik.hapus@contoh.test", subject="Usaha terverifikasi", body="…"
    )
    request = _ask(owner_client)
    staff_client.post(reverse("privacy:request-detail", args=[request.pk]), {"process": "1"})
    assert not ClaimRequest.objects.exists()
    assert not ClaimRequest.history.exists()
    assert not OutboxMessage.objects.filter(recipient__iexact="pemilik.hapus@contoh.test").exists()
