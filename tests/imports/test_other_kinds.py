"""Participants with attendance, outcomes and budget lines: imported through their services."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pembinaan.coaching.models import Outcome, Participation, ParticipationStatus
from pembinaan.funding.models import BudgetLine
from pembinaan.imports import services
from pembinaan.imports.models import ImportRun
from pembinaan.progress.models import Target
from pembinaan.progress.selectors import check_aggregates
from pembinaan.progress.services import rebuild_all
from tests.coaching.factories import ActivityFactory, ParticipationFactory
from tests.factories import BusinessFactory, OwnerFactory, make_nik
from tests.imports.files import csv_bytes

pytestmark = pytest.mark.django_db


def run(kind, rows, *, by, options=None, valid_rows_only=False, dry_run=False):
    return services.run_file(
        kind=kind, file_name="f.csv", data=csv_bytes(rows), by=by, options=options,
        valid_rows_only=valid_rows_only, dry_run=dry_run,
    )  # fmt: skip


def test_participants_are_found_by_nib_or_nik_and_their_attendance_recorded(staff_user):
    rebuild_all()
    activity = ActivityFactory()
    by_nib = BusinessFactory(nib="1234567890123")
    by_nik = BusinessFactory(owner=OwnerFactory(nik=make_nik()))
    rows = [
        ["NIB", "NIK", "Kehadiran"],
        ["1234567890123", "", "Hadir"],
        ["", by_nik.owner.nik, "tidak hadir"],
    ]
    preview = run("peserta", rows, by=staff_user, options={"activity": activity.pk}, dry_run=True)
    assert (preview.created_count, preview.refused_count) == (2, 0)
    assert not Participation.objects.exists()
    result = run("peserta", rows, by=staff_user, options={"activity": activity.pk})
    assert result.created_count == 2
    statuses = dict(Participation.objects.values_list("business_id", "status"))
    assert statuses == {by_nib.pk: ParticipationStatus.ATTENDED, by_nik.pk: ParticipationStatus.ABSENT}
    assert check_aggregates(Target.primary()) == []
    again = run("peserta", rows, by=staff_user, options={"activity": activity.pk})
    assert (again.created_count, again.updated_count, again.skipped_count) == (0, 0, 2)


def test_participant_rows_the_services_refuse_are_reported_and_nothing_is_kept(staff_user):
    activity = ActivityFactory(capacity=1)
    ParticipationFactory(activity=activity)
    business = BusinessFactory(nib="1234567890124")
    rows = [["NIB", "Kehadiran"], ["1234567890124", "hadir"], ["9999999999999", "hadir"]]
    result = run("peserta", rows, by=staff_user, options={"activity": activity.pk})
    assert result.status == ImportRun.Status.REFUSED
    messages = {row: message for row, _c, message in result.errors}
    assert "Kapasitas" in messages[2] and "Tidak ada usaha dengan NIB" in messages[3]
    assert not Participation.objects.filter(business=business).exists()


def test_outcomes_are_imported_and_a_repeated_file_adds_nothing(staff_user):
    business = BusinessFactory(nib="1234567890125")
    rows = [
        ["NIB", "Jenis Capaian", "Tanggal", "Nomor Dokumen"],
        ["1234567890125", "nib", "01/06/2024", "NIB-1"],
    ]
    result = run("capaian", rows, by=staff_user)
    assert result.created_count == 1 and Outcome.objects.get().business == business
    again = run("capaian", rows, by=staff_user)
    assert again.skipped_count == 1 and Outcome.objects.count() == 1


def test_an_outcome_dated_in_the_future_is_refused_as_in_the_form(staff_user):
    BusinessFactory(nib="1234567890126")
    rows = [["NIB", "Jenis Capaian", "Tanggal"], ["1234567890126", "nib", "01/06/2099"]]
    result = run("capaian", rows, by=staff_user)
    assert "masa depan" in result.errors[0][2] and not Outcome.objects.exists()


def test_budget_lines_are_created_then_updated_by_code(admin_user):
    rows = [
        ["Sumber Dana", "Tahun Anggaran", "Pagu", "Kode Rekening"],
        ["APBD Kota", "2026", "Rp1.500.000.000", "5.1.02"],
    ]
    assert run("pagu", rows, by=admin_user).created_count == 1
    rows[1][2] = "2.000.000.000"
    assert run("pagu", rows, by=admin_user).updated_count == 1
    assert BudgetLine.objects.get().amount == 2_000_000_000


def test_staff_cannot_import_budget_lines(staff_client):
    data = csv_bytes([["Sumber Dana", "Tahun Anggaran", "Pagu"], ["APBD Kota", "2026", "1.000.000"]])
    response = staff_client.post(
        reverse("imports:run-list"), {"kind": "pagu", "file": SimpleUploadedFile("p.csv", data)}
    )
    assert response.status_code == 403
    assert staff_client.get(reverse("imports:template", args=["pagu"])).status_code == 403
    assert "Pagu anggaran" not in staff_client.get(reverse("imports:run-list")).content.decode()
    assert not ImportRun.objects.exists()


def test_admin_can_import_budget_lines_on_the_screens(admin_client):
    data = csv_bytes([["Sumber Dana", "Tahun Anggaran", "Pagu"], ["apbn", "2026", "1.000.000"]])
    admin_client.post(
        reverse("imports:run-list"), {"kind": "pagu", "file": SimpleUploadedFile("p.csv", data)}
    )
    run_ = ImportRun.objects.get()
    admin_client.post(
        reverse("imports:run-preview", args=[run_.pk]), {f"col_{i}": k for i, k in enumerate(run_.mapping)}
    )
    admin_client.post(reverse("imports:run-confirm", args=[run_.pk]))
    assert BudgetLine.objects.get().amount == 1_000_000


def test_a_budget_import_made_by_an_admin_stays_out_of_staff_reach(staff_client, admin_user):
    run_ = ImportRun.objects.create(
        kind="pagu", file_name="p.csv", file_format="csv", checksum="0", size=1, created_by=admin_user
    )
    assert staff_client.get(reverse("imports:run-detail", args=[run_.pk])).status_code == 403


def test_a_participant_upload_needs_an_activity(staff_client):
    data = csv_bytes([["NIB", "Kehadiran"], ["1234567890123", "hadir"]])
    response = staff_client.post(
        reverse("imports:run-list"), {"kind": "peserta", "file": SimpleUploadedFile("p.csv", data)}
    )
    assert "Pilih kegiatan" in response.content.decode()


@pytest.mark.parametrize("kind", ["usaha", "peserta", "capaian", "bantuan"])
def test_each_template_has_its_canonical_headers(staff_client, kind):
    response = staff_client.get(reverse("imports:template", args=[kind]))
    header = next(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    assert header[0] == "NIK" and len(header) >= 3
