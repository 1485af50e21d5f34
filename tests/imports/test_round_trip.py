"""Export with the resource, import the file again: nothing changes."""

import io

import pytest

from pembinaan.imports import services
from pembinaan.registry.models import Business, Owner
from pembinaan.registry.resources import OwnerBusinessResource
from tests.factories import BusinessFactory, OwnerFactory, make_nik

pytestmark = pytest.mark.django_db


def snapshot():
    owners = list(
        Owner.objects.order_by("pk").values("pk", "nik", "name", "gender", "birth_date", "phone", "email")
    )
    businesses = list(Business.objects.order_by("pk").values())
    for row in businesses:
        row.pop("updated_at")
    return owners, businesses


def test_an_exported_registry_imports_back_without_any_change(staff_user):
    owner = OwnerFactory(nik=make_nik(), phone="+6281299990000", email="a@contoh.test")
    BusinessFactory(owner=owner, nib="1112223334445", npwp="012345678901000", kbli_code="10792", start_year=2015,
                    employees=3, capital=50_000_000, products="Amplang")  # fmt: skip
    BusinessFactory(owner=owner, name="Usaha Kedua", nib=None, annual_sales=None)
    BusinessFactory(nib=None)
    before = snapshot()
    dataset = OwnerBusinessResource().export()
    for name, data in (("ekspor.csv", dataset.export("csv").encode()), ("ekspor.xlsx", _xlsx(dataset))):
        result = services.run_file(kind="usaha", file_name=name, data=data, by=staff_user)
        assert (result.created_count, result.updated_count, result.refused_count) == (0, 0, 0), result.notes
        assert result.skipped_count == 3
        assert snapshot() == before


def _xlsx(dataset) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    for row in [dataset.headers, *dataset]:
        book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_exported_participants_import_back_without_any_change(staff_user):
    from pembinaan.coaching.models import Participation
    from pembinaan.coaching.resources import ParticipantResource
    from tests.coaching.factories import ActivityFactory, ParticipationFactory

    activity = ActivityFactory()
    ParticipationFactory(activity=activity, business=BusinessFactory(nib="1112223334446"), status="hadir")
    ParticipationFactory(
        activity=activity, business=BusinessFactory(nib="1112223334447"), status="tidak-hadir"
    )
    before = list(Participation.objects.order_by("pk").values())
    dataset = ParticipantResource().export(Participation.objects.filter(activity=activity))
    result = services.run_file(
        kind="peserta", file_name="p.csv", data=dataset.export("csv").encode(), by=staff_user,
        options={"activity": activity.pk},
    )  # fmt: skip
    assert (result.created_count, result.updated_count, result.skipped_count) == (0, 0, 2), result.errors
    assert list(Participation.objects.order_by("pk").values()) == before


def test_exported_budget_lines_import_back_without_any_change(admin_user):
    from pembinaan.funding.models import BudgetLine
    from pembinaan.funding.resources import BudgetLineResource
    from tests.funding.factories import BudgetLineFactory

    BudgetLineFactory(budget_code="5.1.02.01", programme="Pelatihan UMKM")
    before = list(BudgetLine.objects.order_by("pk").values())
    dataset = BudgetLineResource().export()
    result = services.run_file(
        kind="pagu", file_name="b.csv", data=dataset.export("csv").encode(), by=admin_user
    )
    assert (result.created_count, result.updated_count, result.skipped_count) == (0, 0, 1), result.errors
    assert list(BudgetLine.objects.order_by("pk").values()) == before
