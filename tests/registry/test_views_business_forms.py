"""Staff enter and change owners and businesses through the registry forms (docs/rules.md rules 1–4)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from pembinaan.reference.models import KbliCategory, Kelurahan
from pembinaan.registry import services
from pembinaan.registry.models import Business, BusinessStatus, Owner, StatusChange
from tests.factories import BusinessFactory, OwnerFactory, make_nik

pytestmark = pytest.mark.django_db

CREATE_URL = "registry:business-create"
EXISTING_NIK = make_nik(serial=4242)
EXISTING_NIB = "9120001234567"


def _first_kelurahan() -> Kelurahan:
    return Kelurahan.objects.order_by("code").first()


def _owner_data(**overrides) -> dict:
    data = {
        "mode": "baru",
        "owner-nik": make_nik(female=True, day=15, month=6, yy=85),
        "owner-name": "Aminah Binti Anang",
        "owner-phone": "0812-3456-7890",
        "owner-email": "aminah@contoh.test",
        "owner-address": "Jl. Sultan Adam No. 5",
    }
    data.update(overrides)
    return data


def _business_data(**overrides) -> dict:
    data = {
        "name": "Amplang Ikan Pipih Bu Aminah",
        "kelurahan": _first_kelurahan().pk,
        "address": "Jl. Sultan Adam No. 5",
        "kbli_category": "C",
        "kbli_code": "10792",
        "nib": "1234567890123",
        "npwp": "012345678901000",
        "start_year": "2015",
        "employees": "3",
        "annual_sales": "1.250.000",
        "capital": "5.000.000",
        "products": "Amplang, kerupuk ikan",
        "marketplace_url": "https://shopee.co.id/amplangaminah",
        "social_media_url": "https://instagram.com/amplangaminah",
        "website_url": "",
        "certifications": ["halal", "pirt"],
    }
    data.update(overrides)
    return data


def _post_data(**overrides) -> dict:
    data = {**_owner_data(), **_business_data()}
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def counts():
    def snapshot() -> tuple[int, int]:
        return Owner.objects.count(), Business.objects.count()

    return snapshot


# --- Creating -----------------------------------------------------------------------------------


def test_staff_create_a_new_owner_and_business_in_one_post(staff_client, staff_user):
    response = staff_client.post(reverse(CREATE_URL), _post_data())

    business = Business.objects.get(name="Amplang Ikan Pipih Bu Aminah")
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:business-detail", kwargs={"pk": business.pk})
    assert business.annual_sales == 1_250_000
    assert business.capital == 5_000_000
    assert business.kbli_category_id == "C"
    assert business.kbli_code == "10792"
    assert business.nib == "1234567890123"
    assert business.npwp == "012345678901000"
    assert business.start_year == 2015
    assert business.employees == 3
    assert business.certifications == ["halal", "pirt"]
    assert business.created_by == staff_user


def test_a_business_entered_by_staff_is_verified_at_entry(staff_client, staff_user):
    staff_client.post(reverse(CREATE_URL), _post_data())

    business = Business.objects.get()
    assert business.status == BusinessStatus.VERIFIED
    assert business.status_changed_at is not None
    change = StatusChange.objects.get(business=business)
    assert change.from_status == ""
    assert change.to_status == BusinessStatus.VERIFIED
    assert change.changed_by == staff_user


def test_the_new_owner_gets_gender_and_birth_date_from_the_nik_and_an_e164_phone(staff_client):
    staff_client.post(
        reverse(CREATE_URL),
        _post_data(**{"owner-nik": make_nik(female=True, day=15, month=6, yy=85), "owner-gender": "L"}),
    )

    owner = Owner.objects.get(name="Aminah Binti Anang")
    assert owner.gender == "P"
    assert owner.birth_date == datetime.date(1985, 6, 15)
    assert owner.phone == "+6281234567890"


def test_creating_leaves_a_history_record_with_the_staff_member(staff_client, staff_user):
    staff_client.post(reverse(CREATE_URL), _post_data())

    business = Business.objects.get()
    assert business.history.filter(history_type="+", history_user=staff_user).exists()
    assert business.owner.history.filter(history_type="+").count() == 1


def test_the_detail_page_after_creating_confirms_in_indonesian(staff_client):
    response = staff_client.post(reverse(CREATE_URL), _post_data(), follow=True)

    html = response.content.decode()
    assert response.status_code == 200
    assert "tersimpan dan terverifikasi" in html
    assert "Rp1.250.000" in html


@pytest.mark.parametrize("lookup", ["nik", "0812-7777-6666", "+62 812 7777 6666"])
def test_a_business_can_be_added_to_a_registered_owner_found_by_nik_or_phone(staff_client, counts, lookup):
    owner = OwnerFactory(nik=EXISTING_NIK, phone="+6281277776666")
    before_owners, before_businesses = counts()
    data = _business_data(mode="ada", lookup=EXISTING_NIK if lookup == "nik" else lookup)

    response = staff_client.post(reverse(CREATE_URL), data)

    assert response.status_code == 302
    assert counts() == (before_owners, before_businesses + 1)
    assert Business.objects.get().owner == owner


def test_a_business_can_be_added_to_the_owner_preset_in_the_url(staff_client, counts):
    owner = OwnerFactory()
    before_owners, _ = counts()

    response = staff_client.post(reverse(CREATE_URL) + f"?owner={owner.pk}", _business_data(mode="ada"))

    assert response.status_code == 302
    assert Business.objects.get().owner == owner
    assert counts()[0] == before_owners


@pytest.mark.parametrize(
    ("overrides", "form_name", "field", "message"),
    [
        pytest.param({"owner-nik": "6.371E+15"}, "owner_form", "nik", "diubah Excel", id="nik-excel"),
        pytest.param(
            {"owner-nik": "637101150685000"}, "owner_form", "nik", "NIK harus 16 digit", id="nik-15-digits"
        ),
        pytest.param(
            {"owner-phone": "12345"}, "owner_form", "phone", "Nomor HP harus diawali 08", id="bad-phone"
        ),
        pytest.param({"owner-nik": EXISTING_NIK}, "owner_form", "nik", "NIK", id="duplicate-nik"),
        pytest.param({"nib": EXISTING_NIB}, "form", "nib", "NIB", id="duplicate-nib"),
        pytest.param({"nib": "123456789012"}, "form", "nib", "NIB harus 13 digit", id="nib-12-digits"),
        pytest.param(
            {"kbli_code": "47111"}, "form", "kbli_code", "termasuk kategori G, bukan C", id="kbli-mismatch"
        ),
        pytest.param(
            {"start_year": str(timezone.localdate().year + 1)},
            "form",
            "start_year",
            "Tahun mulai usaha harus antara 1900",
            id="future-start-year",
        ),
        pytest.param(
            {"annual_sales": "satu juta"},
            "form",
            "annual_sales",
            "Isi angka rupiah saja",
            id="rupiah-letters",
        ),
        pytest.param({"kelurahan": None}, "form", "kelurahan", "tidak boleh kosong", id="no-kelurahan"),
        pytest.param(
            {"mode": "ada", "lookup": "081299998888"},
            "choice",
            "lookup",
            "Tidak ada pelaku usaha dengan NIK atau nomor HP itu",
            id="unknown-owner",
        ),
    ],
)
def test_a_bad_input_redisplays_the_form_with_an_indonesian_message_and_creates_nothing(
    staff_client, counts, overrides, form_name, field, message
):
    OwnerFactory(nik=EXISTING_NIK)
    BusinessFactory(nib=EXISTING_NIB)
    before = counts()

    response = staff_client.post(reverse(CREATE_URL), _post_data(**overrides))

    assert response.status_code == 200
    errors = response.context[form_name].errors[field]
    assert any(message in error for error in errors), errors
    html = response.content.decode()
    assert message in html
    assert "Periksa kembali isian yang ditandai" in html
    assert counts() == before


def test_a_valid_owner_is_not_created_when_the_business_part_is_invalid(staff_client, counts):
    before = counts()

    response = staff_client.post(reverse(CREATE_URL), _post_data(name="", kbli_code="47111"))

    assert response.status_code == 200
    assert counts() == before
    assert not Owner.objects.filter(name="Aminah Binti Anang").exists()


def test_a_valid_owner_is_rolled_back_when_saving_the_business_fails(staff_client, counts, monkeypatch):
    def refuse(**kwargs):
        raise ValidationError({"nib": "NIB ini sudah terdaftar atas usaha lain."})

    monkeypatch.setattr(services, "business_create", refuse)
    before = counts()

    response = staff_client.post(reverse(CREATE_URL), _post_data())

    assert response.status_code == 200
    assert "NIB ini sudah terdaftar atas usaha lain." in response.content.decode()
    assert counts() == before


def test_choosing_a_registered_owner_without_a_lookup_asks_for_one(staff_client, counts):
    before = counts()

    response = staff_client.post(reverse(CREATE_URL), _business_data(mode="ada"))

    assert response.status_code == 200
    assert "Isi NIK atau nomor HP pemilik yang sudah terdaftar" in response.content.decode()
    assert counts() == before


def test_a_new_owner_without_nik_needs_a_gender(staff_client, counts):
    before = counts()

    response = staff_client.post(reverse(CREATE_URL), _post_data(**{"owner-nik": ""}))

    assert response.status_code == 200
    assert "Isi jenis kelamin bila NIK tidak diisi" in response.content.decode()
    assert counts() == before


def test_a_new_owner_without_nik_is_accepted_with_a_gender(staff_client):
    response = staff_client.post(reverse(CREATE_URL), _post_data(**{"owner-nik": "", "owner-gender": "P"}))

    assert response.status_code == 302
    owner = Business.objects.get().owner
    assert owner.nik is None
    assert owner.gender == "P"


@pytest.mark.parametrize(
    ("field", "value", "stored"),
    [
        pytest.param("owner-phone", "+62 812 3456 7890", "+6281234567890", id="phone-plus62-spaces"),
        pytest.param("npwp", "01.234.567.8-901.000", "012345678901000", id="npwp-old-dotted"),
    ],
)
def test_identifiers_written_with_separators_as_rule_4_allows_are_accepted(
    staff_client, field, value, stored
):
    response = staff_client.post(reverse(CREATE_URL), _post_data(**{field: value}))

    assert response.status_code == 302, (
        response.context["owner_form"].errors,
        response.context["form"].errors,
    )
    business = Business.objects.get()
    assert (business.owner.phone if field == "owner-phone" else business.npwp) == stored


# --- Editing ------------------------------------------------------------------------------------


def _edit_data(business: Business, **overrides) -> dict:
    data = _business_data(
        name=business.name,
        kelurahan=business.kelurahan_id,
        address=business.address,
        kbli_category=business.kbli_category_id,
        kbli_code=business.kbli_code,
        nib=business.nib or "",
        npwp=business.npwp,
        start_year=business.start_year or "",
        employees=business.employees if business.employees is not None else "",
        annual_sales=business.annual_sales or "",
        capital=business.capital or "",
        products=business.products,
        marketplace_url=business.marketplace_url,
        social_media_url=business.social_media_url,
        website_url=business.website_url,
        certifications=business.certifications,
    )
    data.update(overrides)
    return data


@pytest.fixture
def staff_business(staff_user):
    owner = services.owner_create(by=staff_user, nik=make_nik(), name="Rusdi Anwar", phone="081355554444")
    return services.business_create(
        by=staff_user,
        owner=owner,
        name="Soto Banjar Rusdi",
        kelurahan=_first_kelurahan(),
        kbli_category=KbliCategory.objects.get(pk="I"),
        annual_sales=120_000_000,
        start_year=2010,
    )


def test_staff_edit_a_business_and_the_change_is_saved(staff_client, staff_business):
    url = reverse("registry:business-edit", kwargs={"pk": staff_business.pk})

    response = staff_client.post(
        url, _edit_data(staff_business, name="Soto Banjar Pak Rusdi", annual_sales="150.000.000")
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("registry:business-detail", kwargs={"pk": staff_business.pk})
    staff_business.refresh_from_db()
    assert staff_business.name == "Soto Banjar Pak Rusdi"
    assert staff_business.annual_sales == 150_000_000
    assert staff_business.status == BusinessStatus.VERIFIED


def test_the_edit_form_shows_the_current_values(staff_client, staff_business):
    response = staff_client.get(reverse("registry:business-edit", kwargs={"pk": staff_business.pk}))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="Soto Banjar Rusdi"' in html
    assert 'value="120.000.000"' in html


def test_the_detail_page_history_shows_who_changed_which_field_from_what_to_what(
    staff_client, staff_user, staff_business
):
    staff_user.full_name = "Budi Pendamping"
    staff_user.save()
    staff_client.post(
        reverse("registry:business-edit", kwargs={"pk": staff_business.pk}),
        _edit_data(staff_business, name="Soto Banjar Pak Rusdi", annual_sales="150.000.000"),
    )

    response = staff_client.get(reverse("registry:business-detail", kwargs={"pk": staff_business.pk}))

    newest = response.context["history"][0]
    assert newest.who == staff_user
    assert {c.field for c in newest.changes} == {"nama usaha", "omzet per tahun (Rp)"}
    html = response.content.decode()
    section = html[html.index("Riwayat perubahan") :]
    assert "<strong>nama usaha</strong>: Soto Banjar Rusdi → Soto Banjar Pak Rusdi" in section
    assert "<strong>omzet per tahun (Rp)</strong>:" in section
    assert "Budi Pendamping" in section


def test_money_in_the_change_history_is_written_in_rupiah_style(staff_client, staff_business):
    staff_client.post(
        reverse("registry:business-edit", kwargs={"pk": staff_business.pk}),
        _edit_data(staff_business, annual_sales="150.000.000"),
    )

    response = staff_client.get(reverse("registry:business-detail", kwargs={"pk": staff_business.pk}))

    html = response.content.decode()
    section = html[html.index("Riwayat perubahan") :]
    assert "Rp120.000.000 → Rp150.000.000" in section


def test_a_bad_edit_redisplays_the_form_and_changes_nothing(staff_client, staff_business):
    url = reverse("registry:business-edit", kwargs={"pk": staff_business.pk})

    response = staff_client.post(url, _edit_data(staff_business, name="Nama Baru", kbli_code="47111"))

    assert response.status_code == 200
    assert "termasuk kategori G, bukan I" in response.content.decode()
    staff_business.refresh_from_db()
    assert staff_business.name == "Soto Banjar Rusdi"
    assert staff_business.history.count() == 1


def test_an_edit_cannot_take_the_nib_of_another_business(staff_client, staff_business):
    BusinessFactory(nib=EXISTING_NIB)

    response = staff_client.post(
        reverse("registry:business-edit", kwargs={"pk": staff_business.pk}),
        _edit_data(staff_business, nib=EXISTING_NIB),
    )

    assert response.status_code == 200
    assert "NIB" in str(response.context["form"].errors["nib"])
    staff_business.refresh_from_db()
    assert staff_business.nib is None


def test_staff_edit_an_owner_and_the_change_is_saved(staff_client, staff_user, staff_business):
    owner = staff_business.owner
    url = reverse("registry:owner-edit", kwargs={"pk": owner.pk})

    response = staff_client.post(
        url,
        {
            "nik": owner.nik,
            "name": "Rusdi Anwar Saleh",
            "phone": "0813-1111-2222",
            "email": "",
            "address": "",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("registry:owner-detail", kwargs={"pk": owner.pk})
    owner.refresh_from_db()
    assert owner.name == "Rusdi Anwar Saleh"
    assert owner.phone == "+6281311112222"
    assert owner.history.filter(history_type="~", history_user=staff_user).exists()
    page = staff_client.get(url.replace("ubah/", "")).content.decode()
    assert "Rusdi Anwar → Rusdi Anwar Saleh" in page


@pytest.mark.parametrize(
    ("nik", "message"),
    [
        ("6.371E+15", "diubah Excel"),
        ("637101150685000", "NIK harus 16 digit"),
        ("6371013206850001", "Tanggal lahir di NIK"),
        ("6371011506850000", "tidak boleh 0000"),
    ],
)
def test_an_owner_edit_with_a_bad_nik_is_refused_and_changes_nothing(
    staff_client, staff_business, nik, message
):
    owner = staff_business.owner
    old_nik = owner.nik

    response = staff_client.post(
        reverse("registry:owner-edit", kwargs={"pk": owner.pk}),
        {"nik": nik, "name": "Nama Lain", "phone": "081355554444"},
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    owner.refresh_from_db()
    assert owner.nik == old_nik
    assert owner.name == "Rusdi Anwar"


def test_an_owner_edit_cannot_take_the_nik_of_another_owner(staff_client, staff_business):
    OwnerFactory(nik=EXISTING_NIK)
    owner = staff_business.owner
    old_nik = owner.nik

    response = staff_client.post(
        reverse("registry:owner-edit", kwargs={"pk": owner.pk}),
        {"nik": EXISTING_NIK, "name": "Rusdi Anwar", "phone": "081355554444"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["nik"]
    owner.refresh_from_db()
    assert owner.nik == old_nik


def test_changing_the_nik_on_the_owner_form_rederives_gender_and_birth_date(staff_client, staff_business):
    owner = staff_business.owner
    new_nik = make_nik(female=True, day=2, month=3, yy=1)

    staff_client.post(
        reverse("registry:owner-edit", kwargs={"pk": owner.pk}),
        {"nik": new_nik, "name": "Rusdi Anwar", "gender": "L", "phone": "081355554444"},
    )

    owner.refresh_from_db()
    assert owner.nik == new_nik
    assert owner.gender == "P"
    assert owner.birth_date == datetime.date(2001, 3, 2)
