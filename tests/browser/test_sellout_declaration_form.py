"""Fast line entry on a phone: product autocomplete, lines added one after the other without a reload,
an error shown on the field it concerns, then submission."""

import pytest
from playwright.sync_api import Page, expect

from relais.accounts.tests.factories import PASSWORD
from relais.catalog.tests.factories import ProductFactory
from relais.sellout.models import Declaration, DeclarationLine
from tests.browser.support import has_no_horizontal_scroll, login, screenshot

pytestmark = pytest.mark.browser


def test_partner_enters_lines_one_after_the_other_on_a_phone(phone_page: Page, brand, partner_seller):
    drill = ProductFactory(brand=brand, name="Perceuse 18V", list_price="120.00")
    ProductFactory(brand=brand, name="Scie sauteuse", list_price="80.00")
    page = phone_page
    login(page, partner_seller.email, PASSWORD)
    page.goto("/portal/declarations/")
    page.fill("input[name=period_start]", "2026-10-01")
    page.fill("input[name=period_end]", "2026-10-31")
    page.get_by_test_id("declaration-new").locator("button[type=submit]").click()
    expect(page.get_by_test_id("line-entry")).to_be_visible()
    page.evaluate("window.__marker = 'same page'")  # survives only if nothing reloads

    # Line 1: find the product by name, pick it, type quantity and price.
    page.get_by_test_id("product-search").fill("perce")
    page.get_by_test_id("product-options").get_by_text("Perceuse 18V").click()
    expect(page.get_by_test_id("product-search")).to_have_value("Perceuse 18V")
    page.fill("input[name=line-quantity]", "2")
    page.fill("input[name=line-unit_price]", "119.90")
    page.fill("input[name=line-sale_date]", "2026-10-12")
    page.get_by_test_id("add-line").click()
    expect(page.get_by_test_id("line-added")).to_be_visible()
    expect(page.get_by_test_id("lines").locator("[data-testid=line-row]")).to_have_count(1)
    expect(page.get_by_test_id("count-accepted")).to_have_text("1")

    # Line 2: a GTIN typed (or scanned) straight in, sold online; the date is kept from the line before.
    expect(page.locator("input[name=line-sale_date]")).to_have_value("2026-10-12")
    page.get_by_test_id("product-search").fill(drill.gtin)
    page.fill("input[name=line-quantity]", "1")
    page.fill("input[name=line-amount]", "118")
    page.get_by_text("Online").click()
    page.get_by_test_id("add-line").click()
    expect(page.get_by_test_id("lines").locator("[data-testid=line-row]")).to_have_count(2)

    # Line 3: a quantity that is not a number is refused, with the field named.
    page.get_by_test_id("product-search").fill(drill.gtin)
    page.fill("input[name=line-quantity]", "deux")
    page.fill("input[name=line-amount]", "118")
    page.get_by_test_id("add-line").click()
    expect(page.locator("[data-field=quantity]")).to_contain_text("Quantity")
    expect(page.get_by_test_id("lines").locator("[data-testid=line-row]")).to_have_count(2)
    assert page.evaluate("window.__marker") == "same page"
    assert has_no_horizontal_scroll(page)
    screenshot(page, "sellout-line-entry-phone")

    page.get_by_test_id("submit-declaration").click()
    expect(page.locator(".messages")).to_be_visible()
    declaration = Declaration.objects.get()
    assert declaration.status == Declaration.Status.VALIDATED
    assert sorted(DeclarationLine.objects.values_list("channel", flat=True)) == ["in_store", "online"]
