"""Possible duplicates are flagged for staff, who merge them or mark them different (rule 2)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pembinaan.reference.models import KbliCategory, Kelurahan
from pembinaan.registry import services
from pembinaan.registry.models import Business, BusinessStatus, DuplicatePair, Owner
from tests.factories import make_nik

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(staff_user) -> DuplicatePair:
    """Two businesses whose owners share a phone, entered through the services so flags are computed."""
    kelurahan = Kelurahan.objects.order_by("code").first()
    category = KbliCategory.objects.get(pk="C")
    first_owner = services.owner_create(
        by=staff_user, nik=make_nik(female=True), name="Aminah", phone="0812-5555-1111"
    )
    second_owner = services.owner_create(by=staff_user, name="Bu Aminah", gender="P", phone="+6281255551111")
    services.business_create(
        by=staff_user,
        owner=first_owner,
        name="Amplang Aminah",
        kelurahan=kelurahan,
        kbli_category=category,
        nib="1234567890123",
    )
    services.business_create(
        by=None,
        owner=second_owner,
        name="Kerupuk Amplang Bu Aminah",
        kelurahan=kelurahan,
        kbli_category=category,
        annual_sales=90_000_000,
        source="mandiri",
    )
    return DuplicatePair.objects.get()


def _review(pair: DuplicatePair) -> str:
    return reverse("registry:duplicate-review", kwargs={"pk": pair.pk})


def _list_html(client) -> str:
    response = client.get(reverse("registry:duplicate-list"))
    assert response.status_code == 200
    return response.content.decode()


def test_two_businesses_whose_owners_share_a_phone_are_flagged(pair):
    assert pair.same_phone is True
    assert pair.same_name is False
    assert pair.status == DuplicatePair.Status.OPEN


def test_the_flagged_pair_appears_on_the_duplicate_list(staff_client, pair):
    html = _list_html(staff_client)

    assert "Amplang Aminah" in html
    assert "Kerupuk Amplang Bu Aminah" in html
    assert "nomor HP pemilik sama" in html
    assert _review(pair) in html


def test_the_business_detail_page_points_to_the_review(staff_client, pair):
    html = staff_client.get(
        reverse("registry:business-detail", kwargs={"pk": pair.business_a_id})
    ).content.decode()

    assert "Mungkin sama dengan" in html
    assert _review(pair) in html


def test_the_review_page_shows_both_businesses_side_by_side(staff_client, pair):
    response = staff_client.get(_review(pair))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Amplang Aminah" in html
    assert "Kerupuk Amplang Bu Aminah" in html
    assert "0812-5555-1111" in html
    assert f"#{pair.business_a_id}" in html
    assert f"#{pair.business_b_id}" in html


@pytest.mark.parametrize("keep_side", ["a", "b"])
def test_merging_keeps_the_chosen_business_and_marks_the_other_merged(
    staff_client, staff_user, pair, keep_side
):
    keep = pair.business_a if keep_side == "a" else pair.business_b
    remove = pair.business_b if keep_side == "a" else pair.business_a

    response = staff_client.post(_review(pair), {"keep": keep.pk})

    assert response.status_code == 302
    assert response["Location"] == reverse("registry:business-detail", kwargs={"pk": keep.pk})
    remove.refresh_from_db()
    keep.refresh_from_db()
    pair.refresh_from_db()
    assert remove.merged_into == keep
    assert keep.merged_into is None
    assert pair.status == DuplicatePair.Status.MERGED
    assert pair.resolved_by == staff_user
    assert keep.status == BusinessStatus.VERIFIED


def test_after_a_merge_the_pair_and_the_removed_business_leave_the_lists(staff_client, pair):
    remove = pair.business_b
    staff_client.post(_review(pair), {"keep": pair.business_a_id})

    duplicates = _list_html(staff_client)
    businesses = staff_client.get(reverse("registry:business-list")).context["page"]

    assert _review(pair) not in duplicates
    assert "Tidak ada kemungkinan data ganda" in duplicates
    assert remove.pk not in [b.pk for b in businesses]


def test_merging_fills_blanks_of_the_kept_business_from_the_other(staff_client, pair):
    keep = Business.objects.get(name="Amplang Aminah")

    staff_client.post(_review(pair), {"keep": keep.pk})

    keep.refresh_from_db()
    assert keep.annual_sales == 90_000_000
    assert keep.nib == "1234567890123"


def test_merging_without_merge_owners_leaves_both_owners(staff_client, pair):
    staff_client.post(_review(pair), {"keep": pair.business_a_id})

    assert Owner.objects.active().filter(name__in=["Aminah", "Bu Aminah"]).count() == 2


def test_merging_with_merge_owners_merges_the_owners_too(staff_client, pair):
    keep_owner = pair.business_a.owner
    remove_owner = pair.business_b.owner

    response = staff_client.post(_review(pair), {"keep": pair.business_a_id, "merge_owners": "on"})

    assert response.status_code == 302
    remove_owner.refresh_from_db()
    assert remove_owner.merged_into == keep_owner
    assert Business.objects.get(pk=pair.business_b_id).owner == keep_owner


def test_the_merged_away_business_page_says_where_it_went(staff_client, pair):
    staff_client.post(_review(pair), {"keep": pair.business_a_id})

    html = staff_client.get(
        reverse("registry:business-detail", kwargs={"pk": pair.business_b_id})
    ).content.decode()

    assert "Data ini sudah digabung ke" in html
    assert reverse("registry:business-detail", kwargs={"pk": pair.business_a_id}) in html


@pytest.mark.parametrize("keep", ["", "999999", "abc"])
def test_a_merge_without_a_valid_choice_redisplays_the_review(staff_client, pair, keep):
    response = staff_client.post(_review(pair), {"keep": keep})

    assert response.status_code == 200
    assert response.context["form"].errors["keep"]
    pair.refresh_from_db()
    assert pair.status == DuplicatePair.Status.OPEN
    assert not Business.objects.filter(merged_into__isnull=False).exists()


def test_a_second_merge_post_on_a_resolved_pair_changes_nothing(staff_client, pair):
    staff_client.post(_review(pair), {"keep": pair.business_a_id})

    response = staff_client.post(_review(pair), {"keep": pair.business_b_id})

    assert response.status_code == 200
    assert Business.objects.get(pk=pair.business_a_id).merged_into is None
    assert Business.objects.get(pk=pair.business_b_id).merged_into_id == pair.business_a_id


def test_dismissing_marks_the_pair_not_a_duplicate_and_removes_it_from_the_list(
    staff_client, staff_user, pair
):
    response = staff_client.post(reverse("registry:duplicate-dismiss", kwargs={"pk": pair.pk}))

    assert response.status_code == 302
    assert response["Location"] == reverse("registry:duplicate-list")
    pair.refresh_from_db()
    assert pair.status == DuplicatePair.Status.DISMISSED
    assert pair.resolved_by == staff_user
    assert _review(pair) not in _list_html(staff_client)
    assert not Business.objects.filter(merged_into__isnull=False).exists()


def test_a_dismissed_pair_stays_dismissed_when_a_business_is_edited_again(staff_client, staff_user, pair):
    staff_client.post(reverse("registry:duplicate-dismiss", kwargs={"pk": pair.pk}))

    services.business_update(business=pair.business_b, by=staff_user, products="Amplang")

    pair.refresh_from_db()
    assert pair.status == DuplicatePair.Status.DISMISSED
    assert _review(pair) not in _list_html(staff_client)


def test_dismissing_a_pair_that_was_already_merged_leaves_it_merged(staff_client, pair):
    staff_client.post(_review(pair), {"keep": pair.business_a_id})

    staff_client.post(reverse("registry:duplicate-dismiss", kwargs={"pk": pair.pk}))

    pair.refresh_from_db()
    assert pair.status == DuplicatePair.Status.MERGED


def test_a_get_on_dismiss_is_405(staff_client, pair):
    response = staff_client.get(reverse("registry:duplicate-dismiss", kwargs={"pk": pair.pk}))

    assert response.status_code == 405
    pair.refresh_from_db()
    assert pair.status == DuplicatePair.Status.OPEN
