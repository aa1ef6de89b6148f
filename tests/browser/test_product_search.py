"""The declaration form's product search on a phone: words out of order and an accent typo find the
product, and picking it fills the catalogue's unit price."""

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from relais.accounts.tests.factories import PASSWORD
from relais.catalog.tests.factories import ProductFactory
from relais.sellout.models import DeclarationLine
from tests.browser.support import login, screenshot

pytestmark = pytest.mark.browser


def test_search_out_of_order_with_an_accent_typo_finds_the_product_and_its_price(
    phone_page: Page, brand, partner_seller
):
    ProductFactory(brand=brand, name="Perceuse brushless 18V nue", list_price="149.90")
    ProductFactory(brand=brand, name="Perceuse à percussion 18V", list_price="99.00")
    ProductFactory(brand=brand, name="Scie sauteuse brushless", list_price="129.00")
    page = phone_page
    login(page, partner_seller.email, PASSWORD)
    page.goto("/portal/declarations/")
    page.fill("input[name=period_start]", "2026-10-01")
    page.fill("input[name=period_end]", "2026-10-31")
    page.get_by_test_id("declaration-new").locator("button[type=submit]").click()
    expect(page.get_by_test_id("line-entry")).to_be_visible()

    page.get_by_test_id("product-search").fill("nue brushless percéuze")
    options = page.get_by_test_id("product-options").get_by_role("option")
    expect(options).to_have_count(1)
    expect(options.first).to_contain_text("Perceuse brushless 18V nue")
    screenshot(page, "product-search-phone")
    options.first.get_by_role("link").click()

    expect(page.get_by_test_id("product-search")).to_have_value("Perceuse brushless 18V nue")
    expect(page.locator("input[name=line-unit_price]")).to_have_value("149.90")
    page.fill("input[name=line-quantity]", "2")
    page.fill("input[name=line-sale_date]", "2026-10-12")
    page.get_by_test_id("add-line").click()
    expect(page.get_by_test_id("line-added")).to_be_visible()
    line = DeclarationLine.objects.get()
    assert line.product.name == "Perceuse brushless 18V nue"
    assert line.unit_price == Decimal("149.90")


def test_a_price_typed_by_the_partner_is_kept_when_a_product_is_picked(
    phone_page: Page, brand, partner_seller
):
    ProductFactory(brand=brand, name="Perceuse brushless 18V nue", list_price="149.90")
    page = phone_page
    login(page, partner_seller.email, PASSWORD)
    page.goto("/portal/declarations/")
    page.get_by_test_id("declaration-new").locator("button[type=submit]").click()
    page.fill("input[name=line-unit_price]", "139.00")
    page.get_by_test_id("product-search").fill("brushless perceuse")
    page.get_by_test_id("product-options").get_by_text("Perceuse brushless 18V nue").click()
    expect(page.locator("input[name=line-unit_price]")).to_have_value("139.00")
