"""Adding participants one by one (search as you type) or many at once (issue: Participation)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from pembinaan.coaching.models import Activity, CoachingType, Participation, ParticipationStatus
from pembinaan.funding.models import FundingSource
from pembinaan.registry.models import BusinessStatus
from tests.coaching.factories import placeholder_line
from tests.factories import BusinessFactory, OwnerFactory, make_nik

pytestmark = pytest.mark.django_db

NIB_AMPLANG = "9120001234567"
NIB_BINGKA = "9120007654321"


def _activity(**fields) -> Activity:
    values = {
        "title": "Workshop Kemasan Produk Olahan Ikan",
        "coaching_type": CoachingType.objects.get(code="workshop"),
        "start_date": datetime.date(2026, 12, 15),
        "end_date": datetime.date(2026, 12, 15),
        "venue": "Aula Dinas Koperasi",
        "funding_source": FundingSource.objects.get(code="apbd-kota"),
    }
    values.update(fields)
    values.setdefault("fiscal_year", values["start_date"].year)
    values.setdefault("budget_line", placeholder_line(values["funding_source"], values["fiscal_year"]))
    return Activity.objects.create(**values)


@pytest.fixture
def activity(db):
    return _activity()


@pytest.fixture
def amplang(db):
    return BusinessFactory(
        name="Amplang Ikan Pipih Hj. Aminah", nib=NIB_AMPLANG, owner=OwnerFactory(name="Aminah Rahmawati")
    )


@pytest.fixture
def bingka(db):
    return BusinessFactory(
        name="Kue Bingka Kentang", nib=NIB_BINGKA, owner=OwnerFactory(name="Siti Jubaidah")
    )


def _search(client, activity: Activity, text: str):
    return client.get(reverse("coaching:participant-search", kwargs={"pk": activity.pk}), {"cari": text})


def _add(client, activity: Activity, business, **extra):
    return client.post(
        reverse("coaching:participant-add", kwargs={"pk": activity.pk}),
        {"business": business.pk, **extra},
        follow=True,
    )


def _bulk(client, activity: Activity, lines: str, **extra):
    return client.post(
        reverse("coaching:participants-bulk-add", kwargs={"pk": activity.pk}), {"lines": lines, **extra}
    )


def _add_button_for(business) -> str:
    return f'name="business" value="{business.pk}"'


@pytest.mark.parametrize(
    "text",
    ["amplang pipih", "AMINAH", NIB_AMPLANG, "9120 0012 34567"],
    ids=["business-name", "owner-name", "nib", "nib-with-spaces"],
)
def test_the_search_finds_a_business_by_name_or_nib_and_offers_an_add_button(
    staff_client, activity, amplang, bingka, text
):
    response = _search(staff_client, activity, text)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Amplang Ikan Pipih Hj. Aminah" in html
    assert _add_button_for(amplang) in html
    assert reverse("coaching:participant-add", kwargs={"pk": activity.pk}) in html
    assert "Kue Bingka Kentang" not in html


def test_the_search_finds_a_business_by_its_owners_nik(staff_client, activity, amplang, bingka):
    response = _search(staff_client, activity, bingka.owner.nik)

    html = response.content.decode()
    assert "Kue Bingka Kentang" in html
    assert _add_button_for(bingka) in html
    assert "Amplang" not in html


def test_the_search_answers_a_fragment_not_a_whole_page(staff_client, activity, amplang):
    html = _search(staff_client, activity, "amplang").content.decode()

    assert "<html" not in html
    assert "<form" in html


def test_the_search_says_when_nothing_matches(staff_client, activity, amplang):
    html = _search(staff_client, activity, "soto banjar").content.decode()

    assert "Tidak ada usaha yang cocok." in html
    assert "Amplang" not in html


def test_one_letter_is_not_enough_to_search(staff_client, activity, amplang):
    html = _search(staff_client, activity, "a").content.decode()

    assert "Amplang" not in html


def test_the_search_never_offers_a_rejected_or_merged_record(staff_client, activity, amplang):
    BusinessFactory(name="Amplang Ditolak", status=BusinessStatus.REJECTED)
    BusinessFactory(name="Amplang Digabung", merged_into=amplang)

    html = _search(staff_client, activity, "amplang").content.decode()

    assert "Amplang Ikan Pipih" in html
    assert "Amplang Ditolak" not in html
    assert "Amplang Digabung" not in html


def test_the_detail_page_also_searches_without_javascript(staff_client, activity, amplang):
    response = staff_client.get(
        reverse("coaching:activity-detail", kwargs={"pk": activity.pk}), {"cari": "amplang"}
    )

    assert _add_button_for(amplang) in response.content.decode()


def test_adding_a_business_makes_it_a_registered_participant(staff_client, staff_user, activity, amplang):
    response = _add(staff_client, activity, amplang)

    participation = Participation.objects.get()
    assert response.redirect_chain == [(reverse("coaching:activity-detail", kwargs={"pk": activity.pk}), 302)]
    assert participation.business == amplang
    assert participation.status == ParticipationStatus.REGISTERED
    assert participation.registered_by == staff_user
    assert participation.history.get().history_user == staff_user
    html = response.content.decode()
    assert "Amplang Ikan Pipih Hj. Aminah ditambahkan sebagai peserta." in html


def test_adding_the_same_business_twice_shows_an_error_and_keeps_one_row(staff_client, activity, amplang):
    _add(staff_client, activity, amplang)

    response = _add(staff_client, activity, amplang)

    assert "Amplang Ikan Pipih Hj. Aminah sudah menjadi peserta kegiatan ini." in response.content.decode()
    assert Participation.objects.filter(activity=activity, business=amplang).count() == 1


def test_a_business_that_cancelled_can_be_added_again_on_the_same_row(staff_client, activity, amplang):
    earlier = Participation.objects.create(
        activity=activity, business=amplang, status=ParticipationStatus.CANCELLED
    )

    _add(staff_client, activity, amplang)

    assert list(Participation.objects.values_list("pk", "status")) == [
        (earlier.pk, ParticipationStatus.REGISTERED)
    ]


def test_adding_without_choosing_a_business_shows_a_message(staff_client, activity):
    response = staff_client.post(
        reverse("coaching:participant-add", kwargs={"pk": activity.pk}), {}, follow=True
    )

    assert "Pilih usaha dari hasil pencarian." in response.content.decode()
    assert Participation.objects.count() == 0


def test_a_full_activity_refuses_another_participant_with_a_clear_message(staff_client, amplang, bingka):
    activity = _activity(capacity=1)
    Participation.objects.create(activity=activity, business=amplang)

    response = _add(staff_client, activity, bingka)

    html = response.content.decode()
    assert "Kapasitas kegiatan 1 peserta; sudah terisi 1" in html
    assert list(Participation.objects.values_list("business", flat=True)) == [amplang.pk]


def test_staff_may_add_beyond_the_capacity_on_purpose(staff_client, amplang, bingka):
    activity = _activity(capacity=1)
    Participation.objects.create(activity=activity, business=amplang)

    response = _add(staff_client, activity, bingka, override_capacity="on")

    assert "Kue Bingka Kentang ditambahkan sebagai peserta." in response.content.decode()
    assert Participation.objects.filter(activity=activity).count() == 2


def test_the_override_box_is_offered_to_staff_in_the_search_results(staff_client, activity, amplang):
    html = _search(staff_client, activity, "amplang").content.decode()

    assert 'name="override_capacity"' in html


def test_no_one_can_be_added_to_a_cancelled_activity(staff_client, amplang):
    activity = _activity(status=Activity.Status.CANCELLED, cancel_reason="Anggaran dialihkan.")

    response = _add(staff_client, activity, amplang)

    assert "Kegiatan ini dibatalkan; peserta tidak dapat ditambah." in response.content.decode()
    assert Participation.objects.count() == 0


def test_the_bulk_page_opens_with_its_instructions(staff_client, activity):
    response = staff_client.get(reverse("coaching:participants-bulk-add", kwargs={"pk": activity.pk}))

    assert response.status_code == 200
    assert "NIB usaha atau NIK pemilik" in response.content.decode()


def test_pasted_nibs_and_niks_add_every_business(staff_client, staff_user, activity, amplang, bingka):
    third = BusinessFactory(name="Sasirangan Kampung Melayu")
    lines = f"{NIB_AMPLANG}\n  {bingka.owner.nik}  \n\n{third.owner.nik[:4]} {third.owner.nik[4:8]} {third.owner.nik[8:]}\n"

    response = _bulk(staff_client, activity, lines)

    assert response.status_code == 302
    assert response["Location"] == reverse("coaching:activity-detail", kwargs={"pk": activity.pk})
    added = Participation.objects.filter(activity=activity)
    assert {p.business_id for p in added} == {amplang.pk, bingka.pk, third.pk}
    assert {p.registered_by for p in added} == {staff_user}
    assert "3 peserta ditambahkan." in staff_client.get(response["Location"]).content.decode()


def test_one_bad_line_shows_numbered_errors_and_adds_no_one(staff_client, activity, amplang, bingka):
    unknown_nik = make_nik(serial=9876)
    lines = f"{NIB_AMPLANG}\n12345\n{bingka.owner.nik}\n{unknown_nik}\n"

    response = _bulk(staff_client, activity, lines)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Baris 2 (12345):" in html
    assert f"Baris 4 ({unknown_nik}): tidak ditemukan di registri." in html
    assert "Baris 1" not in html
    assert "Baris 3" not in html
    assert Participation.objects.count() == 0


def test_a_line_written_twice_is_pointed_out(staff_client, activity, amplang):
    response = _bulk(staff_client, activity, f"{NIB_AMPLANG}\n{NIB_AMPLANG}")

    assert f"Baris 2 ({NIB_AMPLANG}): tertulis lebih dari sekali." in response.content.decode()
    assert Participation.objects.count() == 0


def test_a_nik_of_an_owner_with_two_businesses_asks_for_the_nib(staff_client, activity, amplang):
    BusinessFactory(owner=amplang.owner, name="Amplang Cabang Dua")

    response = _bulk(staff_client, activity, amplang.owner.nik)

    assert "pemilik ini punya lebih dari satu usaha" in response.content.decode()
    assert Participation.objects.count() == 0


def test_a_number_excel_mangled_is_refused_not_guessed(staff_client, activity, amplang):
    response = _bulk(staff_client, activity, "6.371E+15")

    assert "Baris 1 (6.371E+15):" in response.content.decode()
    assert Participation.objects.count() == 0


def test_a_bulk_add_that_includes_a_participant_already_there_adds_no_one(
    staff_client, activity, amplang, bingka
):
    Participation.objects.create(activity=activity, business=amplang)

    response = _bulk(staff_client, activity, f"{NIB_AMPLANG}\n{NIB_BINGKA}")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Sudah menjadi peserta: Amplang Ikan Pipih Hj. Aminah." in html
    assert list(Participation.objects.values_list("business", flat=True)) == [amplang.pk]


def test_a_bulk_add_beyond_the_capacity_is_refused_unless_overridden(staff_client, amplang, bingka):
    activity = _activity(capacity=1)

    refused = _bulk(staff_client, activity, f"{NIB_AMPLANG}\n{NIB_BINGKA}")
    count_after_refusal = Participation.objects.count()
    overridden = _bulk(staff_client, activity, f"{NIB_AMPLANG}\n{NIB_BINGKA}", override_capacity="on")

    assert "Kapasitas kegiatan 1 peserta" in refused.content.decode()
    assert count_after_refusal == 0
    assert overridden.status_code == 302
    assert Participation.objects.filter(activity=activity).count() == 2


def test_an_empty_paste_is_asked_for_again(staff_client, activity):
    response = _bulk(staff_client, activity, "  \n ")

    assert response.status_code == 200
    assert response.context["form"].errors["lines"]
    assert Participation.objects.count() == 0
