"""'Data Saya': everything the portal holds about the owner, as a JSON file and a readable page."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from pembinaan.privacy import services
from pembinaan.registry.models import StatusChange

pytestmark = pytest.mark.django_db


def test_the_download_holds_the_owner_their_businesses_and_everything_about_them(
    owner_client, owner_user, mine
):
    owner = owner_user.owner_profile
    owner.consent_version = "2026-01"
    owner.save()
    services.consent_withdraw(owner=owner, by=owner_user)
    StatusChange.objects.create(
        business=mine, from_status="diajukan", to_status="terverifikasi", reason="NIB sesuai"
    )
    response = owner_client.get(reverse("privacy:my-data-download"))
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="data-saya-')
    assert response["Cache-Control"] == "private, no-store"
    data = json.loads(response.content)
    assert data["owner"]["nik"] == owner.nik
    assert data["owner"]["phone"] == owner.phone
    assert data["consent"] == {"version": "2026-01", "given_at": None, "withdrawn": True}
    assert [r["kind"] for r in data["requests"]] == ["Penarikan persetujuan"]
    (business,) = data["businesses"]
    assert business["name"] == "Amplang Bu Sari"
    assert business["participations"][0]["status"] == "hadir"
    assert business["participations"][0]["start_date"] == "2024-05-14"
    assert len(business["outcomes"]) == 1
    assert business["capital_assistance"][0]["amount"] == 5_000_000
    assert business["yearly_figures"][0]["year"] == 2023
    assert [(s["to"], s["reason"]) for s in business["status_timeline"]] == [("terverifikasi", "NIB sesuai")]
    assert business["public_profile"]["is_public"] is False


def test_the_download_holds_nothing_of_another_owner(owner_client, mine, theirs):
    body = owner_client.get(reverse("privacy:my-data-download")).content.decode()
    other = theirs.owner
    for value in (other.name, other.nik, other.phone, theirs.name, theirs.attended.activity.title):
        assert value not in body


def test_the_readable_page_shows_the_same_data(owner_client, mine, theirs):
    page = owner_client.get(reverse("privacy:my-data")).content.decode()
    assert "Amplang Bu Sari" in page
    assert mine.attended.activity.title in page
    assert "14 Mei 2024" in page
    assert theirs.name not in page
    assert mine.owner.nik not in page  # masked on screen; the file has it in full


@pytest.mark.parametrize("name", ["privacy:my-data", "privacy:my-data-download"])
def test_the_download_costs_a_fixed_number_of_queries(
    owner_client, owner_user, django_assert_max_num_queries, name
):
    from tests.ownerspace.conftest import coached_business

    for n in range(5):
        coached_business(owner_user.owner_profile, name=f"Usaha {n}")
    with django_assert_max_num_queries(18):
        assert owner_client.get(reverse(name)).status_code == 200
