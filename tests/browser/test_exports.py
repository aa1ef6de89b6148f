"""A French brand user downloads the sell-out lines as CSV from the declarations page, and the file parses
in columns with ';' and decimal commas, French headers and dd/mm/yyyy dates."""

import csv
import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from relais.accounts.tests.factories import PASSWORD
from relais.catalog.tests.factories import ProductFactory
from relais.sellout.models import Source
from relais.sellout.services import declaration_create, declaration_lines_add, declaration_submit
from tests.browser.support import login

pytestmark = pytest.mark.browser


def test_a_french_brand_user_downloads_a_csv_that_parses_in_columns(
    page: Page, brand, partner, channel_manager
):
    drill = ProductFactory(brand=brand, name="Perceuse 18V", list_price="120.00")
    declaration = declaration_create(
        partner=partner, period_start=date(2026, 10, 1), period_end=date(2026, 10, 31), source=Source.FORM
    )
    declaration_lines_add(
        declaration=declaration,
        rows=[
            {"gtin": drill.gtin, "quantity": "2", "amount": "239.90", "sale_date": "2026-10-02"},
            {"gtin": drill.gtin, "quantity": "1", "amount": "119.95", "sale_date": "2026-10-15"},
        ],
    )
    declaration_submit(declaration=declaration)
    channel_manager.preferred_language = "fr"
    channel_manager.save(update_fields=["preferred_language"])
    login(page, channel_manager.email, PASSWORD)

    page.goto("/brand/declarations/")
    expect(page.get_by_test_id("export-csv")).to_be_visible()
    with page.expect_download() as info:
        page.get_by_test_id("export-csv").click()
    download = info.value

    assert download.suggested_filename.startswith("sellout-lines-") and download.suggested_filename.endswith(
        ".csv"
    )
    raw = Path(download.path()).read_bytes()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 2
    assert rows[0]["Code partenaire"] == partner.code
    assert [r["Date de vente"] for r in rows] == ["02/10/2026", "15/10/2026"]
    assert [Decimal(r["Montant"].replace(",", ".")) for r in rows] == [Decimal("239.9"), Decimal("119.95")]
    assert [r["Quantité"] for r in rows] == ["2", "1"]
