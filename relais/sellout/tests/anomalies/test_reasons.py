"""Reasons are stored as a code and figures and worded at display in the reader's language and formats."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from django.utils import translation

from relais.catalog.tests.factories import ProductFactory
from relais.sellout.anomalies.reasons import CODES, MESSAGES, reason_display
from relais.sellout.ingest.engine import Engine
from relais.sellout.models import Declaration, DeclarationLine, Source

PRICE = {"unit_price": 32.84, "percent": 15, "list_price": 218.9}


def test_a_price_reason_reads_in_french_with_french_numbers():
    with translation.override("fr"):
        assert (
            reason_display("price_implausible", PRICE)
            == "Prix unitaire 32,84 : 15 % du prix catalogue 218,90"
        )


def test_the_same_stored_reason_reads_in_english_for_an_english_reader():
    with translation.override("en"):
        assert (
            reason_display("price_implausible", PRICE) == "Unit price 32.84 is 15% of the list price 218.90"
        )


def test_large_numbers_are_grouped_and_dates_formatted_in_the_readers_language():
    params = {"units": 12500, "month": "2026-10-01", "times": 3.25, "usual": 4100}
    with translation.override("fr"):
        text = reason_display("month_volume", params)
    assert (
        text == "12\xa0500 unités en octobre 2026 : 3,2× le mois habituel de ce partenaire (4\xa0100 unités)"
    )
    with translation.override("en"):
        text = reason_display("month_volume", params)
    assert text == "12,500 units in October 2026: 3.2× this partner's usual month (4,100 units)"


def test_a_line_quantity_reason_names_its_basis_in_the_readers_language():
    params = {"quantity": 5000, "times": 62.5, "usual": 80, "basis": "family"}
    with translation.override("fr"):
        text = reason_display("quantity_high", params)
    assert (
        text
        == "Quantité 5\xa0000 : 62,5× l’habitude de ce partenaire pour la famille de produits (80 par ligne au plus)"
    )


def test_dates_stored_before_the_codes_carried_iso_dates_still_read():
    with translation.override("fr"):
        assert "en novembre 2026" in reason_display(
            "month_volume", {"units": 9, "month": "11/2026", "times": 3, "usual": 3}
        )
        assert "semaine du 23/11/2026" in reason_display(
            "week_volume", {"units": 9, "week": "23/11/2026", "times": 3, "usual": 3}
        )


def test_an_unknown_code_reads_as_nothing_and_a_missing_figure_does_not_break_the_page():
    assert reason_display("no_such_code", {}) == ""
    with translation.override("en"):
        assert reason_display("duplicate_in_file", {}) == (
            "Possible duplicate in the file: same invoice, product, quantity, price and date as row ?"
        )


def test_every_code_has_words():
    assert set(CODES) == set(MESSAGES)


@pytest.mark.django_db
def test_the_price_check_flag_is_stored_as_a_code_and_figures(partner):
    product = ProductFactory(brand=partner.brand, list_price="218.90")
    declaration = Declaration.objects.create(
        brand=partner.brand,
        partner=partner,
        period_start=dt.date(2026, 10, 1),
        period_end=dt.date(2026, 10, 31),
        source=Source.FILE,
    )
    frame = pl.DataFrame(
        {
            "__row": [2],
            "gtin": [product.gtin],
            "quantity": ["1"],
            "unit_price": ["32,84"],
            "sale_date": ["03/10/2026"],
        }
    )
    engine = Engine(declaration=declaration, default_decimal=",")

    engine.run_batch(frame, raw_columns=None)
    engine.finish()

    line = DeclarationLine.objects.get(declaration=declaration)
    assert line.status == DeclarationLine.Status.FLAGGED
    assert line.anomalies == [
        {"code": "price_implausible", "unit_price": 32.84, "percent": 15, "list_price": 218.9}
    ]
    with translation.override("fr"):
        assert line.flag_text == "Prix unitaire 32,84 : 15 % du prix catalogue 218,90"
