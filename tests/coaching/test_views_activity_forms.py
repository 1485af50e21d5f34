"""Creating, editing and cancelling an activity through its pages (issue: Activities)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from pembinaan.coaching.models import Activity, CoachingType, Participation, ParticipationStatus
from pembinaan.funding.models import FundingSource
from pembinaan.reference.models import Kecamatan
from tests.coaching.factories import placeholder_line
from tests.factories import BusinessFactory

pytestmark = pytest.mark.django_db


def _activity(**fields) -> Activity:
    values = {
        "title": "Workshop Kemasan Produk Olahan Ikan",
        "coaching_type": CoachingType.objects.get(code="workshop"),
        "start_date": datetime.date(2025, 8, 12),
        "end_date": datetime.date(2025, 8, 13),
        "venue": "Aula Dinas Koperasi",
        "funding_source": FundingSource.objects.get(code="apbd-kota"),
        "capacity": 40,
    }
    values.update(fields)
    values.setdefault("fiscal_year", values["start_date"].year)
    values.setdefault("budget_line", placeholder_line(values["funding_source"], values["fiscal_year"]))
    return Activity.objects.create(**values)


def _form_data(**overrides) -> dict:
    """What the create form sends for a two-day workshop, as the browser sends it."""
    data = {
        "title": "Workshop Pemasaran Digital Kelurahan Kelayan",
        "coaching_type": CoachingType.objects.get(code="pemasaran-digital").pk,
        "format": Activity.Format.GROUP,
        "start_date": "2025-08-12",
        "end_date": "2025-08-13",
        "start_time": "08:30",
        "end_time": "15:00",
        "venue": "Aula Dinas Koperasi",
        "kecamatan": Kecamatan.objects.order_by("code").first().pk,
        "organiser": Activity.Organiser.DINAS,
        "organiser_name": "",
        "trainer": "Rina Marlina",
        "capacity": "40",
        "description": "Belajar berjualan lewat marketplace.",
        "visit_note": "",
        "status": Activity.Status.PLANNED,
        "fiscal_year": "2025",
        "funding_source": FundingSource.objects.get(code="apbd-kota").pk,
        "planned_cost": "Rp1.500.000",
        "actual_cost": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def _edit_data(activity: Activity, **overrides) -> dict:
    current = {
        "title": activity.title,
        "coaching_type": activity.coaching_type_id,
        "start_date": activity.start_date.isoformat(),
        "end_date": activity.end_date.isoformat(),
        "capacity": str(activity.capacity or ""),
        "fiscal_year": str(activity.fiscal_year),
        "funding_source": activity.funding_source_id,
    }
    return _form_data(**(current | overrides))


def _field_errors(response, field: str) -> list[str]:
    return list(response.context["form"].errors.get(field, []))


def test_the_create_page_opens_with_this_year_as_fiscal_year(staff_client):
    response = staff_client.get(reverse("coaching:activity-create"))

    assert response.status_code == 200
    assert "Tambah kegiatan" in response.content.decode()
    assert response.context["form"].initial["fiscal_year"] == timezone.localdate().year


def test_a_valid_activity_is_saved_and_the_staff_member_is_taken_to_its_page(staff_client, staff_user):
    response = staff_client.post(reverse("coaching:activity-create"), _form_data())

    activity = Activity.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("coaching:activity-detail", kwargs={"pk": activity.pk})
    assert activity.title == "Workshop Pemasaran Digital Kelurahan Kelayan"
    assert activity.coaching_type.code == "pemasaran-digital"
    assert activity.start_date == datetime.date(2025, 8, 12)
    assert activity.start_time == datetime.time(8, 30)
    assert activity.created_by == staff_user
    assert activity.status == Activity.Status.PLANNED


def test_creating_an_activity_records_who_did_it_in_the_history(staff_client, staff_user):
    staff_client.post(reverse("coaching:activity-create"), _form_data())

    record = Activity.objects.get().history.get()
    assert record.history_type == "+"
    assert record.history_user == staff_user


def test_money_typed_the_official_way_is_stored_as_whole_rupiah(staff_client):
    staff_client.post(
        reverse("coaching:activity-create"), _form_data(planned_cost="Rp1.500.000", actual_cost="1 250 000")
    )

    activity = Activity.objects.get()
    assert activity.planned_cost == 1_500_000
    assert activity.actual_cost == 1_250_000


def test_the_detail_page_shows_the_cost_in_the_official_style(staff_client):
    staff_client.post(reverse("coaching:activity-create"), _form_data(planned_cost="1500000"))

    response = staff_client.get(reverse("coaching:activity-detail", kwargs={"pk": Activity.objects.get().pk}))

    assert "Rp1.500.000" in response.content.decode()


def test_the_new_activity_page_greets_with_a_success_message(staff_client):
    response = staff_client.post(reverse("coaching:activity-create"), _form_data(), follow=True)

    assert "Kegiatan tersimpan." in response.content.decode()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"start_date": "2025-08-13", "end_date": "2025-08-12"},
            "end_date",
            "Tanggal selesai tidak boleh sebelum tanggal mulai.",
        ),
        ({"coaching_type": None}, "coaching_type", "Bidang ini tidak boleh kosong."),
        ({"capacity": "0"}, "capacity", None),
        ({"planned_cost": "satu juta"}, "planned_cost", "Isi angka rupiah saja, misalnya 1.250.000."),
        ({"actual_cost": "Rp1.500.000,50"}, "actual_cost", "Isi dalam rupiah bulat, tanpa sen."),
        (
            {"fiscal_year": "2019"},
            "fiscal_year",
            "Tahun anggaran jauh dari tanggal kegiatan; periksa kembali.",
        ),
    ],
    ids=[
        "end-before-start",
        "missing-type",
        "capacity-zero",
        "cost-with-letters",
        "cost-with-cents",
        "far-fiscal-year",
    ],
)
def test_bad_input_is_shown_again_with_an_indonesian_message_on_its_field_and_nothing_is_created(
    staff_client, overrides, field, message
):
    response = staff_client.post(reverse("coaching:activity-create"), _form_data(**overrides))

    assert response.status_code == 200
    errors = _field_errors(response, field)
    assert errors, response.context["form"].errors
    assert message is None or any(message in error for error in errors), errors
    assert "Periksa kembali isian yang ditandai." in response.content.decode()
    assert Activity.objects.count() == 0


def test_a_retired_coaching_type_cannot_be_chosen_for_a_new_activity(staff_client):
    retired = CoachingType.objects.get(code="kemasan")
    retired.is_active = False
    retired.save()

    response = staff_client.post(reverse("coaching:activity-create"), _form_data(coaching_type=retired.pk))

    assert response.status_code == 200
    assert _field_errors(response, "coaching_type")
    assert Activity.objects.count() == 0


def test_an_activity_with_a_retired_type_keeps_it_when_edited(staff_client):
    activity = _activity(coaching_type=CoachingType.objects.get(code="kemasan"))
    CoachingType.objects.filter(code="kemasan").update(is_active=False)

    response = staff_client.post(
        reverse("coaching:activity-edit", kwargs={"pk": activity.pk}),
        _edit_data(activity, venue="Balai Kota"),
    )

    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.coaching_type.code == "kemasan"
    assert activity.venue == "Balai Kota"


def test_the_create_form_does_not_offer_cancelling(staff_client):
    response = staff_client.post(
        reverse("coaching:activity-create"), _form_data(status=Activity.Status.CANCELLED)
    )

    assert response.status_code == 200
    assert _field_errors(response, "status")
    assert Activity.objects.count() == 0


def test_an_edit_is_saved_and_recorded_with_the_user(staff_client, staff_user):
    activity = _activity()

    response = staff_client.post(
        reverse("coaching:activity-edit", kwargs={"pk": activity.pk}),
        _edit_data(activity, venue="Gedung Sultan Suriansyah", actual_cost="Rp2.750.000"),
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("coaching:activity-detail", kwargs={"pk": activity.pk})
    activity.refresh_from_db()
    assert activity.venue == "Gedung Sultan Suriansyah"
    assert activity.actual_cost == 2_750_000
    latest = activity.history.first()
    assert latest.history_type == "~"
    assert latest.history_user == staff_user


def test_an_edit_cannot_lower_the_capacity_below_the_current_participants(staff_client):
    activity = _activity(capacity=5)
    for business in BusinessFactory.create_batch(3):
        Participation.objects.create(activity=activity, business=business)

    response = staff_client.post(
        reverse("coaching:activity-edit", kwargs={"pk": activity.pk}), _edit_data(activity, capacity="2")
    )

    assert response.status_code == 200
    assert any("Sudah ada 3 peserta aktif" in e for e in _field_errors(response, "capacity"))
    activity.refresh_from_db()
    assert activity.capacity == 5


def test_cancelled_participants_do_not_hold_a_place_when_the_capacity_is_lowered(staff_client):
    activity = _activity(capacity=5)
    businesses = BusinessFactory.create_batch(3)
    Participation.objects.create(activity=activity, business=businesses[0])
    Participation.objects.create(activity=activity, business=businesses[1])
    Participation.objects.create(
        activity=activity, business=businesses[2], status=ParticipationStatus.CANCELLED
    )

    response = staff_client.post(
        reverse("coaching:activity-edit", kwargs={"pk": activity.pk}), _edit_data(activity, capacity="2")
    )

    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.capacity == 2


def test_the_edit_page_shows_the_current_values(staff_client):
    activity = _activity(title="Klinik Kemasan Sasirangan", planned_cost=2_500_000)

    response = staff_client.get(reverse("coaching:activity-edit", kwargs={"pk": activity.pk}))

    html = response.content.decode()
    assert "Klinik Kemasan Sasirangan" in html
    assert 'value="2.500.000"' in html


def test_cancelling_needs_a_reason(staff_client):
    activity = _activity()

    response = staff_client.post(
        reverse("coaching:activity-cancel", kwargs={"pk": activity.pk}), {"reason": "  "}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    activity.refresh_from_db()
    assert activity.status == Activity.Status.PLANNED
    assert activity.cancel_reason == ""


def test_a_cancelled_activity_says_so_and_keeps_its_participants(staff_client, staff_user):
    activity = _activity()
    business = BusinessFactory(name="Amplang Ikan Pipih Hj. Aminah")
    Participation.objects.create(activity=activity, business=business, status=ParticipationStatus.ATTENDED)

    response = staff_client.post(
        reverse("coaching:activity-cancel", kwargs={"pk": activity.pk}),
        {"reason": "Gedung dipakai untuk posko banjir."},
        follow=True,
    )

    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("coaching:activity-detail", kwargs={"pk": activity.pk})
    assert "Kegiatan dibatalkan." in html
    assert "Dibatalkan" in html
    assert "Gedung dipakai untuk posko banjir." in html
    assert "Amplang Ikan Pipih Hj. Aminah" in html
    activity.refresh_from_db()
    assert activity.status == Activity.Status.CANCELLED
    assert Participation.objects.get().status == ParticipationStatus.ATTENDED
    assert activity.history.first().history_user == staff_user


def test_a_cancelled_activity_offers_no_certificate_and_no_way_to_add_participants(staff_client):
    activity = _activity(status=Activity.Status.CANCELLED, cancel_reason="Anggaran dialihkan.")
    participation = Participation.objects.create(
        activity=activity, business=BusinessFactory(), status=ParticipationStatus.ATTENDED
    )

    html = staff_client.get(reverse("coaching:activity-detail", kwargs={"pk": activity.pk})).content.decode()

    assert (
        reverse("coaching:certificate", kwargs={"pk": activity.pk, "participation_pk": participation.pk})
        not in html
    )
    assert reverse("coaching:participants-bulk-add", kwargs={"pk": activity.pk}) not in html


def test_cancelling_twice_is_refused_with_a_message(staff_client):
    activity = _activity(status=Activity.Status.CANCELLED, cancel_reason="Anggaran dialihkan.")

    response = staff_client.post(
        reverse("coaching:activity-cancel", kwargs={"pk": activity.pk}), {"reason": "Lagi"}
    )

    assert response.status_code == 200
    assert "Kegiatan ini sudah dibatalkan." in response.content.decode()
    activity.refresh_from_db()
    assert activity.cancel_reason == "Anggaran dialihkan."


def test_a_cancelled_activity_cannot_be_brought_back_through_the_edit_form(staff_client):
    activity = _activity(status=Activity.Status.CANCELLED, cancel_reason="Anggaran dialihkan.")

    response = staff_client.post(
        reverse("coaching:activity-edit", kwargs={"pk": activity.pk}),
        _edit_data(activity, status=Activity.Status.PLANNED),
    )

    assert response.status_code == 200
    activity.refresh_from_db()
    assert activity.status == Activity.Status.CANCELLED


def test_the_activity_list_filters_by_type_and_searches_titles(staff_client):
    _activity(title="Workshop Kemasan Amplang")
    _activity(title="Pelatihan Foto Produk", coaching_type=CoachingType.objects.get(code="pelatihan"))

    by_type = staff_client.get(
        reverse("coaching:activity-list"), {"coaching_type": CoachingType.objects.get(code="pelatihan").pk}
    )
    by_word = staff_client.get(reverse("coaching:activity-list"), {"q": "amplang"})

    assert [a.title for a in by_type.context["page"]] == ["Pelatihan Foto Produk"]
    assert [a.title for a in by_word.context["page"]] == ["Workshop Kemasan Amplang"]


def test_the_calendar_lists_upcoming_activities_but_not_cancelled_or_past_ones(staff_client):
    today = timezone.localdate()
    _activity(
        title="Pelatihan Minggu Depan",
        start_date=today + datetime.timedelta(days=7),
        end_date=today + datetime.timedelta(days=7),
    )
    _activity(
        title="Pelatihan Yang Batal",
        start_date=today + datetime.timedelta(days=8),
        end_date=today + datetime.timedelta(days=8),
        status=Activity.Status.CANCELLED,
        cancel_reason="Hujan",
    )
    _activity(
        title="Pelatihan Tahun Lalu", start_date=datetime.date(2024, 3, 1), end_date=datetime.date(2024, 3, 1)
    )

    html = staff_client.get(reverse("coaching:activity-calendar")).content.decode()

    assert "Pelatihan Minggu Depan" in html
    assert "Pelatihan Yang Batal" not in html
    assert "Pelatihan Tahun Lalu" not in html
