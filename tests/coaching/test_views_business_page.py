"""A business's coaching on its page: history, counted or not (rule 6), outcomes and yearly figures."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from pembinaan.coaching import services
from pembinaan.coaching.models import (
    Activity,
    CoachingType,
    FiguresSnapshot,
    Outcome,
    OutcomeType,
    Participation,
    ParticipationStatus,
)
from pembinaan.funding.models import FundingSource
from pembinaan.registry.models import BusinessStatus
from tests.coaching.factories import placeholder_line
from tests.factories import BusinessFactory

pytestmark = pytest.mark.django_db

COUNTED = "Dihitung sebagai UMKM terbina"
NOT_VERIFIED = "belum dihitung untuk"
NO_ATTENDANCE = "belum ada kehadiran pada kegiatan dalam periode target"


def _activity(**fields) -> Activity:
    values = {
        "title": "Workshop Kemasan Produk Olahan Ikan",
        "coaching_type": CoachingType.objects.get(code="workshop"),
        "start_date": datetime.date(2024, 5, 14),
        "end_date": datetime.date(2024, 5, 15),
        "venue": "Aula Dinas Koperasi",
        "funding_source": FundingSource.objects.get(code="apbd-kota"),
    }
    values.update(fields)
    values.setdefault("fiscal_year", values["start_date"].year)
    values.setdefault("budget_line", placeholder_line(values["funding_source"], values["fiscal_year"]))
    return Activity.objects.create(**values)


def _attend(activity: Activity, business, by) -> Participation:
    """Register the business, then mark it present the way the attendance screen does."""
    participation = services.participation_add(activity=activity, business=business, by=by)
    services.attendance_record(
        activity=activity, statuses={participation.pk: ParticipationStatus.ATTENDED}, by=by
    )
    return participation


def _png(name: str = "bukti.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _page(client, business) -> str:
    response = client.get(reverse("registry:business-detail", kwargs={"pk": business.pk}))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def business(db):
    return BusinessFactory(name="Amplang Ikan Pipih Hj. Aminah")


def test_an_attended_activity_appears_in_the_coaching_history(staff_client, staff_user, business):
    activity = _activity(
        title="Pelatihan Pengemasan Amplang", coaching_type=CoachingType.objects.get(code="kemasan")
    )
    _attend(activity, business, staff_user)

    html = _page(staff_client, business)

    assert "Pelatihan Pengemasan Amplang" in html
    assert reverse("coaching:activity-detail", kwargs={"pk": activity.pk}) in html
    assert "14 Mei 2024" in html
    assert "Desain dan Pembuatan Kemasan" in html
    assert "APBD Kota" in html
    assert "Belum pernah mengikuti kegiatan." not in html


def test_a_verified_business_that_attended_is_counted_since_the_date_of_its_first_activity(
    staff_client, staff_user, business
):
    _attend(
        _activity(start_date=datetime.date(2025, 2, 3), end_date=datetime.date(2025, 2, 3)),
        business,
        staff_user,
    )
    _attend(_activity(start_date=datetime.date(2024, 5, 14)), business, staff_user)

    html = _page(staff_client, business)

    assert COUNTED in html
    assert "sejak 14 Mei 2024 (tahun pembinaan 2024)" in html


def test_an_unverified_business_that_attended_shows_that_it_does_not_count_yet(staff_client, staff_user):
    submitted = BusinessFactory(name="Kue Bingka Kentang", status=BusinessStatus.SUBMITTED)
    _attend(_activity(), submitted, staff_user)

    html = _page(staff_client, submitted)

    assert COUNTED not in html
    assert NOT_VERIFIED in html
    assert "karena usaha belum terverifikasi" in html


def test_a_business_that_never_attended_is_not_counted(staff_client, business):
    Participation.objects.create(activity=_activity(), business=business)  # registered, never came

    html = _page(staff_client, business)

    assert COUNTED not in html
    assert NO_ATTENDANCE in html
    assert "Terdaftar" in html


def test_attendance_at_a_cancelled_activity_does_not_count_but_stays_in_the_history(
    staff_client, staff_user, business
):
    activity = _activity(title="Workshop Yang Batal")
    _attend(activity, business, staff_user)
    services.activity_cancel(activity=activity, by=staff_user, reason="Narasumber sakit.")

    html = _page(staff_client, business)

    assert "Workshop Yang Batal" in html
    assert "dibatalkan" in html
    assert COUNTED not in html
    assert NO_ATTENDANCE in html


def test_attendance_before_the_target_period_does_not_count(staff_client, business):
    activity = _activity(start_date=datetime.date(2020, 11, 2), end_date=datetime.date(2020, 11, 2))
    Participation.objects.create(activity=activity, business=business, status=ParticipationStatus.ATTENDED)

    html = _page(staff_client, business)

    assert COUNTED not in html
    assert NO_ATTENDANCE in html


def test_outcomes_and_yearly_figures_are_shown_on_the_business_page(staff_client, staff_user, business):
    activity = _activity(title="Fasilitasi Sertifikat Halal")
    _attend(activity, business, staff_user)
    services.outcome_record(
        business=business,
        by=staff_user,
        outcome_type=OutcomeType.objects.get(code="halal"),
        achieved_on=datetime.date(2024, 9, 2),
        activity=activity,
        reference_number="ID63110000123450924",
    )
    services.outcome_record(
        business=business,
        by=staff_user,
        outcome_type=OutcomeType.objects.get(code="kur"),
        achieved_on=datetime.date(2025, 1, 20),
        institution="Bank Kalsel",
        amount=25_000_000,
    )
    services.figures_record(
        business=business,
        by=staff_user,
        year=2023,
        annual_sales=150_000_000,
        employees=2,
        assets=None,
        sells_online=False,
    )
    services.figures_record(
        business=business,
        by=staff_user,
        year=2025,
        annual_sales=480_000_000,
        employees=5,
        assets=None,
        sells_online=True,
    )

    html = _page(staff_client, business)

    assert "Sertifikat halal" in html
    assert "ID63110000123450924" in html
    assert "2 September 2024" in html
    assert "Pinjaman (KUR) diperoleh" in html
    assert "Bank Kalsel" in html
    assert "Rp25.000.000" in html
    assert "Rp150.000.000" in html
    assert "Rp480.000.000" in html
    assert html.index("Rp150.000.000") < html.index("Rp480.000.000")
    assert "Belum ada capaian tercatat." not in html
    assert "Belum ada data tahunan." not in html


def test_the_business_page_offers_the_outcome_and_figures_forms_to_staff(staff_client, business):
    html = _page(staff_client, business)

    assert reverse("coaching:outcome-create", kwargs={"business_pk": business.pk}) in html
    assert reverse("coaching:figures-create", kwargs={"business_pk": business.pk}) in html


# --- Outcome form ----------------------------------------------------------------------------


def _outcome_data(**overrides) -> dict:
    data = {
        "outcome_type": OutcomeType.objects.get(code="halal").pk,
        "achieved_on": "2024-09-02",
        "activity": "",
        "reference_number": "ID63110000123450924",
        "institution": "",
        "amount": "",
        "note": "Sertifikat dari BPJPH.",
    }
    data.update(overrides)
    return data


def _post_outcome(client, business, data: dict):
    return client.post(reverse("coaching:outcome-create", kwargs={"business_pk": business.pk}), data)


def test_the_outcome_form_opens_with_today_as_the_date(staff_client, business):
    response = staff_client.get(reverse("coaching:outcome-create", kwargs={"business_pk": business.pk}))

    assert response.status_code == 200
    assert "Amplang Ikan Pipih Hj. Aminah" in response.content.decode()
    assert response.context["form"]["achieved_on"].value() == timezone.localdate()


def test_an_outcome_with_evidence_is_saved_and_the_evidence_can_be_downloaded(
    staff_client, staff_user, media, business
):
    activity = _activity(title="Fasilitasi Sertifikat Halal")
    _attend(activity, business, staff_user)
    evidence = _png("Sertifikat Halal Aminah.png")

    response = _post_outcome(
        staff_client, business, _outcome_data(activity=activity.pk, amount="", evidence=evidence)
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("registry:business-detail", kwargs={"pk": business.pk})
    outcome = Outcome.objects.get()
    assert outcome.activity == activity
    assert outcome.created_by == staff_user
    assert outcome.history.get().history_user == staff_user
    assert outcome.evidence_name == "Sertifikat Halal Aminah.png"
    evidence_url = reverse("coaching:outcome-evidence", kwargs={"pk": outcome.pk})
    assert evidence_url in _page(staff_client, business)
    download = staff_client.get(evidence_url)
    assert download.status_code == 200
    evidence.seek(0)
    assert b"".join(download.streaming_content) == evidence.read()
    assert download["Content-Type"] == "image/png"
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"


def test_a_loan_amount_typed_the_official_way_is_stored_in_whole_rupiah(staff_client, business):
    _post_outcome(
        staff_client,
        business,
        _outcome_data(
            outcome_type=OutcomeType.objects.get(code="kur").pk,
            institution="Bank Kalsel",
            amount="Rp25.000.000",
        ),
    )

    assert Outcome.objects.get().amount == 25_000_000


def test_an_outcome_in_the_future_is_refused_with_a_message(staff_client, business):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = _post_outcome(staff_client, business, _outcome_data(achieved_on=tomorrow.isoformat()))

    assert response.status_code == 200
    assert "Tanggal capaian tidak boleh di masa depan." in response.context["form"].errors["achieved_on"]
    assert Outcome.objects.count() == 0


def test_an_outcome_cannot_be_linked_to_an_activity_the_business_did_not_join(staff_client, business):
    elsewhere = _activity(title="Pelatihan Lain")
    Participation.objects.create(
        activity=elsewhere, business=BusinessFactory(), status=ParticipationStatus.ATTENDED
    )

    response = _post_outcome(staff_client, business, _outcome_data(activity=elsewhere.pk))

    assert response.status_code == 200
    assert response.context["form"].errors["activity"]
    assert Outcome.objects.count() == 0


def test_a_renamed_exe_as_evidence_is_refused_and_nothing_is_stored(staff_client, media, business):
    exe = SimpleUploadedFile("bukti.pdf", b"MZ\x90\x00" + b"\x00" * 400, content_type="application/pdf")

    response = _post_outcome(staff_client, business, _outcome_data(evidence=exe))

    assert response.status_code == 200
    assert "Hanya foto (JPEG, PNG) atau PDF yang diterima" in response.content.decode()
    assert Outcome.objects.count() == 0
    assert [p for p in media.rglob("*") if p.is_file()] == []


def test_an_outcome_without_a_type_is_refused(staff_client, business):
    response = _post_outcome(staff_client, business, _outcome_data(outcome_type=""))

    assert response.status_code == 200
    assert response.context["form"].errors["outcome_type"]
    assert Outcome.objects.count() == 0


# --- Yearly figures form ---------------------------------------------------------------------


def _figures_data(**overrides) -> dict:
    data = {
        "year": "2023",
        "recorded_on": "2024-01-15",
        "annual_sales": "Rp150.000.000",
        "employees": "2",
        "assets": "Rp20.000.000",
        "sells_online": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def _post_figures(client, business, data: dict):
    return client.post(reverse("coaching:figures-create", kwargs={"business_pk": business.pk}), data)


def test_the_figures_form_opens_with_last_year(staff_client, business):
    response = staff_client.get(reverse("coaching:figures-create", kwargs={"business_pk": business.pk}))

    assert response.status_code == 200
    assert response.context["form"]["year"].value() == timezone.localdate().year - 1


def test_yearly_figures_are_saved_in_whole_rupiah_and_the_scale_is_classified(
    staff_client, staff_user, business
):
    response = _post_figures(staff_client, business, _figures_data())

    assert response.status_code == 302
    assert response["Location"] == reverse("registry:business-detail", kwargs={"pk": business.pk})
    snapshot = FiguresSnapshot.objects.get()
    assert (snapshot.year, snapshot.annual_sales, snapshot.assets, snapshot.employees) == (
        2023,
        150_000_000,
        20_000_000,
        2,
    )
    assert snapshot.sells_online is True
    assert snapshot.scale == "mikro"
    assert snapshot.created_by == staff_user
    assert snapshot.history.get().history_user == staff_user


def test_a_second_snapshot_for_the_same_year_is_refused(staff_client, business):
    _post_figures(staff_client, business, _figures_data())

    response = _post_figures(staff_client, business, _figures_data(annual_sales="Rp999.000.000"))

    assert response.status_code == 200
    assert "Data tahun 2023 sudah ada untuk usaha ini." in response.context["form"].errors["year"]
    assert list(FiguresSnapshot.objects.values_list("annual_sales", flat=True)) == [150_000_000]


def test_figures_for_a_year_still_to_come_are_refused(staff_client, business):
    next_year = timezone.localdate().year + 1

    response = _post_figures(staff_client, business, _figures_data(year=str(next_year)))

    assert response.status_code == 200
    assert response.context["form"].errors["year"]
    assert FiguresSnapshot.objects.count() == 0


def test_figures_recorded_on_a_future_date_are_refused(staff_client, staff_user, business):
    # A future date would also date the "naik kelas" outcome in the future, which the outcome form refuses.
    services.figures_record(
        business=business,
        by=staff_user,
        year=2023,
        annual_sales=1_500_000_000,
        employees=4,
        assets=None,
        sells_online=False,
    )
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = _post_figures(
        staff_client,
        business,
        _figures_data(year="2025", recorded_on=tomorrow.isoformat(), annual_sales="Rp3.000.000.000"),
    )

    assert response.status_code == 200
    assert response.context["form"].errors.get("recorded_on")
    assert list(FiguresSnapshot.objects.values_list("year", flat=True)) == [2023]
    assert not Outcome.objects.filter(achieved_on__gt=timezone.localdate()).exists()


def test_figures_with_letters_in_the_revenue_are_refused(staff_client, business):
    response = _post_figures(staff_client, business, _figures_data(annual_sales="seratus juta"))

    assert response.status_code == 200
    assert "Isi angka rupiah saja, misalnya 1.250.000." in response.context["form"].errors["annual_sales"]
    assert FiguresSnapshot.objects.count() == 0


def test_moving_up_a_scale_shows_as_an_outcome_on_the_business_page(staff_client, business):
    _post_figures(staff_client, business, _figures_data(year="2023", annual_sales="Rp1.500.000.000"))
    _post_figures(
        staff_client,
        business,
        _figures_data(year="2025", recorded_on="2026-01-10", annual_sales="Rp3.000.000.000"),
    )

    html = _page(staff_client, business)

    outcome = Outcome.objects.get()
    assert outcome.outcome_type.code == "naik-kelas"
    assert outcome.achieved_on == datetime.date(2026, 1, 10)
    assert "Naik kelas (skala usaha naik)" in html
    assert "Dari Mikro (2023) ke Kecil (2025)" in html
