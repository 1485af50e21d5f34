"""NIK, NIB, NPWP and phone numbers (docs/rules.md rules 3, 4 and 10)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import assume, given
from hypothesis import strategies as st

from pembinaan.lib.identifiers import (
    GENDER_FEMALE,
    GENDER_MALE,
    format_phone,
    mask_nik,
    object_id,
    parse_nib,
    parse_nik,
    parse_npwp,
    parse_phone,
)

# Written out from docs/rules.md rule 3, independently of the module's own table.
SPEC_PROVINCE_CODES = sorted(
    f"{c:02d}"
    for c in [
        *range(11, 20),
        21,
        *range(31, 37),
        *range(51, 54),
        *range(61, 66),
        *range(71, 77),
        81,
        82,
        *range(91, 97),
    ]
)
INVALID_PROVINCE_CODES = sorted(f"{c:02d}" for c in range(100) if f"{c:02d}" not in SPEC_PROVINCE_CODES)

TODAY = datetime.date(2026, 11, 28)


def nik(*, region: str = "637101", ddmmyy: str = "150685", serial: str = "0001") -> str:
    return f"{region}{ddmmyy}{serial}"


def refusal(call, *args, **kwargs) -> ValidationError:
    """Run `call` expecting a ValidationError carrying exactly one error; return it."""
    with pytest.raises(ValidationError) as excinfo:
        call(*args, **kwargs)
    errors = excinfo.value.error_list
    assert len(errors) == 1
    return errors[0]


def message_of(error: ValidationError) -> str:
    return error.messages[0]


# --------------------------------------------------------------------------------------------
# NIK: valid values and what is derived from them


def test_a_valid_male_nik_gives_gender_and_birth_date():
    info = parse_nik("6371011506850001", today=TODAY)
    assert info.nik == "6371011506850001"
    assert info.gender == GENDER_MALE == "L"
    assert info.birth_date == datetime.date(1985, 6, 15)


def test_a_female_nik_has_forty_added_to_the_day():
    info = parse_nik(nik(ddmmyy="550685"), today=TODAY)
    assert info.gender == GENDER_FEMALE == "P"
    assert info.birth_date == datetime.date(1985, 6, 15)


@pytest.mark.parametrize(
    ("ddmmyy", "expected"),
    [
        ("410190", datetime.date(1990, 1, 1)),
        ("710190", datetime.date(1990, 1, 31)),
        ("690296", datetime.date(1996, 2, 29)),
        ("701290", datetime.date(1990, 12, 30)),
    ],
)
def test_a_female_day_from_41_to_71_is_read_as_day_1_to_31(ddmmyy, expected):
    info = parse_nik(nik(ddmmyy=ddmmyy), today=TODAY)
    assert info.gender == GENDER_FEMALE
    assert info.birth_date == expected


@pytest.mark.parametrize(
    ("ddmmyy", "expected"),
    [("010190", datetime.date(1990, 1, 1)), ("310190", datetime.date(1990, 1, 31))],
)
def test_a_male_day_from_01_to_31_is_the_day_itself(ddmmyy, expected):
    info = parse_nik(nik(ddmmyy=ddmmyy), today=TODAY)
    assert info.gender == GENDER_MALE
    assert info.birth_date == expected


def test_a_nik_from_outside_banjarmasin_is_accepted():
    info = parse_nik("3174055508920123", today=TODAY)
    assert info.nik == "3174055508920123"
    assert info.gender == GENDER_FEMALE
    assert info.birth_date == datetime.date(1992, 8, 15)


@pytest.mark.parametrize(
    "spelled", [" 6371011506850001 ", "6371 0115 0685 0001", "637101 150685 0001", "6371011506850001\n"]
)
def test_spaces_around_and_inside_a_nik_are_ignored(spelled):
    assert parse_nik(spelled, today=TODAY).nik == "6371011506850001"


def test_a_nik_given_as_an_integer_is_accepted():
    assert parse_nik(6371011506850001, today=TODAY).nik == "6371011506850001"


@pytest.mark.parametrize("code", SPEC_PROVINCE_CODES)
def test_every_province_code_of_the_design_is_accepted(code):
    assert parse_nik(f"{code}7101150685{'0001'}", today=TODAY).nik.startswith(code)


def test_serial_9999_is_accepted():
    assert parse_nik(nik(serial="9999"), today=TODAY).nik.endswith("9999")


# --------------------------------------------------------------------------------------------
# NIK: the century of a two-digit year


@pytest.mark.parametrize(
    ("ddmmyy", "expected"),
    [
        ("281126", datetime.date(2026, 11, 28)),  # born today: not in the future
        ("291126", datetime.date(1926, 11, 29)),  # tomorrow in 2026 would be the future
        ("011226", datetime.date(1926, 12, 1)),
        ("010126", datetime.date(2026, 1, 1)),
        ("010100", datetime.date(2000, 1, 1)),
        ("290200", datetime.date(2000, 2, 29)),
        ("311299", datetime.date(1999, 12, 31)),
        ("150627", datetime.date(1927, 6, 15)),
        ("150610", datetime.date(2010, 6, 15)),
    ],
)
def test_a_two_digit_year_takes_the_latest_century_that_is_not_in_the_future(ddmmyy, expected):
    assert parse_nik(nik(ddmmyy=ddmmyy), today=TODAY).birth_date == expected


def test_the_century_depends_on_the_day_given_as_today():
    value = nik(ddmmyy="150627")
    assert parse_nik(value, today=datetime.date(2026, 11, 28)).birth_date.year == 1927
    assert parse_nik(value, today=datetime.date(2027, 6, 15)).birth_date.year == 2027
    assert parse_nik(value, today=datetime.date(2027, 6, 14)).birth_date.year == 1927


def test_the_century_of_a_female_nik_uses_the_real_day_not_day_plus_forty():
    # Day 68 is the 28th: born today, so this century.
    assert parse_nik(nik(ddmmyy="681126"), today=TODAY).birth_date == datetime.date(2026, 11, 28)
    assert parse_nik(nik(ddmmyy="691126"), today=TODAY).birth_date == datetime.date(1926, 11, 29)


def test_without_today_the_century_rule_uses_the_current_date_in_makassar(monkeypatch):
    # 17:00 UTC on 31 March 2031 is already 01:00 on 1 April in WITA (UTC+8). A year away from any
    # real clock this suite runs on, so only a clock read through Django in Makassar time passes.
    instant = datetime.datetime(2031, 3, 31, 17, 0, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: instant)
    assert parse_nik(nik(ddmmyy="010431")).birth_date == datetime.date(2031, 4, 1)
    assert parse_nik(nik(ddmmyy="020431")).birth_date == datetime.date(1931, 4, 2)


# --------------------------------------------------------------------------------------------
# NIK: refusals


@pytest.mark.parametrize("empty", [None, "", "   "])
def test_an_empty_nik_is_refused_as_required(empty):
    error = refusal(parse_nik, empty, today=TODAY)
    assert error.code == "required"
    assert message_of(error) == "NIK wajib diisi."


@pytest.mark.parametrize("value", ["637101150685001", "63710115068500011", "6371"])
def test_a_nik_that_is_not_16_digits_is_refused_and_the_count_is_told(value):
    error = refusal(parse_nik, value, today=TODAY)
    assert error.code == "nik_length"
    assert f"yang diisi {len(value)} digit" in message_of(error)


@pytest.mark.parametrize(
    "value",
    [
        "6371O11506850001",  # letter O instead of zero
        "6371-0115-0685-0001",
        "6371.0115.0685.0001",
        "637101150685000a",
        "６３７１０１１５０６８５０００１",  # full-width digits
        "٦٣٧١٠١١٥٠٦٨٥٠٠٠١",  # Arabic-Indic digits
    ],
)
def test_a_nik_with_anything_but_ascii_digits_is_refused(value):
    assert refusal(parse_nik, value, today=TODAY).code == "nik_digits"


@pytest.mark.parametrize(
    "code", ["00", "10", "20", "22", "30", "37", "50", "54", "60", "66", "77", "83", "90", "97", "99"]
)
def test_a_nik_with_an_unknown_province_code_is_refused(code):
    error = refusal(parse_nik, f"{code}7101150685{'0001'}", today=TODAY)
    assert error.code == "nik_province"
    assert code in message_of(error)


@pytest.mark.parametrize("region", ["630001", "637100", "630000"])
def test_a_nik_with_regency_or_district_00_is_refused(region):
    assert refusal(parse_nik, nik(region=region), today=TODAY).code == "nik_region"


@pytest.mark.parametrize(
    "ddmmyy",
    [
        "310290",  # 31 February
        "300290",  # 30 February
        "290290",  # 29 February in a year that is not a leap year
        "290223",  # 2023 and 1923 are both not leap years
        "000190",  # day 00
        "320190",  # day 32 is neither a male nor a female day
        "400190",  # day 40 = female day 0
        "720190",  # female day 32
        "710290",  # female 31 February
        "310490",  # 31 April
        "150090",  # month 00
        "151390",  # month 13
        "999999",
    ],
)
def test_a_nik_whose_digits_7_to_12_are_not_a_real_date_is_refused(ddmmyy):
    error = refusal(parse_nik, nik(ddmmyy=ddmmyy), today=TODAY)
    assert error.code == "nik_birth_date"
    assert ddmmyy in message_of(error)


def test_a_nik_with_serial_0000_is_refused():
    error = refusal(parse_nik, nik(serial="0000"), today=TODAY)
    assert error.code == "nik_serial"
    assert "0000" in message_of(error)


@pytest.mark.parametrize(
    "mangled",
    [
        "6.371E+15",
        "6,37101E+15",
        "6.37101150685E+15",
        "6.371e15",
        "6371011506850001.0",
        "6371011506850001,0",
        "6371011506850001.00",
        " 6.371E+15 ",
    ],
)
def test_a_nik_mangled_by_excel_is_refused_with_a_reason(mangled):
    error = refusal(parse_nik, mangled, today=TODAY)
    assert error.code == "excel_number"
    message = message_of(error)
    assert "Excel" in message
    assert message.startswith("NIK ")


def test_a_nik_read_from_excel_as_a_float_is_refused_not_guessed():
    error = refusal(parse_nik, float(6371011506850001), today=TODAY)
    assert error.code == "excel_number"


# --------------------------------------------------------------------------------------------
# NIK: properties

regions = st.tuples(
    st.sampled_from(SPEC_PROVINCE_CODES),
    st.integers(1, 99).map(lambda n: f"{n:02d}"),
    st.integers(1, 99).map(lambda n: f"{n:02d}"),
).map("".join)
serials = st.integers(1, 9999).map(lambda n: f"{n:04d}")
# Within the hundred years up to today, a two-digit year is unambiguous.
birth_dates = st.dates(min_value=datetime.date(1926, 11, 29), max_value=TODAY)


@given(region=regions, birth_date=birth_dates, female=st.booleans(), serial=serials)
def test_any_well_built_nik_parses_and_gives_back_the_gender_and_birth_date_it_was_built_from(
    region, birth_date, female, serial
):
    day = birth_date.day + (40 if female else 0)
    value = f"{region}{day:02d}{birth_date:%m%y}{serial}"
    info = parse_nik(value, today=TODAY)
    assert info.nik == value
    assert info.gender == (GENDER_FEMALE if female else GENDER_MALE)
    assert info.birth_date == birth_date


@given(
    province=st.sampled_from(INVALID_PROVINCE_CODES),
    rest=st.text(alphabet="0123456789", min_size=14, max_size=14),
)
def test_any_16_digits_with_an_invalid_province_code_are_refused(province, rest):
    assert refusal(parse_nik, province + rest, today=TODAY).code == "nik_province"


@given(st.text(alphabet="0123456789", max_size=40).filter(lambda s: len(s) != 16))
def test_any_string_of_digits_that_is_not_16_long_is_refused(value):
    refusal(parse_nik, value, today=TODAY)


@given(st.text(max_size=40))
def test_any_text_that_is_not_16_ascii_digits_once_spaces_are_removed_is_refused(value):
    assume(not re.fullmatch(r"[0-9]{16}", re.sub(r"\s", "", value)))
    refusal(parse_nik, value, today=TODAY)


@given(
    mantissa=st.integers(1, 9),
    decimals=st.text(alphabet="0123456789", max_size=12),
    separator=st.sampled_from([".", ","]),
    exponent=st.integers(10, 17),
    e=st.sampled_from(["E+", "E", "e+", "e"]),
)
def test_any_number_in_excel_scientific_notation_is_refused_as_an_excel_number(
    mantissa, decimals, separator, exponent, e
):
    value = f"{mantissa}{separator}{decimals}{e}{exponent}" if decimals else f"{mantissa}{e}{exponent}"
    assert refusal(parse_nik, value, today=TODAY).code == "excel_number"


# --------------------------------------------------------------------------------------------
# mask_nik


def test_a_masked_nik_shows_only_the_first_and_last_four_digits():
    assert mask_nik("6371012345670001") == "6371 **** **** 0001"


@pytest.mark.parametrize("empty", [None, ""])
def test_masking_no_nik_gives_an_empty_string(empty):
    assert mask_nik(empty) == ""


@given(st.text(alphabet="0123456789", min_size=16, max_size=16))
def test_a_masked_nik_never_shows_digits_5_to_12(value):
    masked = mask_nik(value)
    assert masked == f"{value[:4]} **** **** {value[12:]}"
    assert value[4:12] not in masked.replace(" ", "")


# --------------------------------------------------------------------------------------------
# NIB


@pytest.mark.parametrize(
    "spelled", ["1234567890123", " 1234567890123 ", "1234 5678 90123", "1234-5678-90123", "1234.5678.90123"]
)
def test_a_nib_of_13_digits_is_accepted_with_common_separators(spelled):
    assert parse_nib(spelled) == "1234567890123"


@pytest.mark.parametrize("value", ["123456789012", "12345678901234", "1"])
def test_a_nib_that_is_not_13_digits_is_refused_and_the_count_is_told(value):
    error = refusal(parse_nib, value)
    assert error.code == "nib_length"
    assert f"yang diisi {len(value)} digit" in message_of(error)


@pytest.mark.parametrize("value", ["12345678901A3", "NIB1234567890", "1234567890123/"])
def test_a_nib_with_letters_or_symbols_is_refused(value):
    error = refusal(parse_nib, value)
    assert error.code == "digits"
    assert message_of(error).startswith("NIB ")


@pytest.mark.parametrize("mangled", ["1.23457E+12", "1234567890123.0", "1,23457E+12"])
def test_a_nib_mangled_by_excel_is_refused_with_a_reason(mangled):
    error = refusal(parse_nib, mangled)
    assert error.code == "excel_number"
    assert "Excel" in message_of(error)
    assert message_of(error).startswith("NIB ")


@given(st.text(alphabet="0123456789", min_size=13, max_size=13))
def test_any_13_digits_are_a_nib(value):
    assert parse_nib(value) == value


# --------------------------------------------------------------------------------------------
# NPWP


@pytest.mark.parametrize(
    ("spelled", "expected"),
    [
        ("01.234.567.8-901.000", "012345678901000"),
        ("012345678901000", "012345678901000"),
        ("01 234 567 8 901 000", "012345678901000"),
        ("6371011506850001", "6371011506850001"),
        ("6371 0115 0685 0001", "6371011506850001"),
        ("0012.3456.7890.1000", "0012345678901000"),
    ],
)
def test_an_npwp_of_15_or_16_digits_is_accepted_with_the_usual_formatting(spelled, expected):
    assert parse_npwp(spelled) == expected


@pytest.mark.parametrize("value", ["12.345.678.9-012.00", "12345678901234", "63710115068500011", "1"])
def test_an_npwp_of_any_other_length_is_refused_and_the_count_is_told(value):
    error = refusal(parse_npwp, value)
    assert error.code == "npwp_length"
    count = len(re.sub(r"\D", "", value))
    assert f"diisi {count} digit" in message_of(error)


def test_an_npwp_with_letters_is_refused():
    error = refusal(parse_npwp, "01.234.567.8-901.ABC")
    assert error.code == "digits"
    assert message_of(error).startswith("NPWP ")


@pytest.mark.parametrize("mangled", ["1.23457E+13", "12345678901000.0"])
def test_an_npwp_mangled_by_excel_is_refused_with_a_reason(mangled):
    error = refusal(parse_npwp, mangled)
    assert error.code == "excel_number"
    assert "Excel" in message_of(error)


# --------------------------------------------------------------------------------------------
# Phone numbers


@pytest.mark.parametrize(
    "spelled",
    [
        "081234567890",
        "0812-3456-7890",
        "0812 3456 7890",
        "0812.3456.7890",
        "62812 3456 7890",
        "6281234567890",
        "+6281234567890",
        "+62 812 3456 7890",
        "+62 812-3456-7890",
        "+62-812-3456-7890",
        "+62.812.3456.7890",
        "(+62) 812 3456 7890",
        " 0812 3456 7890 ",
    ],
)
def test_a_mobile_number_in_any_common_spelling_is_stored_as_e164(spelled):
    assert parse_phone(spelled) == "+6281234567890"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0812345678", "+62812345678"),  # 08 + 8 digits: shortest accepted
        ("0812345678901", "+62812345678901"),  # 08 + 11 digits: longest accepted
    ],
)
def test_a_mobile_number_of_08_followed_by_8_to_11_digits_is_accepted(value, expected):
    assert parse_phone(value) == expected


@pytest.mark.parametrize("value", ["081234567", "08123456", "0812", "62812345", "+6281234567"])
def test_a_number_too_short_is_refused(value):
    assert refusal(parse_phone, value).code == "phone_length"


@pytest.mark.parametrize("value", ["08123456789012", "+6281234567890123", "6281234567890123"])
def test_a_number_too_long_is_refused(value):
    assert refusal(parse_phone, value).code == "phone_length"


@pytest.mark.parametrize("value", ["+1 415 555 0100", "+65 8123 4567", "+44 7700 900123", "+0812345678"])
def test_a_foreign_number_is_refused(value):
    error = refusal(parse_phone, value)
    assert error.code == "phone_country"
    assert "+62" in message_of(error)


@pytest.mark.parametrize(
    "value", ["(0511) 3271234", "0511-3271234", "+62 511 3271234", "625113271234", "0211234567"]
)
def test_a_landline_is_refused_because_it_does_not_start_with_8(value):
    assert refusal(parse_phone, value).code == "phone_prefix"


@pytest.mark.parametrize("value", ["81234567890", "1234567890", "00812345678"])
def test_a_number_without_a_0_62_or_plus_62_prefix_is_refused(value):
    # A number whose leading 0 Excel dropped is refused rather than guessed.
    assert refusal(parse_phone, value).code == "phone_prefix"


@pytest.mark.parametrize(
    "value", ["0812-3456-ABCD", "nomor saya 0812345678", "0812/3456/7890", "0812+34567890", ""]
)
def test_a_number_with_letters_or_other_symbols_is_refused(value):
    assert refusal(parse_phone, value).code == "phone_digits"


@pytest.mark.parametrize("mangled", ["6.28123E+12", "6281234567890.0", "8.1234567890E+10"])
def test_a_phone_number_mangled_by_excel_is_refused_with_a_reason(mangled):
    error = refusal(parse_phone, mangled)
    assert error.code == "excel_number"
    assert "Excel" in message_of(error)
    assert message_of(error).startswith("Nomor HP ")


@pytest.mark.parametrize(
    ("e164", "expected"),
    [
        ("+6281234567890", "0812-3456-7890"),
        ("+62812345678", "0812-3456-78"),
        ("+62812345678901", "0812-3456-78901"),
    ],
)
def test_a_stored_number_is_shown_the_way_people_in_indonesia_write_it(e164, expected):
    assert format_phone(e164) == expected


@pytest.mark.parametrize("empty", [None, ""])
def test_formatting_no_number_gives_an_empty_string(empty):
    assert format_phone(empty) == ""


national_numbers = st.text(alphabet="0123456789", min_size=8, max_size=11).map(lambda rest: "8" + rest)


def _grouped(digits: str, separator: str) -> str:
    return separator.join(digits[i : i + 4] for i in range(0, len(digits), 4))


@given(national=national_numbers, separator=st.sampled_from([" ", "-", "."]))
def test_every_common_spelling_of_a_mobile_number_parses_to_the_same_e164_value(national, separator):
    expected = "+62" + national
    spellings = [
        "0" + national,
        "62" + national,
        "+62" + national,
        _grouped("0" + national, separator),
        "+62 " + _grouped(national, separator),
        "+62" + separator + _grouped(national, separator),
        "62" + separator + _grouped(national, separator),
    ]
    for spelled in spellings:
        assert parse_phone(spelled) == expected, spelled


@given(national=national_numbers)
def test_a_stored_number_survives_formatting_and_parsing_again(national):
    stored = parse_phone("0" + national)
    shown = format_phone(stored)
    assert re.fullmatch(r"08\d{2}-\d{4}-\d{1,5}", shown)
    assert parse_phone(shown) == stored


@given(
    national=st.text(alphabet="0123456789", min_size=9, max_size=12).filter(lambda n: not n.startswith("8"))
)
def test_any_number_whose_national_part_does_not_start_with_8_is_refused(national):
    for spelled in ("0" + national, "62" + national, "+62" + national):
        refusal(parse_phone, spelled)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("42", 42),
        (" 7 ", 7),
        ("9" * 18, int("9" * 18)),
        ("9" * 19, None),
        ("9" * 4301, None),
        ("٣", None),
        ("³", None),
        ("-1", None),
        ("", None),
        (None, None),
        ("1e3", None),
    ],
)
def test_an_object_id_is_up_to_18_ascii_digits_and_anything_else_is_none(text, expected):
    assert object_id(text) == expected


@pytest.mark.django_db
def test_staff_pages_that_take_an_id_in_the_query_string_refuse_a_huge_number_without_a_500(staff_client):
    from django.urls import reverse

    huge = "9" * 4301
    assert staff_client.get(reverse("registry:business-create"), {"owner": huge}).status_code == 200
    assert staff_client.get(
        reverse("coaching:grant-create"), {"usaha": huge, "kegiatan": huge}
    ).status_code in (200, 403)
