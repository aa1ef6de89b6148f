"""The vectorised GTIN check against python-stdnum and the shared validator; numbers and dates."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import ean

from relais.core.validators import recover_gtin
from relais.sellout.ingest.validate import date_expr, gtin_check_ok, normalise_gtin_expr, number_expr


def polars_gtin(values: list[str]) -> list[str | None]:
    frame = pl.DataFrame({"raw": values}, schema={"raw": pl.String})
    out = frame.select(
        pl.when(gtin_check_ok(normalise_gtin_expr(pl.col("raw"))))
        .then(normalise_gtin_expr(pl.col("raw")))
        .otherwise(None)
        .alias("gtin")
    )
    return out["gtin"].to_list()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="0123456789", min_size=8, max_size=14), min_size=1, max_size=50))
def test_polars_check_digit_agrees_with_stdnum(values):
    for value, got in zip(values, polars_gtin(values), strict=True):
        expected = value.zfill(14) if ean.is_valid(value.zfill(14)) else None
        assert got == expected


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789", min_size=12, max_size=12).filter(lambda s: s.strip("0")))
def test_a_gtin_that_lost_its_leading_zeros_is_recovered_like_the_shared_validator(body):
    code = body + ean.calc_check_digit(body)
    as_excel_number = str(int(code))  # what Excel keeps of "0012345678905"
    (got,) = polars_gtin([as_excel_number + ".0"])
    assert got == recover_gtin(as_excel_number) == code.zfill(14)


def numbers(values: list[str], decimal: str) -> list[str | None]:
    frame = pl.DataFrame({"raw": values})
    return frame.select(number_expr(pl.col("raw"), decimal)[0].alias("n"))["n"].to_list()


@pytest.mark.parametrize(
    ("raw", "decimal", "expected"),
    [
        ("1 234,50", ",", "1234.50"),
        ("1\u00a0234,50", ",", "1234.50"),
        ("1\u202f234,50", ".", "1234.50"),  # unambiguous comma wins over the file's default
        ("1.234,50", ",", "1234.50"),
        ("1,234.50", ",", "1234.50"),
        ("1.234", ",", "1234"),  # ambiguous: the German file's convention (thousands point)
        ("1.234", ".", "1.234"),
        ("19,9", ".", "19.9"),
        ("-19,90", ",", "-19.90"),
        ("19,90-", ",", "-19.90"),
        ("(19,90)", ",", "-19.90"),
        ("19,90 €", ",", "19.90"),
        ("1,2,3", ",", None),
        ("12a", ",", None),
        ("1e3", ".", None),
    ],
)
def test_numbers_as_partners_write_them(raw, decimal, expected):
    assert numbers([raw], decimal) == [expected]


@pytest.mark.parametrize(
    ("raw", "expected", "shaped"),
    [
        ("03/10/2026", dt.date(2026, 10, 3), True),
        ("3.10.2026", dt.date(2026, 10, 3), True),
        ("2026-10-03", dt.date(2026, 10, 3), True),
        ("2026-10-03 14:30:00", dt.date(2026, 10, 3), True),
        ("03/10/26", dt.date(2026, 10, 3), True),
        ("20261003", dt.date(2026, 10, 3), True),
        ("46298", dt.date(2026, 10, 3), True),  # Excel serial
        ("46298.0", dt.date(2026, 10, 3), True),
        ("31/02/2026", None, True),  # impossible
        ("29/02/2028", dt.date(2028, 2, 29), True),
        ("hier", None, False),
        ("12", None, False),
    ],
)
def test_dates_as_partners_write_them(raw, expected, shaped):
    parsed, looks = date_expr(pl.col("raw"))
    row = pl.DataFrame({"raw": [raw]}).select(parsed.alias("d"), looks.alias("s")).row(0)
    assert row == (expected, shaped)
