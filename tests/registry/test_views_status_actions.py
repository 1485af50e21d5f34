"""Verify, reject, deactivate and reactivate a business from its page (docs/rules.md rule 1)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pembinaan.registry.models import Business, BusinessStatus, StatusChange
from tests.factories import BusinessFactory

pytestmark = pytest.mark.django_db

S = BusinessStatus


def _url(name: str, business: Business) -> str:
    return reverse(f"registry:{name}", kwargs={"pk": business.pk})


def _detail(business: Business) -> str:
    return _url("business-detail", business)


def test_staff_verify_a_submitted_business(staff_client, staff_user):
    business = BusinessFactory(status=S.SUBMITTED)

    response = staff_client.post(_url("business-verify", business))

    assert response.status_code == 302
    assert response["Location"] == _detail(business)
    business.refresh_from_db()
    assert business.status == S.VERIFIED
    change = business.status_changes.get()
    assert (change.from_status, change.to_status, change.changed_by) == (S.SUBMITTED, S.VERIFIED, staff_user)


def test_verifying_says_so_on_the_detail_page(staff_client):
    business = BusinessFactory(status=S.SUBMITTED)

    response = staff_client.post(_url("business-verify", business), follow=True)

    assert response.status_code == 200
    assert "Usaha diverifikasi." in response.content.decode()


def test_the_reject_page_asks_for_a_reason(staff_client):
    business = BusinessFactory(status=S.SUBMITTED, name="Kue Bingka Kentang")

    response = staff_client.get(_url("business-reject", business))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Tolak pendaftaran" in html
    assert "Kue Bingka Kentang" in html
    assert 'name="reason"' in html


@pytest.mark.parametrize("reason", ["", "   "])
def test_rejecting_without_a_reason_shows_an_error_and_changes_nothing(staff_client, reason):
    business = BusinessFactory(status=S.SUBMITTED)

    response = staff_client.post(_url("business-reject", business), {"reason": reason})

    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    business.refresh_from_db()
    assert business.status == S.SUBMITTED
    assert not business.status_changes.exists()


def test_a_rejected_business_shows_its_reason_on_the_detail_page(staff_client, staff_user):
    business = BusinessFactory(status=S.SUBMITTED)
    reason = "Foto KTP tidak terbaca; unggah ulang."

    response = staff_client.post(_url("business-reject", business), {"reason": reason})

    assert response.status_code == 302
    business.refresh_from_db()
    assert business.status == S.REJECTED
    assert business.status_reason == reason
    change = business.status_changes.get()
    assert (change.to_status, change.reason, change.changed_by) == (S.REJECTED, reason, staff_user)
    html = staff_client.get(_detail(business)).content.decode()
    assert "Foto KTP tidak terbaca; unggah ulang." in html
    assert "Ditolak" in html


def test_staff_deactivate_a_verified_business_with_a_reason(staff_client):
    business = BusinessFactory(status=S.VERIFIED)

    response = staff_client.post(_url("business-deactivate", business), {"reason": "Usaha tutup sejak Mei."})

    assert response.status_code == 302
    business.refresh_from_db()
    assert business.status == S.INACTIVE
    assert business.status_reason == "Usaha tutup sejak Mei."
    assert "Usaha tutup sejak Mei." in staff_client.get(_detail(business)).content.decode()


def test_deactivating_without_a_reason_shows_an_error_and_changes_nothing(staff_client):
    business = BusinessFactory(status=S.VERIFIED)

    response = staff_client.post(_url("business-deactivate", business), {"reason": ""})

    assert response.status_code == 200
    assert "Nonaktifkan usaha" in response.content.decode()
    business.refresh_from_db()
    assert business.status == S.VERIFIED


def test_staff_reactivate_an_inactive_business(staff_client, staff_user):
    business = BusinessFactory(status=S.INACTIVE, status_reason="Tutup sementara")

    response = staff_client.post(_url("business-reactivate", business))

    assert response.status_code == 302
    business.refresh_from_db()
    assert business.status == S.VERIFIED
    assert business.status_reason == ""
    assert business.status_changes.get().changed_by == staff_user


def test_the_full_cycle_is_recorded_step_by_step_on_the_timeline(staff_client):
    business = BusinessFactory(status=S.SUBMITTED)

    staff_client.post(_url("business-verify", business))
    staff_client.post(_url("business-deactivate", business), {"reason": "Pindah kota"})
    staff_client.post(_url("business-reactivate", business))

    steps = list(business.status_changes.values_list("from_status", "to_status"))
    assert steps == [(S.SUBMITTED, S.VERIFIED), (S.VERIFIED, S.INACTIVE), (S.INACTIVE, S.VERIFIED)]
    timeline = staff_client.get(_detail(business)).context["timeline"]
    assert [step.to_status for step in timeline] == [S.VERIFIED, S.INACTIVE, S.VERIFIED]


@pytest.mark.parametrize(
    ("name", "status", "data"),
    [
        ("business-verify", S.VERIFIED, None),
        ("business-verify", S.REJECTED, None),
        ("business-verify", S.DRAFT, None),
        ("business-reject", S.VERIFIED, {"reason": "Tidak lengkap"}),
        ("business-deactivate", S.SUBMITTED, {"reason": "Tutup"}),
        ("business-reactivate", S.VERIFIED, None),
        ("business-reactivate", S.REJECTED, None),
    ],
)
def test_an_invalid_transition_shows_an_error_and_changes_nothing(staff_client, name, status, data):
    business = BusinessFactory(status=status)

    response = staff_client.post(_url(name, business), data or {}, follow=True)

    assert response.redirect_chain == [(_detail(business), 302)]
    assert "tidak dapat diubah menjadi" in response.content.decode()
    business.refresh_from_db()
    assert business.status == status
    assert not StatusChange.objects.filter(business=business).exists()


def test_a_merged_away_business_cannot_change_status(staff_client):
    keep = BusinessFactory()
    gone = BusinessFactory(status=S.SUBMITTED, merged_into=keep)

    response = staff_client.post(_url("business-verify", gone), follow=True)

    assert "sudah digabung" in response.content.decode()
    gone.refresh_from_db()
    assert gone.status == S.SUBMITTED


@pytest.mark.parametrize("name", ["business-verify", "business-reactivate"])
def test_a_get_on_a_post_only_action_is_405(staff_client, name):
    business = BusinessFactory(status=S.SUBMITTED)

    response = staff_client.get(_url(name, business))

    assert response.status_code == 405
    business.refresh_from_db()
    assert business.status == S.SUBMITTED


def test_opening_the_reject_page_changes_nothing(staff_client):
    business = BusinessFactory(status=S.SUBMITTED)

    staff_client.get(_url("business-reject", business))

    business.refresh_from_db()
    assert business.status == S.SUBMITTED


def test_the_detail_page_offers_the_actions_that_fit_the_status(staff_client):
    submitted = BusinessFactory(status=S.SUBMITTED)
    verified = BusinessFactory(status=S.VERIFIED)
    inactive = BusinessFactory(status=S.INACTIVE)

    submitted_html = staff_client.get(_detail(submitted)).content.decode()
    verified_html = staff_client.get(_detail(verified)).content.decode()
    inactive_html = staff_client.get(_detail(inactive)).content.decode()

    assert _url("business-verify", submitted) in submitted_html
    assert _url("business-reject", submitted) in submitted_html
    assert _url("business-deactivate", verified) in verified_html
    assert _url("business-verify", verified) not in verified_html
    assert _url("business-reactivate", inactive) in inactive_html
