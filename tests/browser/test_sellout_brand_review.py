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


def test_brand_works_the_review_queue_and_the_partner_reads_the_reason_in_french(
    page: Page, brand, partner, channel_manager, partner_admin
):
    drill = ProductFactory(brand=brand, name="Perceuse 18V", list_price="120.00")
    declaration = declaration_create(
        partner=partner, period_start=date(2026, 10, 1), period_end=date(2026, 10, 31), source=Source.FORM
    )
    declaration_lines_add(
        declaration=declaration,
        rows=[
            {"gtin": drill.gtin, "quantity": "1", "unit_price": "120", "sale_date": "2026-10-02"},
            {"gtin": drill.gtin, "quantity": "1", "unit_price": "1400", "sale_date": "2026-10-03"},
            {"gtin": drill.gtin, "quantity": "1", "unit_price": "1300", "sale_date": "2026-10-04"},
            {"gtin": drill.gtin, "quantity": "1", "unit_price": "1200", "sale_date": "2026-10-05"},
        ],
    )
    declaration_submit(declaration=declaration)
    login(page, channel_manager.email, PASSWORD)

    page.get_by_test_id("nav-review").click()
    expect(page.get_by_test_id("queue-count")).to_have_text("3")
    page.evaluate("window.__marker = 'same page'")
    rows = page.get_by_test_id("queue-line")
    rows.nth(0).get_by_test_id("select-line").check()  # most at stake first: 1 400, then 1 300
    rows.nth(1).get_by_test_id("select-line").check()
    page.get_by_test_id("review-reason").select_option("price_inconsistent")
    page.get_by_test_id("review-note").fill("Hors tarif")
    page.get_by_test_id("bulk-reject").click()

    expect(page.get_by_test_id("review-message")).to_have_text("2 lines rejected.")
    expect(page.locator("[data-testid=queue-line][data-status=rejected]")).to_have_count(2)
    page.get_by_test_id("review-reason").select_option("")
    page.get_by_test_id("review-note").fill("")
    page.get_by_test_id("select-all").check()  # only the line still to review has a box
    page.get_by_test_id("bulk-approve").click()
    expect(page.get_by_test_id("review-message")).to_have_text("1 line approved.")
    expect(page.locator("[data-testid=queue-line][data-status=accepted]")).to_have_count(1)
    expect(page.get_by_test_id("select-line")).to_have_count(0)
    assert page.evaluate("window.__marker") == "same page"
    screenshot(page, "sellout-review-queue")

    declaration.refresh_from_db()
    assert (declaration.lines_accepted, declaration.lines_rejected) == (2, 2)
    assert declaration.status == Declaration.Status.PARTLY_REJECTED

    partner_admin.preferred_language = "fr"
    partner_admin.save(update_fields=["preferred_language"])
    page.context.clear_cookies()
    login(page, partner_admin.email, PASSWORD)
    page.goto(f"/portal/declarations/{declaration.pk}/")
    rejected = page.locator("[data-testid=partner-decision][data-decision=rejected]")
    expect(rejected).to_have_count(2)
    expect(rejected.first).to_contain_text(
        "Rejetée par la marque : Le prix unitaire déclaré (1400,00) est incohérent."
    )
    expect(rejected.first).to_contain_text("Hors tarif")
    expect(page.locator("[data-testid=partner-decision][data-decision=approved]")).to_contain_text(
        "Vérifiée avec vous : la vente est confirmée."
    )
    assert channel_manager.email not in page.content()
    screenshot(page, "sellout-review-partner-fr")
