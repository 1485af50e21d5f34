"""Whole-rupiah amounts (docs/rules.md rules 9 and 12)."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from pembinaan.lib.money import RupiahField, format_rupiah, parse_rupiah

# --------------------------------------------------------------------------------------------
# format_rupiah


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (1250000, "Rp1.250.000"),
        (0, "Rp0"),
        (5, "Rp5"),
        (999, "Rp999"),
        (1000, "Rp1.000"),
        (3_100_000_000, "Rp3.100.000.000"),
        (1_500_000_000_000, "Rp1.500.000.000.000"),
    ],
)
def test_an_amount_is_formatted_in_the_official_style_without_a_space(amount, expected):
    assert format_rupiah(amount) == expected


@pytest.mark.parametrize(("amount", "expected"), [(-1250000, "-Rp1.250.000"), (-1, "-Rp1")])
def test_a_negative_amount_keeps_its_minus_sign_in_front(amount, expected):
    assert format_rupiah(amount) == expected


def test_no_amount_is_shown_as_a_dash():
    assert format_rupiah(None) == "–"


@given(st.integers(min_value=0, max_value=10**18))
def test_any_formatted_amount_has_rp_and_dots_between_groups_of_three(amount):
    assert re.fullmatch(r"Rp\d{1,3}(\.\d{3})*", format_rupiah(amount))


# --------------------------------------------------------------------------------------------
# parse_rupiah


@pytest.mark.parametrize(
    "typed",
    [
        "Rp1.250.000",
        "Rp 1.250.000",
        "Rp. 1.250.000",
        "rp1.250.000",
        "RP 1.250.000",
        "1.250.000",
        "1 250 000",
        "1\u00a0250\u00a0000",  # non-breaking spaces, as pasted from a document
        "1250000",
        "  1250000  ",
        1250000,
    ],
)
def test_an_amount_as_people_type_it_is_read_as_whole_rupiah(typed):
    assert parse_rupiah(typed) == 1250000


def test_zero_is_an_amount_not_an_empty_value():
    assert parse_rupiah("0") == 0
    assert parse_rupiah("Rp0") == 0


@pytest.mark.parametrize("empty", [None, "", "   "])
def test_an_empty_amount_is_none(empty):
    assert parse_rupiah(empty) is None


@pytest.mark.parametrize("typed", ["Rp1.250.000,-", "Rp1.250.000,00", "1.250.000,0"])
def test_a_whole_amount_written_with_a_dash_or_zero_sen_is_accepted(typed):
    # How amounts are written on Indonesian invoices and budget documents: zero sen is whole.
    assert parse_rupiah(typed) == 1_250_000


@pytest.mark.parametrize("typed", ["1.000,50", "Rp1.250.000,50", "1250000,5", "Rp 75,25"])
def test_an_amount_with_sen_after_a_comma_is_refused(typed):
    with pytest.raises(ValidationError) as excinfo:
        parse_rupiah(typed)
    assert excinfo.value.error_list[0].code == "rupiah_decimal"
    assert excinfo.value.messages == ["Isi dalam rupiah bulat, tanpa sen."]


@pytest.mark.parametrize(
    "typed",
    [
        "satu juta",
        "1,5 juta",
        "Rp1.250.000 rupiah",
        "1.250.000 IDR",
        "12a",
        "Rp",
        "-1250000",
        "-Rp1.250.000",
        "1,250,000",
        "1.25E+06",
    ],
)
def test_an_amount_with_letters_or_other_signs_is_refused(typed):
    with pytest.raises(ValidationError) as excinfo:
        parse_rupiah(typed)
    assert excinfo.value.error_list[0].code in {"rupiah_digits", "rupiah_decimal"}


@pytest.mark.parametrize("typed", ["１２５００００", "١٢٥٠٠٠٠"])
def test_an_amount_in_non_ascii_digits_is_refused(typed):
    with pytest.raises(ValidationError) as excinfo:
        parse_rupiah(typed)
    assert excinfo.value.error_list[0].code == "rupiah_digits"


@pytest.mark.parametrize(
    "typed",
    [
        "1250000.00",  # a spreadsheet's two decimals: read as 125.000.000 if the dot is dropped
        "1250000.50",
        "1250000.0",  # Excel's trailing .0: read as 12.500.000 if the dot is dropped
        "1.250.000.00",
        pytest.param(1250000.0, id="float"),  # a spreadsheet cell read as a float: str() is "1250000.0"
    ],
)
def test_a_dot_that_is_a_decimal_point_rather_than_a_thousands_separator_is_refused(typed):
    # A dot in a rupiah amount only separates thousands; dropping a decimal point multiplies the
    # amount by 10 or 100, so such values must be refused rather than guessed (rules 3 and 9).
    with pytest.raises(ValidationError):
        parse_rupiah(typed)


@given(st.integers(min_value=0, max_value=10**18))
def test_any_formatted_amount_reads_back_as_the_same_amount(amount):
    assert parse_rupiah(format_rupiah(amount)) == amount


@given(st.integers(min_value=0, max_value=10**18), st.sampled_from(["", "Rp", "Rp ", "Rp. ", "rp"]))
def test_any_amount_reads_back_with_or_without_rp_and_thousands_dots(amount, prefix):
    dotted = f"{amount:,}".replace(",", ".")
    spaced = f"{amount:,}".replace(",", " ")
    assert parse_rupiah(f"{prefix}{amount}") == amount
    assert parse_rupiah(f"{prefix}{dotted}") == amount
    assert parse_rupiah(f"{prefix}{spaced}") == amount


# --------------------------------------------------------------------------------------------
# RupiahField


class AmountForm(forms.Form):
    amount = RupiahField(required=False)
    budget = RupiahField(required=False, max_value=1_000_000)


class RequiredAmountForm(forms.Form):
    amount = RupiahField()


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("Rp1.250.000", 1250000), (" Rp 1.250.000 ", 1250000), ("1 250 000", 1250000), ("0", 0), ("", None)],
)
def test_the_rupiah_field_cleans_typed_amounts_to_whole_rupiah(typed, expected):
    assert RupiahField(required=False).clean(typed) == expected


def test_the_rupiah_field_cleans_to_an_int_not_a_string_or_float():
    assert type(RupiahField().clean("Rp1.250.000")) is int


def test_the_rupiah_field_refuses_an_empty_value_when_required():
    form = RequiredAmountForm(data={"amount": ""})
    assert not form.is_valid()
    assert form.errors.as_data()["amount"][0].code == "required"


def test_the_rupiah_field_refuses_sen_with_the_reason():
    form = AmountForm(data={"amount": "1.000,50"})
    assert not form.is_valid()
    error = form.errors.as_data()["amount"][0]
    assert error.code == "rupiah_decimal"
    assert form.errors["amount"] == ["Isi dalam rupiah bulat, tanpa sen."]


def test_the_rupiah_field_refuses_letters():
    form = AmountForm(data={"amount": "sejuta"})
    assert not form.is_valid()
    assert form.errors.as_data()["amount"][0].code == "rupiah_digits"


def test_the_rupiah_field_accepts_its_maximum_and_refuses_one_rupiah_more():
    assert RupiahField(max_value=1_000_000).clean("1.000.000") == 1_000_000
    with pytest.raises(ValidationError) as excinfo:
        RupiahField(max_value=1_000_000).clean("1.000.001")
    assert excinfo.value.error_list[0].code == "rupiah_max"
    assert excinfo.value.messages == ["Nilai terlalu besar."]


def test_the_rupiah_field_has_a_default_maximum_of_a_thousand_trillion():
    assert RupiahField().clean(str(10**15)) == 10**15
    with pytest.raises(ValidationError) as excinfo:
        RupiahField().clean(str(10**15 + 1))
    assert excinfo.value.error_list[0].code == "rupiah_max"


def test_a_form_with_a_maximum_reports_the_field_that_is_too_large():
    form = AmountForm(data={"amount": "5.000.000", "budget": "2.000.000"})
    assert not form.is_valid()
    assert set(form.errors) == {"budget"}


@pytest.mark.parametrize(
    ("value", "shown"), [(1250000, "1.250.000"), (0, "0"), (999, "999"), (10**12, "1.000.000.000.000")]
)
def test_the_rupiah_field_shows_a_stored_amount_with_thousands_dots(value, shown):
    assert RupiahField().prepare_value(value) == shown


@pytest.mark.parametrize("value", ["1.000,50", "abc", "", None])
def test_the_rupiah_field_shows_what_was_typed_unchanged(value):
    assert RupiahField().prepare_value(value) == value


def test_a_form_shows_its_initial_amount_with_thousands_dots_and_a_numeric_keyboard():
    html = str(AmountForm(initial={"amount": 1250000})["amount"])
    assert 'value="1.250.000"' in html
    assert 'inputmode="numeric"' in html


def test_a_refused_amount_is_shown_back_as_it_was_typed():
    form = AmountForm(data={"amount": "1.000,50"})
    form.is_valid()
    assert 'value="1.000,50"' in str(form["amount"])


@given(st.integers(min_value=0, max_value=10**15))
def test_any_amount_shown_by_the_field_cleans_back_to_itself(amount):
    field = RupiahField()
    assert field.clean(field.prepare_value(amount)) == amount


def test_a_rupiah_amount_of_thousands_of_digits_is_refused_with_a_message_not_a_crash():
    import pytest
    from django.core.exceptions import ValidationError

    from pembinaan.lib.money import parse_rupiah

    with pytest.raises(ValidationError, match="terlalu besar"):
        parse_rupiah("9" * 4301)
    assert parse_rupiah("0" * 2000 + "1250000") == 1_250_000
