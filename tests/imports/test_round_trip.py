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
