"""The public directory and profiles: only verified businesses whose owner opted in, and only what they chose."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pembinaan.ownerspace import services
from pembinaan.ownerspace.models import BusinessProfile
from pembinaan.reference.models import Kelurahan
from pembinaan.registry import services as registry
from pembinaan.registry.models import BusinessStatus
from tests.factories import BusinessFactory, OwnerFactory, UserFactory, roles
from tests.ownerspace.conftest import png

pytestmark = pytest.mark.django_db


def _listed(client, **params) -> list[str]:
    response = client.get(reverse("ownerspace:directory"), params)
    return [p.business.name for p in response.context["page"]]


def _public_business(name="Usaha Publik", products="", kelurahan=None, contact="tidak", **fields):
    owner = OwnerFactory(user=UserFactory(role=roles.OWNER), email=f"{name.split()[0].lower()}@contoh.test")
    business = BusinessFactory(
        owner=owner, name=name, products=products, kelurahan=kelurahan or Kelurahan.objects.first(), **fields
    )
    BusinessProfile.objects.create(business=business, is_public=True, contact=contact)
    return business


def test_a_profile_is_public_only_with_opt_in(anon_client, mine, owner_user):
    assert anon_client.get(reverse("ownerspace:public-profile", args=[mine.pk])).status_code == 200
    services.profile_update(business=mine, by=owner_user, is_public=False, contact="hp")
    assert anon_client.get(reverse("ownerspace:public-profile", args=[mine.pk])).status_code == 404
    assert "Amplang Bu Sari" not in _listed(anon_client)


@pytest.mark.parametrize(
    "status", [BusinessStatus.SUBMITTED, BusinessStatus.REJECTED, BusinessStatus.INACTIVE]
)
def test_an_unverified_or_closed_business_never_appears(anon_client, status):
    business = _public_business(name="Tidak Tampil", status=status)
    assert anon_client.get(reverse("ownerspace:public-profile", args=[business.pk])).status_code == 404
    assert _listed(anon_client) == []


def test_a_merged_away_business_never_appears(anon_client, staff_user):
    keep = BusinessFactory(name="Data Utama")
    gone = _public_business(name="Data Ganda")
    registry.business_merge(keep=keep, remove=gone, by=staff_user)
    assert anon_client.get(reverse("ownerspace:public-profile", args=[gone.pk])).status_code == 404


def test_a_business_of_a_deactivated_account_never_appears(anon_client):
    business = _public_business(name="Akun Nonaktif")
    business.owner.user.is_active = False
    business.owner.user.save()
    assert _listed(anon_client) == []


def test_an_owner_cannot_opt_in_before_verification(owner_user):
    submitted = BusinessFactory(owner=owner_user.owner_profile, status=BusinessStatus.SUBMITTED)
    with pytest.raises(ValidationError) as info:
        services.profile_update(business=submitted, by=owner_user, is_public=True, contact="tidak")
    assert "is_public" in info.value.error_dict
    assert not BusinessProfile.objects.filter(business=submitted).exists()


def test_only_the_contact_the_owner_chose_is_shown(anon_client, mine, owner_user):
    owner = mine.owner
    owner.email = "sari@contoh.test"
    owner.save()
    page = anon_client.get(reverse("ownerspace:public-profile", args=[mine.pk])).content.decode()
    assert owner.phone in page
    assert "sari@contoh.test" not in page
    assert owner.nik not in page and owner.address not in page
    services.profile_update(business=mine, by=owner_user, is_public=True, contact="email")
    page = anon_client.get(reverse("ownerspace:public-profile", args=[mine.pk])).content.decode()
    assert owner.phone not in page
    assert "sari@contoh.test" in page


def test_the_directory_searches_by_name_product_and_kelurahan(anon_client):
    first, second = Kelurahan.objects.order_by("code")[:2]
    _public_business(name="Amplang Haji Ali", products="amplang ikan pipih", kelurahan=first)
    _public_business(name="Sasirangan Galuh", products="kain sasirangan", kelurahan=second)
    _public_business(name="Soto Banjar Bawah Jembatan", products="soto, ketupat kandangan", kelurahan=second)
    assert _listed(anon_client, nama="sasirangan") == ["Sasirangan Galuh"]
    assert _listed(anon_client, produk="ketupat") == ["Soto Banjar Bawah Jembatan"]
    assert _listed(anon_client, kelurahan=second.pk) == ["Sasirangan Galuh", "Soto Banjar Bawah Jembatan"]
    assert _listed(anon_client, kelurahan=second.pk, produk="kain") == ["Sasirangan Galuh"]
    assert _listed(anon_client, nama="tidak ada") == []


@pytest.mark.parametrize("size", [3, 40])
def test_the_directory_issues_a_bounded_number_of_queries(anon_client, django_assert_max_num_queries, size):
    for n in range(size):
        _public_business(name=f"Usaha Direktori {n:03d}", products="kue")
    with django_assert_max_num_queries(6):
        response = anon_client.get(reverse("ownerspace:directory"), {"produk": "kue", "halaman": 1})
    assert len(response.context["page"]) == min(size, 24)


def test_a_photo_is_checked_by_content_and_served_with_nosniff(anon_client, mine, owner_user, media):
    fake = SimpleUploadedFile("foto.png", b"<script>alert(1)</script>", content_type="image/png")
    with pytest.raises(ValidationError) as info:
        services.profile_update(business=mine, by=owner_user, is_public=True, contact="hp", photo=fake)
    assert "photo" in info.value.error_dict
    services.profile_update(business=mine, by=owner_user, is_public=True, contact="hp", photo=png())
    response = anon_client.get(reverse("ownerspace:public-photo", args=[mine.pk]))
    # An opaque picture is re-encoded as a JPEG (issue 14); only a transparent one stays a PNG.
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_pdf_is_not_accepted_as_a_photo(owner_client, mine, media):
    pdf = SimpleUploadedFile("foto.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    response = owner_client.post(
        reverse("ownerspace:profile-edit", args=[mine.pk]),
        {"is_public": "on", "contact": "hp", "photo": pdf},
    )
    assert response.context["form"].errors["photo"] == ["Foto harus berupa gambar JPEG atau PNG."]
    assert not BusinessProfile.objects.get(business=mine).photo


def test_the_owner_opts_in_through_the_profile_page(owner_client, owner_user, anon_client, media):
    business = BusinessFactory(owner=owner_user.owner_profile, name="Kopi Aruh")
    response = owner_client.post(
        reverse("ownerspace:profile-edit", args=[business.pk]),
        {"is_public": "on", "contact": "keduanya", "description": "Kopi robusta lokal", "photo": png()},
    )
    assert response.status_code == 302
    page = anon_client.get(reverse("ownerspace:public-profile", args=[business.pk])).content.decode()
    assert "Kopi robusta lokal" in page
    assert reverse("ownerspace:public-photo", args=[business.pk]) in page


def test_the_photo_of_a_hidden_profile_is_not_served_publicly_but_its_owner_sees_it(
    anon_client, owner_client, mine, owner_user, media
):
    services.profile_update(business=mine, by=owner_user, is_public=False, contact="hp", photo=png())
    assert anon_client.get(reverse("ownerspace:public-photo", args=[mine.pk])).status_code == 404
    own = owner_client.get(reverse("ownerspace:profile-photo", args=[mine.pk]))
    assert own.status_code == 200
    assert own["Cache-Control"] == "private, no-store"
