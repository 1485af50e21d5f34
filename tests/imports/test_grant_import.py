"""Capital assistance (bantuan permodalan) imported through the funding services."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pembinaan.accounts import roles
from pembinaan.coaching.models import Participation, ParticipationStatus
from pembinaan.funding.models import CapitalAssistance
from pembinaan.imports import services
from pembinaan.imports.models import ImportedRecord, ImportRun
from pembinaan.progress.models import Target
from pembinaan.progress.money import budget_overview
from pembinaan.progress.selectors import check_aggregates
from pembinaan.progress.services import rebuild_all
from tests.coaching.factories import funding_source
from tests.factories import BusinessFactory, OwnerFactory, make_nik
from tests.funding.factories import BudgetLineFactory, CapitalAssistanceFactory, grant_round
from tests.imports.files import csv_bytes

pytestmark = pytest.mark.django_db

HEADER = ["NIB", "NIK", "Putaran Penyaluran", "Tanggal", "Nilai (Rp)", "Status", "Tanggal Disalurkan"]
S = CapitalAssistance.Status


def _may_record_decisions(user) -> None:
    """Files that carry approvals and payments are recorded by someone who may take those steps
    (rule 14): this staff member is also Kepala Bidang and Bendahara."""
    user.groups.add(*Group.objects.filter(name__in=[roles.APPROVER, roles.TREASURER]))


def run(rows, *, by, valid_rows_only=False, dry_run=False, options=None):
    return services.run_file(
        kind="bantuan", file_name="bantuan.csv", data=csv_bytes(rows), by=by,
        valid_rows_only=valid_rows_only, dry_run=dry_run, options=options,
    )  # fmt: skip


@pytest.fixture
def grant_setup():
    line = BudgetLineFactory(fiscal_year=2024, budget_code="5.1.02.99")
    activity = grant_round(budget_line=line, title="Penyaluran Modal Tahap I")
    # Registered before the round started: a disbursement's attendance is never dated earlier (13c).
    businesses = [
        BusinessFactory(nib=f"912345678901{i}", registered_on=datetime.date(2024, 1, 2)) for i in range(3)
    ]
    return line, activity, businesses


def test_a_grant_arrives_disbursed_approved_or_proposed_as_the_file_says(staff_user, grant_setup):
    _may_record_decisions(staff_user)
    rebuild_all()
    line, activity, (paid, approved, proposed) = grant_setup
    # The paid grant was proposed and approved before the round started on 14 May (rule 13c).
    rows = [
        [*HEADER, "Tanggal Disetujui"],
        [
            paid.nib,
            "",
            "penyaluran modal  tahap i",
            "10/05/2024",
            "5.000.000",
            "",
            "21/05/2024",
            "12/05/2024",
        ],
        [approved.nib, "", activity.title, "2024-05-20", "Rp3.000.000", "Disetujui", "", ""],
        [proposed.nib, "", activity.title, "2024-05-20", "2000000", "", "", ""],
    ]
    preview = run(rows, by=staff_user, dry_run=True)
    assert (preview.created_count, preview.refused_count) == (3, 0), preview.errors
    assert not CapitalAssistance.objects.exists()

    result = run(rows, by=staff_user)
    assert result.status == ImportRun.Status.DONE
    statuses = dict(CapitalAssistance.objects.values_list("business_id", "status"))
    assert statuses == {paid.pk: S.DISBURSED, approved.pk: S.APPROVED, proposed.pk: S.PROPOSED}
    assert CapitalAssistance.objects.get(business=paid).disbursed_on.isoformat() == "2024-05-21"
    attendance = dict(Participation.objects.filter(activity=activity).values_list("business_id", "status"))
    assert attendance[paid.pk] == ParticipationStatus.ATTENDED
    assert attendance[proposed.pk] == ParticipationStatus.REGISTERED
    # Only the disbursed grant counts as realisasi (rule 9); the dashboard's figures stay true.
    row = next(r for r in budget_overview(year=2024) if r.source == line.source)
    assert row.grants_disbursed == 5_000_000
    assert check_aggregates(Target.primary()) == []
    assert ImportedRecord.objects.filter(run=result, model="funding.capitalassistance").count() == 3

    again = run(rows, by=staff_user)
    assert (again.created_count, again.updated_count, again.skipped_count) == (0, 0, 3)


def test_a_later_file_moves_an_approved_grant_on_to_disbursed(staff_user, grant_setup):
    _may_record_decisions(staff_user)
    _line, activity, (business, *_rest) = grant_setup
    CapitalAssistanceFactory(
        business=business, activity=activity, status=S.APPROVED, approved_on=activity.start_date
    )
    rows = [
        HEADER,
        [business.nib, "", activity.title, activity.start_date.isoformat(), "5000000", "", "2024-06-01"],
    ]
    result = run(rows, by=staff_user)
    assert result.updated_count == 1, result.errors
    grant = CapitalAssistance.objects.get()
    assert (grant.status, grant.disbursed_on.isoformat()) == (S.DISBURSED, "2024-06-01")


def test_refused_grant_rows_are_reported_with_reasons_and_nothing_is_kept(staff_user, grant_setup):
    _line, activity, (good, other, _third) = grant_setup
    rows = [
        HEADER,
        [good.nib, "", activity.title, "2024-05-20", "1000000", "", ""],
        ["9999999999999", "", activity.title, "2024-05-20", "1000000", "", ""],
        [other.nib, "", "Putaran Tidak Ada", "2024-05-20", "1000000", "", ""],
        [other.nib, "", activity.title, "2024-05-20", "0", "", ""],
        [other.nib, "", activity.title, "2024-05-20", "1000000", "Disalurkan", ""],
        [other.nib, "", activity.title, "2024-05-20", "1000000", "Dibatalkan", ""],
    ]
    result = run(rows, by=staff_user)
    assert result.status == ImportRun.Status.REFUSED
    assert not CapitalAssistance.objects.exists()
    reasons = {(row, column): message for row, column, message in result.errors}
    assert "9999999999999" in reasons[(3, "NIB")]
    assert "Putaran Tidak Ada" in reasons[(4, "Putaran Penyaluran")]
    assert "lebih dari nol" in reasons[(5, "Nilai (Rp)")]
    assert "tanggal disalurkan" in reasons[(6, "Tanggal Disalurkan")]
    assert "dibatalkan tidak diimpor" in reasons[(7, "Status")]

    valid_only = run(rows, by=staff_user, valid_rows_only=True)
    assert (valid_only.created_count, valid_only.refused_count) == (1, 5)
    assert list(CapitalAssistance.objects.values_list("business_id", flat=True)) == [good.pk]


def test_a_second_grant_from_another_source_in_one_year_needs_the_reason_column(staff_user):
    _may_record_decisions(staff_user)
    business = BusinessFactory(owner=OwnerFactory(nik=make_nik()), nib=None)
    city = BudgetLineFactory(fiscal_year=2024)
    province = BudgetLineFactory(fiscal_year=2024, source=funding_source("apbd-provinsi"))
    CapitalAssistanceFactory(business=business, activity=grant_round(budget_line=city), status=S.APPROVED)
    second = grant_round(budget_line=province)
    rows = [
        ["NIK", "Putaran Penyaluran", "Tanggal", "Nilai", "Status"],
        [business.owner.nik, second.title, "2024-05-20", "1000000", "Disetujui"],
    ]
    refused = run(rows, by=staff_user)
    assert refused.status == ImportRun.Status.REFUSED
    assert "alasan" in " ".join(message for _r, _c, message in refused.errors).lower()
    rows[0].append("Alasan Bantuan Kedua")
    rows[1].append("Kebakaran pasar; disetujui Kepala Dinas")
    assert run(rows, by=staff_user).created_count == 1
    assert CapitalAssistance.objects.get(activity=second).double_funding_reason.startswith("Kebakaran")


def test_the_round_chosen_at_upload_serves_rows_without_a_round_column(staff_user, grant_setup):
    _line, activity, (business, *_rest) = grant_setup
    rows = [["NIB", "Tanggal", "Nilai"], [business.nib, "2024-05-20", "1000000"]]
    assert run(rows, by=staff_user).refused_count == 1
    assert run(rows, by=staff_user, options={"activity": activity.pk}).created_count == 1


@pytest.mark.parametrize("persona", ["owner_client", "viewer_client"])
def test_owners_and_council_members_cannot_import_assistance(persona, request):
    client = request.getfixturevalue(persona)
    data = csv_bytes([["NIB", "Tanggal", "Nilai"], ["9123456789010", "2024-05-20", "1000000"]])
    response = client.post(
        reverse("imports:run-list"), {"kind": "bantuan", "file": SimpleUploadedFile("b.csv", data)}
    )
    assert response.status_code == 403
    assert client.get(reverse("imports:template", args=["bantuan"])).status_code == 403
    assert not ImportRun.objects.exists()


def test_staff_import_assistance_on_the_screens(staff_client, staff_user, grant_setup):
    _may_record_decisions(staff_user)
    _line, activity, (business, *_rest) = grant_setup
    data = csv_bytes([HEADER, [business.nib, "", activity.title, "2024-05-20", "1000000", "Disetujui", ""]])
    staff_client.post(
        reverse("imports:run-list"), {"kind": "bantuan", "file": SimpleUploadedFile("b.csv", data)}
    )
    run_ = ImportRun.objects.get()
    staff_client.post(
        reverse("imports:run-preview", args=[run_.pk]), {f"col_{i}": k for i, k in enumerate(run_.mapping)}
    )
    staff_client.post(reverse("imports:run-confirm", args=[run_.pk]))
    assert CapitalAssistance.objects.get().status == S.APPROVED
    assert "Tanggal Disalurkan" in staff_client.get(reverse("imports:run-list")).content.decode()
