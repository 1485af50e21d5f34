"""Search, filters, sorting and paging of the staff business list."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pembinaan.lib.paging import CappedPaginator
from pembinaan.reference.models import Kelurahan
from pembinaan.registry.models import Business, BusinessStatus, DuplicatePair
from tests.factories import BusinessFactory, OwnerFactory, make_nik

pytestmark = pytest.mark.django_db

LIST_URL = "registry:business-list"
SOTO_NIK = make_nik(serial=7001)
SOTO_NIB = "8120001112223"


@pytest.fixture
def registry(db):
    """A small registry spread over two kecamatan, three KBLI categories and all three scales."""
    mantuil = Kelurahan.objects.get(code="63.71.01.1001")
    kuripan = Kelurahan.objects.get(code="63.71.02.1001")
    soto = BusinessFactory(
        name="Warung Soto Banjar Bu Ina",
        owner=OwnerFactory(name="Inayah Rahmawati", nik=SOTO_NIK, phone="+6281234567890"),
        kelurahan=mantuil,
        kbli_category_id="I",
        nib=SOTO_NIB,
        annual_sales=120_000_000,
    )
    amplang = BusinessFactory(
        name="Amplang Ikan Pipih",
        owner=OwnerFactory(name="Muhammad Hasan"),
        kelurahan=kuripan,
        kbli_category_id="C",
        annual_sales=5_000_000_000,
        status=BusinessStatus.SUBMITTED,
    )
    toko = BusinessFactory(
        name="Toko Sasirangan Kuripan",
        owner=OwnerFactory(name="Siti Aisyah"),
        kelurahan=kuripan,
        kbli_category_id="G",
        annual_sales=20_000_000_000,
    )
    return {"soto": soto, "amplang": amplang, "toko": toko}


def _names(response) -> list[str]:
    assert response.status_code == 200
    return [b.name for b in response.context["page"]]


def _list(client, **params):
    return client.get(reverse(LIST_URL), params)


def test_the_list_shows_every_active_business_sorted_by_name(staff_client, registry):
    assert _names(_list(staff_client)) == [
        "Amplang Ikan Pipih",
        "Toko Sasirangan Kuripan",
        "Warung Soto Banjar Bu Ina",
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("soto banjar", ["Warung Soto Banjar Bu Ina"], id="business-name-words"),
        pytest.param("Sasirangan", ["Toko Sasirangan Kuripan"], id="one-name-word"),
        pytest.param("Hasan", ["Amplang Ikan Pipih"], id="owner-name"),
        pytest.param("soto inayah", ["Warung Soto Banjar Bu Ina"], id="business-and-owner-words"),
        pytest.param(SOTO_NIK, ["Warung Soto Banjar Bu Ina"], id="full-nik"),
        pytest.param(SOTO_NIB, ["Warung Soto Banjar Bu Ina"], id="nib"),
        pytest.param("0812-3456-7890", ["Warung Soto Banjar Bu Ina"], id="phone-with-dashes"),
        pytest.param("+62 812 3456 7890", ["Warung Soto Banjar Bu Ina"], id="phone-e164-spaces"),
        pytest.param("soto kuripan", [], id="words-must-all-match"),
        pytest.param("tidak ada", [], id="no-match"),
    ],
)
def test_the_search_box_finds_businesses(staff_client, registry, query, expected):
    assert _names(_list(staff_client, q=query)) == expected


def test_a_nik_is_matched_exactly_not_by_a_part(staff_client, registry):
    assert _names(_list(staff_client, q=SOTO_NIK[:12])) == []


def test_a_13_digit_mobile_number_finds_its_owner(staff_client, registry):
    BusinessFactory(name="Pentol Pak Udin", owner=OwnerFactory(phone="+62812345678901"))

    assert _names(_list(staff_client, q="0812-3456-78901")) == ["Pentol Pak Udin"]


def test_the_empty_list_says_so_in_indonesian(staff_client, registry):
    response = _list(staff_client, q="tidak ada")

    assert "Tidak ada usaha yang cocok dengan pencarian ini." in response.content.decode()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        pytest.param({"kecamatan": "63.71.01"}, ["Warung Soto Banjar Bu Ina"], id="kecamatan"),
        pytest.param(
            {"kelurahan": "63.71.02.1001"}, ["Amplang Ikan Pipih", "Toko Sasirangan Kuripan"], id="kelurahan"
        ),
        pytest.param({"kbli": "G"}, ["Toko Sasirangan Kuripan"], id="kbli"),
        pytest.param({"scale": "mikro"}, ["Warung Soto Banjar Bu Ina"], id="scale-mikro"),
        pytest.param({"scale": "kecil"}, ["Amplang Ikan Pipih"], id="scale-kecil"),
        pytest.param({"scale": "menengah"}, ["Toko Sasirangan Kuripan"], id="scale-menengah"),
        pytest.param({"status": "diajukan"}, ["Amplang Ikan Pipih"], id="status"),
        pytest.param(
            {"kecamatan": "63.71.02", "status": "terverifikasi"}, ["Toko Sasirangan Kuripan"], id="combined"
        ),
        pytest.param({"q": "kuripan", "kbli": "C"}, [], id="search-and-filter"),
    ],
)
def test_the_filters_narrow_the_list(staff_client, registry, params, expected):
    assert _names(_list(staff_client, **params)) == expected


def test_the_duplicate_filter_keeps_only_businesses_with_an_open_pair(staff_client, registry):
    twin = BusinessFactory(name="Warung Soto Banjar Bu Ina", kelurahan=registry["soto"].kelurahan)
    a, b = sorted([registry["soto"], twin], key=lambda x: x.pk)
    DuplicatePair.objects.create(business_a=a, business_b=b, same_name=True)
    dismissed_twin = BusinessFactory(name="Amplang Ikan Pipih", kelurahan=registry["amplang"].kelurahan)
    a, b = sorted([registry["amplang"], dismissed_twin], key=lambda x: x.pk)
    DuplicatePair.objects.create(
        business_a=a, business_b=b, same_name=True, status=DuplicatePair.Status.DISMISSED
    )

    response = _list(staff_client, duplicate="on")

    assert _names(response) == ["Warung Soto Banjar Bu Ina", "Warung Soto Banjar Bu Ina"]
    assert "diduga ganda" in response.content.decode()


def test_sort_by_name_descending(staff_client, registry):
    assert _names(_list(staff_client, sort="-name")) == [
        "Warung Soto Banjar Bu Ina",
        "Toko Sasirangan Kuripan",
        "Amplang Ikan Pipih",
    ]


def test_the_list_is_paged_by_25(staff_client):
    BusinessFactory.create_batch(30)

    first = _list(staff_client)
    second = _list(staff_client, page=2)

    assert len(_names(first)) == 25
    assert len(_names(second)) == 5
    assert set(_names(first)).isdisjoint(_names(second))
    assert second.context["page"].paginator.count == 30
    assert "Halaman 2 dari 2" in second.content.decode()


def test_a_list_longer_than_the_count_cap_says_more_than_and_pages_up_to_the_cap(staff_client, monkeypatch):
    """A province's list is counted only up to a cap (an exact count took 0.4-0.7 s at 1M)."""
    monkeypatch.setattr(CappedPaginator, "cap", 50)
    BusinessFactory.create_batch(53)

    first = _list(staff_client)
    beyond = _list(staff_client, page=3)  # past the cap's two pages: the last counted page

    text = first.content.decode()
    assert "Lebih dari 50 usaha" in text
    assert "Halaman 1 dari lebih dari 2" in text
    assert first.context["page"].paginator.capped
    assert beyond.context["page"].number == 2
    assert len(_names(beyond)) == 25


