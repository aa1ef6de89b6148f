"""The filters of numbers, amounts and points, and the dates, in the reader's language."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import formats, translation

from relais.core.templatetags.relais_format import money, number, points

NBSP = "\xa0"
NNBSP = "\u202f"


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fr", f"1{NNBSP}268,91{NBSP}€"), ("en", "€1,268.91")],
)
def test_money_is_formatted_by_babel_in_the_readers_locale(language, expected):
    with translation.override(language):
        assert money(Decimal("1268.91")) == expected


def test_money_takes_the_currency_given():
    with translation.override("en"):
        assert money("3000", "GBP") == "£3,000.00"


def test_money_of_nothing_is_empty():
    assert money(None) == money("") == money("abc") == ""


@pytest.mark.parametrize(
    ("language", "value", "decimals", "expected"),
    [
        ("fr", 3000, None, f"3{NBSP}000"),
        ("en", 3000, None, "3,000"),
        ("fr", Decimal("11.25"), 1, "11,2"),
        ("en", "1234.5", None, "1,234.5"),
    ],
)
def test_number_has_thousands_separators_and_the_readers_decimal_mark(language, value, decimals, expected):
    with translation.override(language):
        assert number(value, decimals) == expected


@pytest.mark.parametrize(
    ("language", "value", "expected"),
    [
        ("fr", 1, "1 point"),
        ("fr", 0, "0 point"),
        ("fr", 3000, f"3{NBSP}000 points"),
        ("en", 1, "1 point"),
        ("en", 0, "0 points"),
        ("en", -2, "-2 points"),
    ],
)
def test_points_take_the_plural_of_the_language(language, value, expected):
    with translation.override(language):
        assert points(value) == expected


def test_the_filters_are_one_load_away_in_a_template():
    template = Template("{% load relais_format %}{{ a|money }} · {{ n|number }} · {{ p|points }}")
    with translation.override("fr"):
        html = template.render(Context({"a": "20", "n": 1500, "p": 1}))

    assert html == f"20,00{NBSP}€ · 1{NBSP}500 · 1 point"


def test_english_dates_are_day_first_and_times_24_hours():
    moment = dt.datetime(2026, 10, 31, 17, 3)
    with translation.override("en"):
        assert formats.date_format(moment, "SHORT_DATETIME_FORMAT") == "31/10/2026 17:03"
        assert formats.date_format(moment, "DATETIME_FORMAT") == "31 October 2026, 17:03"
        assert formats.time_format(dt.time(5, 3)) == "05:03"
    with translation.override("fr"):
        assert formats.date_format(moment, "SHORT_DATETIME_FORMAT") == "31/10/2026 17:03"
