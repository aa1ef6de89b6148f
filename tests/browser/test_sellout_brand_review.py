"""The brand reviews flagged lines in place: approve and reject without a reload, counters follow."""

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from relais.accounts.tests.factories import PASSWORD
from relais.catalog.tests.factories import ProductFactory
from relais.sellout.models import Declaration, Source
from relais.sellout.services import declaration_create, declaration_lines_add, declaration_submit
from tests.browser.support import login, screenshot

pytestmark = pytest.mark.browser


def test_brand_approves_and_rejects_flagged_lines(page: Page, brand, partner, channel_manager):
    drill = ProductFactory(brand=brand, name="Perceuse 18V", list_price="120.00")
    declaration = declaration_create(
        partner=partner, period_start=date(2026, 10, 1), period_end=date(2026, 10, 31), source=Source.FORM
    )
    declaration_lines_add(
        declaration=declaration,
        rows=[
            {"gtin": drill.gtin, "quantity": "1", "unit_price": "120", "sale_date": "2026-10-02"},
            {"gtin": drill.gtin, "quantity": "1", "unit_price": "1200", "sale_date": "2026-10-03"},
            {"gtin": drill.gtin, "quantity": "2", "unit_price": "1300", "sale_date": "2026-10-04"},
        ],
    )
    declaration_submit(declaration=declaration)
    login(page, channel_manager.email, PASSWORD)

    page.goto("/brand/declarations/?flagged=on")
    page.get_by_test_id("declarations").get_by_role("link", name=partner.name).click()
    expect(page.get_by_test_id("count-flagged")).to_have_text("2")
    page.evaluate("window.__marker = 'same page'")

    page.get_by_test_id("approve").first.click()
    expect(page.locator("[data-testid=line-row][data-status=accepted]")).to_have_count(2)
    expect(page.get_by_test_id("count-flagged")).to_have_text("1")
    page.get_by_test_id("reject").first.click()
    expect(page.locator("[data-testid=line-row][data-status=rejected]")).to_have_count(1)
    expect(page.get_by_test_id("count-flagged")).to_have_text("0")
    expect(page.get_by_test_id("count-rejected")).to_have_text("1")
    expect(page.get_by_test_id("approve")).to_have_count(0)
    assert page.evaluate("window.__marker") == "same page"
    screenshot(page, "sellout-brand-review")

    declaration.refresh_from_db()
    assert declaration.status == Declaration.Status.PARTLY_REJECTED
