"""The history the checks read: an import's accepted lines added once, as one delta, when it finishes."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from relais.catalog.tests.factories import ProductFactory
from relais.sellout.ingest.engine import Engine
from relais.sellout.models import Declaration, SalesHistory, Source

pytestmark = pytest.mark.django_db


def batch(first_row: int, rows: list[tuple[str, str, str]]) -> pl.DataFrame:
    """Rows of (gtin, quantity, date)."""
    return pl.DataFrame(
        {
            "__row": list(range(first_row, first_row + len(rows))),
            "gtin": [r[0] for r in rows],
            "quantity": [r[1] for r in rows],
            "unit_price": ["10,00"] * len(rows),
            "sale_date": [r[2] for r in rows],
            "invoice_ref": [f"FA-{first_row + i}" for i in range(len(rows))],
        }
    )


def test_the_batches_of_an_import_reach_the_history_as_one_delta_at_the_end(partner):
    drill = ProductFactory(brand=partner.brand, list_price="10.00")
    saw = ProductFactory(brand=partner.brand, list_price="10.00")
    declaration = Declaration.objects.create(
        brand=partner.brand,
        partner=partner,
        period_start=dt.date(2026, 9, 1),
        period_end=dt.date(2026, 10, 31),
        source=Source.FILE,
    )
    engine = Engine(declaration=declaration, default_decimal=",", staged=True)
    engine.run_batch(
        batch(
            2,
            [(drill.gtin, "2", "03/10/2026"), (drill.gtin, "5", "04/10/2026"), (saw.gtin, "1", "30/09/2026")],
        ),
        raw_columns=None,
    )
    engine.run_batch(batch(5, [(drill.gtin, "3", "20/10/2026")]), raw_columns=None)
    assert not SalesHistory.objects.filter(partner=partner).exists()  # nothing written per batch

    with CaptureQueriesContext(connection) as queries:
        engine.anomalies.flush()
    engine.finish()

    history = {
        (h.product_id, h.month): (h.units, h.lines, h.max_quantity, float(h.amount), float(h.max_amount))
        for h in SalesHistory.objects.filter(partner=partner)
    }
    assert history == {
        (drill.pk, dt.date(2026, 10, 1)): (10, 3, 5, 100.0, 50.0),
        (saw.pk, dt.date(2026, 9, 1)): (1, 1, 1, 10.0, 10.0),
    }
    statements = [q["sql"] for q in queries.captured_queries if "saleshistory" in q["sql"].lower()]
    assert len(statements) == 1  # one statement (SQLite: one executemany of the two groups)


def test_a_second_import_adds_to_the_history_and_keeps_the_largest_line(partner):
    drill = ProductFactory(brand=partner.brand, list_price="10.00")
    for quantity, invoice_row in (("4", 2), ("2", 3)):
        declaration = Declaration.objects.create(
            brand=partner.brand,
            partner=partner,
            period_start=dt.date(2026, 10, 1),
            period_end=dt.date(2026, 10, 31),
            source=Source.FILE,
        )
        engine = Engine(declaration=declaration, default_decimal=",", staged=True)
        engine.run_batch(batch(invoice_row, [(drill.gtin, quantity, "03/10/2026")]), raw_columns=None)
        engine.finish()

    history = SalesHistory.objects.get(partner=partner, product=drill)
    assert (history.units, history.lines, history.max_quantity) == (6, 2, 4)