def test_a_list_within_the_count_cap_shows_its_exact_count(staff_client, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "cap", 50)
    BusinessFactory.create_batch(50)

    response = _list(staff_client, page=2)

    text = response.content.decode()
    assert "50 usaha" in text and "Lebih dari" not in text
    assert "Halaman 2 dari 2" in text
    assert not response.context["page"].paginator.capped


def test_the_capped_count_counts_the_filtered_rows_not_the_whole_registry(staff_client, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "cap", 30)
    BusinessFactory.create_batch(12, status=BusinessStatus.SUBMITTED)
    BusinessFactory.create_batch(31)

    response = _list(staff_client, status="diajukan", duplicate="")

    assert response.context["page"].paginator.count == 12
    assert "12 usaha" in response.content.decode()


def test_paging_keeps_the_filters(staff_client):
    BusinessFactory.create_batch(27, status=BusinessStatus.SUBMITTED)
    BusinessFactory.create_batch(5)

    response = _list(staff_client, status="diajukan", page=2)

    assert len(_names(response)) == 2
    assert "status=diajukan" in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"status": "bogus"},
        {"page": "abc"},
        {"page": "999"},
        {"page": "-1"},
        {"kecamatan": "99.99.99"},
        {"kelurahan": "bukan-kode"},
        {"kbli": "Z"},
        {"scale": "raksasa"},
        {"sort": "password"},
        {"q": "x" * 500},
        {"q": "6.371E+15"},
        {"q": "%' OR 1=1 --"},
        {"duplicate": "mungkin"},
    ],
)
def test_an_invalid_filter_value_gives_a_page_not_a_server_error(staff_client, registry, params):
    response = _list(staff_client, **params)

    assert response.status_code == 200


def test_a_merged_away_business_is_not_listed(staff_client, registry):
    BusinessFactory(name="Warung Soto Banjar (lama)", merged_into=registry["soto"])

    names = _names(_list(staff_client))
    searched = _names(_list(staff_client, q="soto"))

    assert "Warung Soto Banjar (lama)" not in names
    assert searched == ["Warung Soto Banjar Bu Ina"]
    assert _list(staff_client).context["page"].paginator.count == 3


def test_rejected_and_inactive_businesses_stay_in_the_staff_list(staff_client):
    BusinessFactory(name="Ditolak", status=BusinessStatus.REJECTED)
    BusinessFactory(name="Tutup", status=BusinessStatus.INACTIVE)

    assert _names(_list(staff_client)) == ["Ditolak", "Tutup"]


def test_sorting_by_kelurahan_follows_the_official_code_order_kecamatan_by_kecamatan(staff_client, registry):
    # Soto is in 63.71.01.1001 (Banjarmasin Selatan), Amplang and Toko in 63.71.02.1001.
    assert _names(_list(staff_client, sort="kelurahan")) == [
        "Warung Soto Banjar Bu Ina",
        "Amplang Ikan Pipih",
        "Toko Sasirangan Kuripan",
    ]


def test_pages_of_a_sorted_list_follow_each_other_in_that_order(staff_client):
    for i, status in enumerate(
        [BusinessStatus.SUBMITTED, BusinessStatus.VERIFIED, BusinessStatus.REJECTED] * 12
    ):
        BusinessFactory(name=f"Usaha {i:02d}", status=status)
    expected = sorted(
        Business.objects.values_list("status", "name", "pk"),
    )

    shown = _names(_list(staff_client, sort="status")) + _names(_list(staff_client, sort="status", page=2))

    assert shown == [name for _status, name, _pk in expected]
