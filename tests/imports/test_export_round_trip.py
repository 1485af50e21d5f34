"""The portal's own exports (the download buttons on the lists) import back: nothing changes.

Exported as Admin Dinas, whose files hold full NIKs; a masked NIK cannot identify anyone.
"""

import pytest
from django.urls import reverse

from pembinaan.coaching.models import Participation
from pembinaan.funding.models import BudgetLine, CapitalAssistance
from pembinaan.imports import services
from pembinaan.imports.models import ImportRun
from pembinaan.registry.models import Business, Owner
from tests.coaching.factories import ActivityFactory, ParticipationFactory
from tests.exports.sheets import content_of
from tests.factories import BusinessFactory, OwnerFactory, make_nik
from tests.funding.factories import BudgetLineFactory, CapitalAssistanceFactory, grant_round

pytestmark = pytest.mark.django_db
FORMATS = ["csv", "xlsx"]


def reimport(kind, client, url, fmt, *, by, options=None):
    data = content_of(client.get(url))
    preview = services.run_file(
        kind=kind, file_name=f"ekspor.{fmt}", data=data, by=by, dry_run=True, options=options
    )
    assert (preview.created_count, preview.updated_count, preview.refused_count) == (0, 0, 0), (
        preview.errors,
        preview.notes,
    )
    result = services.run_file(kind=kind, file_name=f"ekspor.{fmt}", data=data, by=by, options=options)
    assert result.status == ImportRun.Status.DONE
    assert (result.created_count, result.updated_count, result.refused_count) == (0, 0, 0)
    return result


def registry_snapshot():
    owners = list(Owner.objects.order_by("pk").values())
    businesses = list(Business.objects.order_by("pk").values())
    for row in owners + businesses:
        row.pop("updated_at", None)
    return owners, businesses


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_business_list_export_imports_back_without_any_change(admin_client, admin_user, fmt):
    owner = OwnerFactory(nik=make_nik(), phone="+6281299990000", email="a@contoh.test")
    BusinessFactory(owner=owner, nib="1112223334445", kbli_code="10792", start_year=2015, employees=3,
                    capital=50_000_000, annual_sales=120_000_000, products="Amplang")  # fmt: skip
    BusinessFactory(owner=owner, name="Usaha Kedua", nib=None, annual_sales=None)
    BusinessFactory(nib=None, owner=OwnerFactory(nik=None, phone="+6285311112222"))
    before = registry_snapshot()
    result = reimport(
        "usaha", admin_client, reverse("registry:business-export", args=[fmt]), fmt, by=admin_user
    )
    assert result.skipped_count == 3
    assert registry_snapshot() == before
    # Every exported column the import knows is read back, not ignored: an edited export updates.
    assert {key for key in result.mapping if key} == {
        "nik", "owner_name", "gender", "phone", "email", "name", "nib", "kecamatan", "kelurahan",
        "address", "kbli_category", "kbli_code", "start_year", "employees", "annual_sales", "capital",
        "products",
    }  # fmt: skip


def test_an_edited_business_export_updates_only_what_was_edited(admin_client, admin_user):
    import csv
    import io

    business = BusinessFactory(nib="1112223334451", annual_sales=100_000_000, employees=2)
    data = content_of(admin_client.get(reverse("registry:business-export", args=["csv"])))
    header, *rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    rows[0][header.index("Omzet per Tahun (Rp)")] = "150000000"
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    result = services.run_file(
        kind="usaha", file_name="ekspor.csv", data=out.getvalue().encode(), by=admin_user
    )
    assert (result.created_count, result.updated_count, result.refused_count) == (0, 1, 0), result.errors
    business.refresh_from_db()
    assert (business.annual_sales, business.employees) == (150_000_000, 2)


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_participant_export_imports_back_without_any_change(admin_client, admin_user, fmt):
    activity = ActivityFactory()
    ParticipationFactory(activity=activity, business=BusinessFactory(nib="1112223334446"), status="hadir")
    ParticipationFactory(
        activity=activity,
        business=BusinessFactory(nib=None, owner=OwnerFactory(nik=make_nik())),
        status="tidak-hadir",
    )
    ParticipationFactory(activity=activity, business=BusinessFactory(nib="1112223334447"), status="terdaftar")
    before = list(Participation.objects.order_by("pk").values())
    url = reverse("coaching:participants-export", args=[activity.pk, fmt])
    result = reimport("peserta", admin_client, url, fmt, by=admin_user, options={"activity": activity.pk})
    assert result.skipped_count == 3
    assert list(Participation.objects.order_by("pk").values()) == before
    assert {key for key in result.mapping if key} == {"nik", "nib", "name", "status"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_budget_line_export_imports_back_without_any_change(admin_client, admin_user, fmt):
    BudgetLineFactory(budget_code="5.1.02.01", programme="Pelatihan UMKM", note="DPA murni")
    BudgetLineFactory(budget_code="", programme="Pendampingan Halal", fiscal_year=2025, amount=75_000_000)
    before = list(BudgetLine.objects.order_by("pk").values())
    result = reimport(
        "pagu", admin_client, reverse("funding:budget-line-export", args=[fmt]), fmt, by=admin_user
    )
    assert result.skipped_count == 2
    assert list(BudgetLine.objects.order_by("pk").values()) == before
    assert {key for key in result.mapping if key} == {
        "source", "fiscal_year", "amount", "programme", "budget_code", "note"
    }  # fmt: skip


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_assistance_export_imports_back_without_any_change(admin_client, admin_user, fmt):
    S = CapitalAssistance.Status
    line = BudgetLineFactory(fiscal_year=2024)
    activity = grant_round(budget_line=line)
    CapitalAssistanceFactory(
        activity=activity, business=BusinessFactory(nib="1112223334448"), status=S.DISBURSED
    )
    CapitalAssistanceFactory(
        activity=activity, business=BusinessFactory(nib=None, owner=OwnerFactory(nik=make_nik())),
        status=S.APPROVED, form=CapitalAssistance.Form.EQUIPMENT, description="Etalase kaca",
    )  # fmt: skip
    # Charged to another pagu of the same source and year than the round's own: the code says which.
    other_line = BudgetLineFactory(fiscal_year=2024, source=line.source, budget_code="2.17.07.2.99")
    CapitalAssistanceFactory(
        activity=activity, business=BusinessFactory(nib="1112223334449"), budget_line=other_line
    )
    CapitalAssistanceFactory(
        activity=activity, business=BusinessFactory(nib="1112223334450"), status=S.CANCELLED
    )
    before = list(CapitalAssistance.objects.order_by("pk").values())
    result = reimport(
        "bantuan", admin_client, reverse("coaching:grant-export", args=[fmt]), fmt, by=admin_user
    )
    assert result.skipped_count == 4
    assert list(CapitalAssistance.objects.order_by("pk").values()) == before
    # Every column of the export is read back, the approval date included (rule 14, issue 17).
    assert {key for key in result.mapping if key} == {
        "nik", "nib", "name", "round", "budget_code", "date", "form", "amount", "status", "approved_on",
        "disbursed_on", "description",
    }  # fmt: skip
