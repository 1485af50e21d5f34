"""Business scale under PP 7/2021 (docs/rules.md rule 5) and KBLI 2020 categories."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pembinaan.registry.kbli import category_of
from pembinaan.registry.scale import Scale, ScaleBasis, classify

M = 1_000_000_000  # one miliar rupiah

# --------------------------------------------------------------------------------------------
# Scale from annual sales


@pytest.mark.parametrize(
    ("annual_sales", "scale"),
    [
        (0, "mikro"),
        (1, "mikro"),
        (2 * M, "mikro"),
        (2 * M + 1, "kecil"),
        (15 * M, "kecil"),
        (15 * M + 1, "menengah"),
        (50 * M, "menengah"),
        (50 * M + 1, "besar"),
        (1_000 * M, "besar"),
    ],
)
def test_annual_sales_decide_the_scale_with_each_ceiling_inclusive(annual_sales, scale):
    assert classify(annual_sales=annual_sales, capital=None) == (scale, "penjualan")


# --------------------------------------------------------------------------------------------
# Scale from capital


@pytest.mark.parametrize(
    ("capital", "scale"),
    [
        (0, "mikro"),
        (1 * M, "mikro"),
        (1 * M + 1, "kecil"),
        (5 * M, "kecil"),
        (5 * M + 1, "menengah"),
        (10 * M, "menengah"),
        (10 * M + 1, "besar"),
    ],
)
def test_capital_decides_the_scale_when_sales_are_unknown_with_each_ceiling_inclusive(capital, scale):
    assert classify(annual_sales=None, capital=capital) == (scale, "modal")


# --------------------------------------------------------------------------------------------
# Which figure wins


@pytest.mark.parametrize(
    ("annual_sales", "capital", "scale"),
    [
        (1 * M, 20 * M, "mikro"),  # capital alone would say besar
        (60 * M, 1, "besar"),  # capital alone would say mikro
        (3 * M, 6 * M, "kecil"),  # capital alone would say menengah
        (0, 20 * M, "mikro"),  # zero sales is a known figure, not a missing one
    ],
)
def test_sales_win_over_capital_when_both_are_known(annual_sales, capital, scale):
    assert classify(annual_sales=annual_sales, capital=capital) == (scale, "penjualan")


def test_neither_figure_known_gives_no_scale_and_no_basis():
    assert classify(annual_sales=None, capital=None) == ("", "")


def test_the_basis_is_reported_with_its_choice_values():
    assert classify(annual_sales=1, capital=None)[1] == ScaleBasis.SALES
    assert classify(annual_sales=None, capital=1)[1] == ScaleBasis.CAPITAL
    assert classify(annual_sales=1, capital=None)[0] == Scale.MIKRO


def test_classify_takes_keyword_arguments_only():
    with pytest.raises(TypeError):
        classify(1, 1)  # type: ignore[misc]


def test_besar_is_labelled_as_not_a_umkm():
    assert "bukan UMKM" in str(Scale.BESAR.label)


_SCALE_RANK = {"mikro": 0, "kecil": 1, "menengah": 2, "besar": 3}


@given(st.integers(0, 100 * M), st.integers(0, 100 * M))
def test_more_sales_never_give_a_smaller_scale(a, b):
    low, high = sorted((a, b))
    low_scale, _ = classify(annual_sales=low, capital=None)
    high_scale, _ = classify(annual_sales=high, capital=None)
    assert _SCALE_RANK[low_scale] <= _SCALE_RANK[high_scale]


@given(sales=st.integers(0, 100 * M), capital=st.one_of(st.none(), st.integers(0, 100 * M)))
def test_capital_never_changes_the_scale_when_sales_are_known(sales, capital):
    assert classify(annual_sales=sales, capital=capital) == classify(annual_sales=sales, capital=None)


# --------------------------------------------------------------------------------------------
# KBLI 2020 category from a 5-digit code


@pytest.mark.parametrize(
    ("code", "category"),
    [
        ("10792", "C"),  # bakery products
        ("47111", "G"),  # retail in a shop, mainly food
        ("56101", "I"),  # restaurant
        ("01111", "A"),
        ("14111", "C"),  # garments
        ("62019", "J"),
        ("96111", "S"),  # barber and beauty salon
        ("99000", "U"),
    ],
)
def test_a_kbli_code_belongs_to_the_category_of_its_division(code, category):
    assert category_of(code) == category


@pytest.mark.parametrize(
    "code",
    [
        "04111",
        "00000",
        "34000",
        "40000",
        "44000",
        "48000",
        "54000",
        "57000",
        "67000",
        "76000",
        "83000",
        "89000",
    ],
)
def test_a_kbli_code_whose_division_does_not_exist_has_no_category(code):
    assert category_of(code) is None


# KBLI 2020 (= ISIC Rev.4) divisions per category, written out independently of the module.
_KBLI_2020 = {
    "A": "01-03", "B": "05-09", "C": "10-33", "D": "35", "E": "36-39", "F": "41-43", "G": "45-47",
    "H": "49-53", "I": "55-56", "J": "58-63", "K": "64-66", "L": "68", "M": "69-75", "N": "77-82",
    "O": "84", "P": "85", "Q": "86-88", "R": "90-93", "S": "94-96", "T": "97-98", "U": "99",
}  # fmt: skip


def _expected_category(division: int) -> str | None:
    for category, span in _KBLI_2020.items():
        first, _, last = span.partition("-")
        if int(first) <= division <= int(last or first):
            return category
    return None


@pytest.mark.parametrize("division", range(100))
def test_every_two_digit_division_maps_to_the_kbli_2020_category(division):
    assert category_of(f"{division:02d}001") == _expected_category(division)


@given(st.text(alphabet="0123456789", min_size=5, max_size=5))
def test_only_the_first_two_digits_decide_the_category(code):
    assert category_of(code) == category_of(code[:2] + "000")
