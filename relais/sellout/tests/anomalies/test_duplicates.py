"""Possible duplicates within one file: found across the batches of an import, named by the first row."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from django.utils import translation

from relais.catalog.tests.factories import ProductFactory
from relais.sellout.ingest.engine import Engine
from relais.sellout.models import Declaration, DeclarationLine, Source

pytestmark = pytest.mark.django_db


def batch(rows: list[tuple[int, str, str]], gtin: str) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "__row": [r[0] for r in rows],
            "gtin": [gtin] * len(rows),
            "quantity": ["2"] * len(rows),
            "unit_price": ["19,90"] * len(rows),
            "sale_date": ["03/10/2026"] * len(rows),
            "invoice_ref": [r[1] for r in rows],
            "customer_segment": [r[2] for r in rows],
        }
    )


def test_the_same_row_in_a_later_batch_is_a_possible_duplicate_of_the_first(partner):
    product = ProductFactory(brand=partner.brand, list_price="19.90")
    declaration = Declaration.objects.create(
        brand=partner.brand,
        partner=partner,
        period_start=dt.date(2026, 10, 1),
        period_end=dt.date(2026, 10, 31),
        source=Source.FILE,
    )
    engine = Engine(declaration=declaration, default_decimal=",", staged=True)

    first = engine.run_batch(batch([(2, "FA-1", ""), (3, "FA-2", "")], product.gtin), raw_columns=None)
    second = engine.run_batch(
        batch([(4, "fa 1", "x"), (5, "", ""), (6, "", "")], product.gtin), raw_columns=None
    )
    engine.finish()

    assert (first.accepted, first.flagged) == (2, 0)
    # row 4 repeats row 2 (the invoice written otherwise); rows 5 and 6 have no invoice: not compared
    assert (second.accepted, second.flagged) == (2, 1)
    copy = DeclarationLine.objects.get(declaration=declaration, source_row=4)
    assert copy.status == DeclarationLine.Status.FLAGGED
    assert copy.anomalies == [{"code": "duplicate_in_file", "row": 2}]
    with translation.override("fr"):
        assert copy.flag_text.startswith("Doublon possible dans le fichier") and "ligne 2" in copy.flag_text
    declaration.refresh_from_db()
    assert (declaration.lines_accepted, declaration.lines_flagged) == (4, 1)
