"""Issue 17, closed years: Admin Dinas closes a year once its report is published. A change that
would move that year's figures still goes through (the count follows the data) but needs a reason,
and is listed with who, when, why and the figures moved, and in the next report."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from pembinaan.coaching.models import ParticipationStatus
from pembinaan.coaching.services import attendance_record
from pembinaan.lib.corrections import correction_reason
from pembinaan.progress.closing import ClosedYearChange
from pembinaan.progress.models import ClosedYear, FigureCorrection, ReportSnapshot, Target
from pembinaan.progress.selectors import dashboard, report_figures
from pembinaan.progress.services import rebuild, year_close
from pembinaan.reference.models import Kelurahan
from pembinaan.registry.models import Business
from pembinaan.registry.services import business_update
from tests.coaching.factories import ActivityFactory, ParticipationFactory
from tests.factories import BusinessFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def year_2024(admin_user):
    """Two businesses at a 2024 workshop: one coached (reported), one whose attendance came late;
    the year is closed with its published report."""
    target = Target.primary()
    workshop = ActivityFactory(start_date=datetime.date(2024, 5, 14))
    coached = ParticipationFactory(
        activity=workshop, business=BusinessFactory(), status=ParticipationStatus.ATTENDED
    )
    late = ParticipationFactory(activity=workshop, business=BusinessFactory())
    rebuild(target)
    report = ReportSnapshot.objects.create(
        target=target, title="Laporan Tahun 2024", figures=report_figures(target), created_by=admin_user
    )
    year_close(year=2024, report=report, by=admin_user)
    return {"target": target, "workshop": workshop, "coached": coached, "late": late}


def _coached_2024(target) -> int:
    return next(r["cumulative"] for r in dashboard(target)["by_year"] if r["year"] == 2024)


def test_a_change_that_moves_a_closed_year_is_refused_without_a_reason_and_changes_nothing(
    year_2024, staff_user
):
    target, late = year_2024["target"], year_2024["late"]
    with pytest.raises(ClosedYearChange) as refused:
        attendance_record(
            activity=year_2024["workshop"], statuses={late.pk: ParticipationStatus.ATTENDED}, by=staff_user
        )
    assert "2024" in refused.value.messages[0] and "alasan" in refused.value.messages[0]
    late.refresh_from_db()
    assert late.status == ParticipationStatus.REGISTERED
    assert _coached_2024(target) == 1
    assert not FigureCorrection.objects.exists()


def test_with_a_reason_the_change_counts_and_is_recorded_with_who_when_why_and_the_figures_moved(
    year_2024, staff_user
):
    target, late = year_2024["target"], year_2024["late"]
    with correction_reason("Daftar hadir dari kelurahan baru diterima", user_id=staff_user.pk):
        attendance_record(
            activity=year_2024["workshop"], statuses={late.pk: ParticipationStatus.ATTENDED}, by=staff_user
        )
    assert _coached_2024(target) == 2
    correction = FigureCorrection.objects.get()
    assert (correction.year, correction.made_by, correction.reason) == (
        2024,
        staff_user,
        "Daftar hadir dari kelurahan baru diterima",
    )
    assert (correction.coached_before, correction.coached_after) == (1, 2)
    assert (correction.new_before, correction.new_after, correction.businesses) == (1, 2, 1)


def test_the_attendance_screen_asks_for_the_reason_and_saves_with_it(year_2024, staff_client, staff_user):
    workshop, late = year_2024["workshop"], year_2024["late"]
    url = reverse("coaching:attendance", args=[workshop.pk])
    statuses = {f"p{year_2024['coached'].pk}": "hadir", f"p{late.pk}": "hadir"}
    refused = staff_client.post(url, statuses)
    assert refused.status_code == 200
    body = refused.content.decode()
    assert "sudah ditutup" in body and 'name="alasan_koreksi"' in body
    late.refresh_from_db()
    assert late.status == ParticipationStatus.REGISTERED

    saved = staff_client.post(url, {**statuses, "alasan_koreksi": "Absen susulan dari panitia"})
    assert saved.status_code == 302
    late.refresh_from_db()
    assert late.status == ParticipationStatus.ATTENDED
    assert FigureCorrection.objects.get().reason == "Absen susulan dari panitia"


def test_a_reason_written_on_the_corrections_page_applies_to_the_next_changes(year_2024, staff_client):
    late = year_2024["late"]
    staff_client.post(reverse("progress:corrections"), {"reason": "Koreksi data hasil verifikasi lapangan"})
    response = staff_client.post(
        reverse("coaching:attendance", args=[year_2024["workshop"].pk]),
        {f"p{year_2024['coached'].pk}": "hadir", f"p{late.pk}": "hadir"},
    )
    assert response.status_code == 302
    assert FigureCorrection.objects.get().reason == "Koreksi data hasil verifikasi lapangan"


def test_a_change_in_an_open_year_needs_no_reason(year_2024, staff_user):
    workshop_2026 = ActivityFactory(start_date=datetime.date(2026, 2, 10))
    fresh = ParticipationFactory(activity=workshop_2026, business=BusinessFactory())
    attendance_record(
        activity=workshop_2026, statuses={fresh.pk: ParticipationStatus.ATTENDED}, by=staff_user
    )
    assert not FigureCorrection.objects.exists()


def test_moving_a_business_coached_in_a_closed_year_to_another_kecamatan_is_a_correction(
    year_2024, staff_user
):
    business = Business.objects.get(pk=year_2024["coached"].business_id)
    elsewhere = Kelurahan.objects.exclude(kecamatan=business.kelurahan.kecamatan).order_by("code").first()
    with pytest.raises(ClosedYearChange):
        business_update(business=business, kelurahan=elsewhere, by=staff_user)
    with correction_reason("Alamat usaha salah ketik", user_id=staff_user.pk):
        business_update(business=Business.objects.get(pk=business.pk), kelurahan=elsewhere, by=staff_user)
    correction = FigureCorrection.objects.get()
    assert (correction.coached_before, correction.coached_after, correction.businesses) == (1, 1, 1)


def test_the_corrections_page_and_the_next_report_list_the_correction(year_2024, staff_user, viewer_client):
    late = year_2024["late"]
    with correction_reason("Daftar hadir susulan", user_id=staff_user.pk):
        attendance_record(
            activity=year_2024["workshop"], statuses={late.pk: ParticipationStatus.ATTENDED}, by=staff_user
        )
    page = viewer_client.get(reverse("progress:corrections")).content.decode()
    assert "Daftar hadir susulan" in page and str(staff_user) in page and "1 → 2" in page
    report = viewer_client.get(reverse("progress:report")).content.decode()
    assert "Koreksi setelah tutup tahun" in report and "Daftar hadir susulan" in report
    frozen = year_2024["target"].snapshots.get()
    snapshot_page = viewer_client.get(reverse("progress:snapshot", args=[frozen.pk])).content.decode()
    assert (
        "Koreksi setelah laporan ini dibekukan" in snapshot_page and "Daftar hadir susulan" in snapshot_page
    )


@pytest.mark.parametrize("persona", ["staff_client", "viewer_client", "owner_client"])
def test_no_one_but_admin_dinas_reaches_the_closing_page(request, persona):
    client = request.getfixturevalue(persona)
    assert client.get(reverse("progress:closed-years")).status_code == 403
    assert client.post(reverse("progress:closed-years"), {"year": "2025"}).status_code == 403
    assert not ClosedYear.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(anon_client):
    response = anon_client.get(reverse("progress:closed-years"))
    assert response.status_code == 302 and "/masuk" in response.url or "login" in response.url


def test_admin_dinas_closes_a_year_once_and_never_a_future_one(admin_client):
    admin = admin_client
    assert admin.get(reverse("progress:closed-years")).status_code == 200
    response = admin.post(reverse("progress:closed-years"), {"year": "2025"})
    assert response.status_code == 302 and ClosedYear.objects.filter(year=2025).exists()
    again = admin.post(reverse("progress:closed-years"), {"year": "2025"})
    assert again.status_code == 200 and "sudah ditutup" in again.content.decode()
    future = admin.post(reverse("progress:closed-years"), {"year": "2099"})
    assert future.status_code == 200 and not ClosedYear.objects.filter(year=2099).exists()


def test_council_members_read_corrections_but_cannot_write_a_reason(viewer_client):
    assert viewer_client.get(reverse("progress:corrections")).status_code == 200
    assert viewer_client.post(reverse("progress:corrections"), {"reason": "x" * 20}).status_code == 403
