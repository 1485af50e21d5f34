"""Counts and percentages follow the page's language; money keeps the official style (issue 14)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from pembinaan.front.templatetags.portal import angka, persen, rupiah


@pytest.mark.parametrize(
    ("language", "number", "shown"),
    [("id", 1130, "1.130"), ("en", 1130, "1,130"), ("id", 1234567, "1.234.567"), ("en", -1500, "-1,500")],
)
def test_the_angka_filter_groups_thousands_the_way_the_language_does(language, number, shown):
    with translation.override(language):
        assert angka(number) == shown


@pytest.mark.parametrize(
    ("language", "value", "places", "shown"),
    [
        ("id", 36.45, 2, "36,45\xa0%"),
        ("en", 36.45, 2, "36.45%"),
        ("id", 0, 2, "0,00\xa0%"),
        ("id", Decimal("80.5"), 1, "80,5\xa0%"),
        ("en", Decimal("80.5"), 1, "80.5%"),
        ("en", 1234.5, 1, "1,234.5%"),
    ],
)
def test_the_persen_filter_writes_a_percentage_the_way_the_language_does(language, value, places, shown):
    with translation.override(language):
        assert persen(value, places) == shown


@pytest.mark.parametrize("missing", [None, ""])
def test_the_persen_filter_shows_a_dash_for_a_missing_value(missing):
    assert persen(missing) == "–"


def test_money_keeps_the_official_style_in_english_too():
    with translation.override("en"):
        assert rupiah(1250000) == "Rp1.250.000"


def test_a_page_in_english_never_mixes_the_two_styles():
    template = Template("{% load portal %}{{ n|angka }} of {{ t|angka }} ({{ p|persen }})")
    context = Context({"n": 1130, "t": 3100, "p": 36.45})
    with translation.override("en"):
        assert template.render(context) == "1,130 of 3,100 (36.45%)"
    with translation.override("id"):
        assert template.render(context) == "1.130 of 3.100 (36,45\xa0%)"
