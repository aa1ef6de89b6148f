"""Channel inventory from a file or the form: per-row errors, replacement by a newer report, dry run."""

from __future__ import annotations

import datetime as dt

import pytest

from relais.core.errors import ApplicationError
from relais.core.tabular import table_read
from relais.stock.models import StockSnapshot, StockSource
from relais.stock.services import inventory_import, stock_snapshot_record
from relais.stock.tests.factories import ean13, products

pytestmark = pytest.mark.django_db


def _csv(text: str):
    return table_read(content=text.encode("utf-8"), filename="stock.csv")


@pytest.fixture
def catalogue(brand):
    return products(brand, 3)


def test_stock_file_is_recorded_per_product_date_and_location(brand, partner, catalogue):
    table = _csv(
        "EAN;Stock;Date stock;Emplacement\n"
        f"{ean13(1)};7;31/03/2026;\n"
        f"{ean13(2)};3;31/03/2026;3760000000017\n"
        f"{ean13(2)};4;31/03/2026;3760000000024\n"
    )
    report = inventory_import(brand=brand, partner=partner, table=table)
    assert (report.created, report.rejected) == (3, 0)
    assert sorted(StockSnapshot.objects.values_list("gtin", "location", "quantity")) == [
        ("0" + ean13(1), "", 7),
        ("0" + ean13(2), "3760000000017", 3),
        ("0" + ean13(2), "3760000000024", 4),
    ]


def test_bad_rows_name_row_and_field(brand, partner, catalogue):
    table = _csv(
        "gtin,quantity,date\n"
        f"{ean13(1)},-1,2026-03-31\n"
        f"{ean13(1)},2,hier\n"
        "1234,2,2026-03-31\n"
        f"{ean13(2)},2,2026-03-31\n"
        f"{ean13(2)},9,2026-03-31\n"
    )
    report = inventory_import(brand=brand, partner=partner, table=table)
    assert report.created == 1
    assert [(e.row, e.field) for e in sorted(report.errors, key=lambda e: e.row)] == [
        (2, "quantity"),
        (3, "date"),
        (4, "gtin"),
        (6, "gtin"),
    ]
    assert "row 5" in report.errors[-1].message


def test_a_newer_report_of_the_same_day_replaces_the_quantity_and_a_rerun_changes_nothing(
    brand, partner, catalogue
):
    inventory_import(
        brand=brand, partner=partner, table=_csv(f"gtin,quantity,date\n{ean13(1)},7,2026-03-31\n")
    )
    again = inventory_import(
        brand=brand, partner=partner, table=_csv(f"gtin,quantity,date\n{ean13(1)},7,2026-03-31\n")
    )
    newer = inventory_import(
        brand=brand, partner=partner, table=_csv(f"gtin,quantity,date\n{ean13(1)},5,2026-03-31\n")
    )
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert (newer.created, newer.updated) == (0, 1)
    assert StockSnapshot.objects.get().quantity == 5


def test_dry_run_writes_nothing(brand, partner, catalogue):
    report = inventory_import(
        brand=brand,
        partner=partner,
        table=_csv(f"gtin,quantity,date\n{ean13(1)},7,2026-03-31\n"),
        dry_run=True,
    )
    assert report.created == 1
    assert not StockSnapshot.objects.exists()


def test_the_form_records_one_quantity(brand, partner, catalogue):
    stock_snapshot_record(partner=partner, product=catalogue[0], stock_date=dt.date(2026, 3, 31), quantity=4)
    snapshot = StockSnapshot.objects.get()
    assert (snapshot.quantity, snapshot.source) == (4, StockSource.FORM)
    with pytest.raises(ApplicationError, match="negative"):
        stock_snapshot_record(
            partner=partner, product=catalogue[0], stock_date=dt.date(2026, 3, 31), quantity=-3
        )


def test_the_form_refuses_another_brands_product(other_brand, partner):
    foreign = products(other_brand, 1)[0]
    with pytest.raises(ApplicationError):
        stock_snapshot_record(partner=partner, product=foreign, stock_date=dt.date(2026, 3, 31), quantity=4)
    assert not StockSnapshot.objects.exists()
