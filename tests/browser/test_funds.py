"""Marketing funds in a real browser: a partner admin on a phone asks for MDF, the brand approves it in full,
the partner claims with a photo of the shop window, the brand approves the claim and records its payment."""

from decimal import Decimal

import pytest
from playwright.sync_api import FilePayload, Page, expect

from relais.accounts.tests.factories import PASSWORD
from relais.funds import ledger
from relais.funds.models import FundAllocation, FundClaim, FundRequest
from relais.funds.tests.factories import PNG, activity, fixed_allocation
from tests.browser.support import has_no_horizontal_scroll, login, screenshot

pytestmark = pytest.mark.browser


def test_a_partner_requests_mdf_the_brand_approves_the_partner_claims_with_a_photo_the_brand_pays(
    phone_page: Page, page: Page, brand, partner, partner_admin, brand_admin
):
    activity(brand, code="shop_window", proofs=("photo",))
    allocation = fixed_allocation(partner, amount="2000")

    login(phone_page, partner_admin.email, PASSWORD)
    phone_page.goto("/portal/funds/")
    expect(phone_page.get_by_test_id("available")).to_contain_text("2,000.00")
    phone_page.get_by_test_id("new-request").click()
    phone_page.locator("#id_activity_type").select_option(label="Annonce presse")
    phone_page.locator("#id_title").fill("Vitrine de Noël")
    phone_page.locator("#id_planned_cost").fill("500")
    phone_page.locator("#id_starts_on").fill("2026-12-05")
    phone_page.locator("#id_ends_on").fill("2026-12-24")
    phone_page.locator("#id_expected_results").fill("Plus de passage en boutique")
    assert has_no_horizontal_scroll(phone_page)
    phone_page.get_by_test_id("request-submit").click()
    expect(phone_page.get_by_test_id("request-status")).to_have_text("Awaiting decision")
    request = FundRequest.objects.get()

    login(page, brand_admin.email, PASSWORD)
    page.goto(f"/funds/requests/{request.pk}/")
    page.locator("#id_decision").select_option("full")
    page.get_by_test_id("request-decide").click()
    expect(page.get_by_test_id("request-status")).to_have_text("Approved")

    phone_page.reload()
    phone_page.locator("#id_actual_cost").fill("480")
    phone_page.get_by_test_id("proofs").set_input_files(
        files=[FilePayload(name="vitrine.png", mimeType="image/png", buffer=PNG)]
    )
    phone_page.get_by_test_id("claim-submit").click()
    expect(phone_page.get_by_test_id("claim-status")).to_have_text("Awaiting decision")
    screenshot(phone_page, "funds-claim-phone")

    page.reload()
    expect(page.get_by_test_id("proof-link")).to_have_text("vitrine.png")
    page.locator("#id_decision").select_option("full")
    page.get_by_test_id("claim-decide").click()
    page.locator("#id_reference").fill("VIR-2026-1207")
    page.locator("#id_paid_on").fill("2026-12-07")
    page.get_by_test_id("claim-pay").click()
    expect(page.get_by_test_id("claim-paid")).to_contain_text("VIR-2026-1207")

    assert FundClaim.objects.get().status == "paid"
    balance = ledger.balance_of(FundAllocation.objects.get(pk=allocation.pk).pk)
    assert (balance.paid, balance.reserved, balance.available) == (Decimal("480"), 0, Decimal("1520"))
    phone_page.goto("/portal/funds/")
    expect(phone_page.get_by_test_id("available")).to_contain_text("1,520.00")
