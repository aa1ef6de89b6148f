"""Sell-in import: the brand's ERP export, per-row errors with row numbers and fields, dedup on re-run."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from relais.core.errors import ApplicationError
from relais.core.tabular import table_read
from relais.network.tests.factories import SiteFactory
from relais.stock.models import SellInLine
from relais.stock.services import sellin_import
from relais.stock.tests.factories import ean13, products

pytestmark = pytest.mark.django_db


def _csv(text: str):
    return table_read(content=text.encode("utf-8"), filename="sellin.csv")


@pytest.fixture
def catalogue(brand):
    return products(brand, 3)


def test_an_erp_export_in_french_is_stored_line_by_line(brand, partner, other_partner, catalogue):
    SiteFactory(partner=other_partner, gln="3760000000017")
    table = _csv(
        "Code client;GLN livraison;EAN;Qté livrée;Date livraison;N° BL;Montant HT\n"
        f"R001;;{ean13(1)};12;05/03/2026;BL-1;120,50\n"
        f";3760000000017;{ean13(2)};-2;2026-03-06;AV-7;\n"
    )
    report = sellin_import(brand=brand, table=table)
    assert (report.created, report.rejected, report.errors) == (2, 0, [])
    first, second = SellInLine.objects.order_by("source_row")
    assert (first.partner, first.gtin, first.quantity, first.ship_date, first.reference, first.amount) == (
        partner,
        "0" + ean13(1),
        12,
        dt.date(2026, 3, 5),
        "BL-1",
        Decimal("120.50"),
    )
    assert (second.partner, second.quantity, second.amount, second.source_row) == (other_partner, -2, None, 3)


def test_bad_rows_are_reported_with_row_number_and_field_and_good_rows_load(brand, partner, catalogue):
    table = _csv(
        "partner,gtin,quantity,date,reference\n"
        f"R001,{ean13(1)},5,2026-03-01,BL1\n"
        f"R999,{ean13(1)},5,2026-03-01,BL2\n"
        "R001,3760000000000,5,2026-03-01,BL3\n"
        f"R001,{ean13(2)},cinq,2026-03-01,BL4\n"
        f"R001,{ean13(2)},5,31/02/2026,BL5\n"
        f"R001,{ean13(2)},0,2026-03-01,BL6\n"
    )
    report = sellin_import(brand=brand, table=table)
    assert report.created == 1
    assert report.rejected == 5
    assert [(e.row, e.field) for e in sorted(report.errors, key=lambda e: e.row)] == [
        (3, "partner"),
        (4, "gtin"),
        (5, "quantity"),
        (6, "date"),
        (7, "quantity"),
    ]
    assert "R999" in report.errors[0].message


def test_errors_are_in_the_users_language(brand, partner, catalogue):
    table = _csv(f"partner,gtin,quantity,date\nR404,{ean13(1)},5,2026-03-01\n")
    with translation.override("fr"):
        report = sellin_import(brand=brand, table=table)
    assert report.errors[0].message == "Aucun partenaire n’a le code R404."


def test_re_running_the_same_file_changes_nothing(brand, partner, catalogue):
    content = f"partner,gtin,quantity,date,reference\nR001,{ean13(1)},5,2026-03-01,BL1\nR001,{ean13(1)},5,2026-03-01,BL1\n"
    first = sellin_import(brand=brand, table=_csv(content))
    again = sellin_import(brand=brand, table=_csv(content))
    assert (first.created, first.unchanged) == (1, 1)  # the repeated row is the same shipment
    assert (again.created, again.unchanged) == (0, 2)
    assert SellInLine.objects.count() == 1


def test_same_product_shipped_twice_under_two_references_is_two_lines(brand, partner, catalogue):
    content = f"partner,gtin,quantity,date,reference\nR001,{ean13(1)},5,2026-03-01,BL1\nR001,{ean13(1)},5,2026-03-01,BL2\n"
    assert sellin_import(brand=brand, table=_csv(content)).created == 2


def test_dry_run_reports_and_writes_nothing(brand, partner, catalogue):
    report = sellin_import(
        brand=brand, table=_csv(f"partner,gtin,quantity,date\nR001,{ean13(1)},5,2026-03-01\n"), dry_run=True
    )
    assert (report.created, report.dry_run) == (1, True)
    assert not SellInLine.objects.exists()


def test_another_brands_partner_and_products_are_unknown(brand, other_brand, partner, catalogue):
    report = sellin_import(
        brand=other_brand, table=_csv(f"partner,gtin,quantity,date\nR001,{ean13(1)},5,2026-03-01\n")
    )
    assert report.created == 0
    assert {e.field for e in report.errors} == {"partner", "gtin"}


def test_a_file_without_a_required_column_is_refused(brand):
    with pytest.raises(ApplicationError, match="quantity"):
        sellin_import(brand=brand, table=_csv("partner,gtin,date\nR001,x,2026-03-01\n"))
