"""Withdrawing consent: recorded with its time, effective at once, explained to the owner."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pembinaan.ownerspace import services as ownerspace
from pembinaan.ownerspace.models import BusinessProfile
from pembinaan.privacy.models import AuditEntry, DataRequest

pytestmark = pytest.mark.django_db


def test_the_page_explains_what_withdrawal_means(owner_client):
    page = owner_client.get(reverse("privacy:consent-withdraw")).content.decode()
    assert "wajib disimpan menurut hukum" in page
    assert "tidak lagi tampil di Direktori UMKM" in page


def test_withdrawal_is_recorded_with_its_time_and_takes_the_profiles_down(
    owner_client, owner_user, mine, anon_client
):
    response = owner_client.post(reverse("privacy:consent-withdraw"), {"confirm": "on"}, follow=True)
    assert "Persetujuan Anda sudah ditarik" in response.content.decode()
    request = DataRequest.objects.get(kind=DataRequest.Kind.CONSENT_WITHDRAWAL)
    assert request.owner == owner_user.owner_profile
    assert request.requested_at is not None
    assert AuditEntry.objects.filter(request=request, action="persetujuan-ditarik").exists()
    assert not BusinessProfile.objects.get(business=mine).is_public
    assert anon_client.get(reverse("ownerspace:public-profile", args=[mine.pk])).status_code == 404
    with pytest.raises(ValidationError):
        ownerspace.profile_update(business=mine, by=owner_user, is_public=True, contact="hp")


def test_withdrawing_twice_is_refused(owner_client):
    owner_client.post(reverse("privacy:consent-withdraw"), {"confirm": "on"})
    response = owner_client.post(reverse("privacy:consent-withdraw"), {"confirm": "on"})
    assert "sudah menarik persetujuan" in response.content.decode()
    assert DataRequest.objects.count() == 1


def test_staff_close_a_withdrawal_with_an_audit_entry(owner_client, staff_client, staff_user):
    owner_client.post(reverse("privacy:consent-withdraw"), {"confirm": "on"})
    request = DataRequest.objects.get()
    staff_client.post(
        reverse("privacy:request-detail", args=[request.pk]),
        {"process": "1", "response": "Data tidak dipakai lagi untuk undangan."},
    )
    request.refresh_from_db()
    assert (request.status, request.decided_by) == ("selesai", staff_user)
    entry = AuditEntry.objects.filter(request=request).last()
    assert (entry.action, entry.actor) == ("diproses", staff_user)
    page = owner_client.get(reverse("privacy:my-data")).content.decode()
    assert "Selesai diproses" in page
    assert "Data tidak dipakai lagi untuk undangan." in page
