"""Template filters for money, numbers, NIKs and phone numbers (docs/rules.md rules 10 and 12)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pembinaan.front.templatetags.portal import angka, nik_masked, phone, rupiah


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (1250000, "Rp1.250.000"),
        (0, "Rp0"),
        (-1250000, "-Rp1.250.000"),
        (1_500_000_000, "Rp1.500.000.000"),
        ("1250000", "Rp1.250.000"),
        (Decimal("1250000"), "Rp1.250.000"),
    ],
)
def test_the_rupiah_filter_shows_money_in_the_official_style(amount, shown):
    assert rupiah(amount) == shown


@pytest.mark.parametrize("missing", [None, ""])
def test_the_rupiah_filter_shows_a_dash_for_a_missing_amount(missing):
    assert rupiah(missing) == "–"


@pytest.mark.parametrize(
    ("number", "shown"),
    [(3100, "3.100"), (0, "0"), (999, "999"), (1234567, "1.234.567"), (-1500, "-1.500"), ("3100", "3.100")],
)
def test_the_angka_filter_separates_thousands_with_dots(number, shown):
    assert angka(number) == shown


@pytest.mark.parametrize("missing", [None, ""])
def test_the_angka_filter_shows_a_dash_for_a_missing_number(missing):
    assert angka(missing) == "–"


def test_the_nik_masked_filter_hides_the_middle_eight_digits():
    assert nik_masked("6371012345670001") == "6371 **** **** 0001"


@pytest.mark.parametrize("missing", [None, ""])
def test_the_nik_masked_filter_shows_nothing_for_a_missing_nik(missing):
    assert nik_masked(missing) == ""


@pytest.mark.parametrize(
    ("e164", "shown"), [("+6281234567890", "0812-3456-7890"), ("+62812345678", "0812-3456-78")]
)
def test_the_phone_filter_shows_a_stored_number_the_indonesian_way(e164, shown):
    assert phone(e164) == shown


@pytest.mark.parametrize("missing", [None, ""])
def test_the_phone_filter_shows_nothing_for_a_missing_number(missing):
    assert phone(missing) == ""
