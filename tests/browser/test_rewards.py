"""A partner on a phone orders a reward: the balance drops and the order appears in its orders."""

import pytest
from playwright.sync_api import Page, expect

from relais.accounts.tests.factories import PASSWORD
from relais.incentives.models import PointsEntry, RedemptionOrder
from relais.incentives.tests.factories import RewardFactory, credit
from tests.browser.support import has_no_horizontal_scroll, login, screenshot

pytestmark = pytest.mark.browser


def test_partner_redeems_a_reward_and_sees_balance_drop_and_order(phone_page: Page, partner_admin, partner):
    credit(partner, 3000)
    reward = RewardFactory(
        brand=partner.brand,
        name="Coffret d'embouts 32 pièces",
        points_price=900,
        stock=5,
        description="S2, coffret métal",
    )
    login(phone_page, partner_admin.email, PASSWORD)

    phone_page.goto("/portal/rewards/")
    expect(phone_page.get_by_test_id("points-available")).to_have_text("3,000")
    assert has_no_horizontal_scroll(phone_page)
    screenshot(phone_page, "rewards-catalogue-phone")
    card = phone_page.get_by_test_id(f"reward-{reward.pk}")
    card.locator("input[name=quantity]").fill("2")
    card.get_by_test_id(f"redeem-{reward.pk}").click()

    # A confirmation step: the total and the balance after, nothing spent yet.
    expect(phone_page.get_by_test_id("redeem-total")).to_have_text("1,800 points")
    expect(phone_page.get_by_test_id("balance-after")).to_have_text("1,200")
    assert not RedemptionOrder.objects.exists()
    assert has_no_horizontal_scroll(phone_page)
    screenshot(phone_page, "rewards-confirm-phone")
    phone_page.get_by_test_id("redeem-confirm-submit").click()

    phone_page.wait_for_url("**/portal/orders/")
    expect(phone_page.get_by_test_id("points-available")).to_have_text("1,200")
    orders = phone_page.get_by_test_id("my-orders")
    expect(orders).to_contain_text("2 × Coffret d'embouts 32 pièces")
    expect(orders).to_contain_text("1,800")
    expect(orders).to_contain_text("Requested")
    assert has_no_horizontal_scroll(phone_page)
    screenshot(phone_page, "my-orders-phone")
    assert RedemptionOrder.objects.get(partner=partner).quantity == 2
    assert PointsEntry.objects.get(kind="redeem").amount == -1800


def test_partner_picks_a_size_gives_an_address_then_cancels_while_requested(
    phone_page: Page, partner_admin, partner
):
    credit(partner, 1000)
    jacket = RewardFactory(
        brand=partner.brand,
        name="Veste de travail",
        points_price=400,
        variants=["S", "M", "L"],
        needs_delivery=True,
    )
    login(phone_page, partner_admin.email, PASSWORD)
    phone_page.goto("/portal/rewards/")
    phone_page.get_by_test_id(f"redeem-{jacket.pk}").click()
    expect(phone_page.get_by_test_id("balance-after")).to_have_text("600")
    phone_page.get_by_test_id("redeem-variant").select_option("M")
    phone_page.get_by_test_id("redeem-address").fill("3 rue des Lilas\n69007 Lyon")
    phone_page.get_by_test_id("redeem-confirm-submit").click()

    phone_page.wait_for_url("**/portal/orders/")
    order = RedemptionOrder.objects.get(partner=partner)
    assert (order.variant, order.delivery_address) == ("M", "3 rue des Lilas\n69007 Lyon")
    expect(phone_page.get_by_test_id(f"order-{order.pk}")).to_contain_text("(M)")
    expect(phone_page.get_by_test_id("points-available")).to_have_text("600")

    phone_page.once("dialog", lambda dialog: dialog.accept())
    phone_page.get_by_test_id(f"cancel-order-{order.pk}").click()
    expect(phone_page.get_by_test_id(f"order-{order.pk}")).to_contain_text("Cancelled")
    expect(phone_page.get_by_test_id("points-available")).to_have_text("1,000")
    expect(phone_page.get_by_test_id(f"cancel-order-{order.pk}")).to_have_count(0)
    assert PointsEntry.objects.filter(kind="refund", order=order).count() == 1


def test_points_history_and_challenges_fit_a_phone(phone_page: Page, partner_admin, partner):
    from relais.incentives import services
    from relais.incentives.tests.factories import declaration_with_lines, running_challenge

    running_challenge(partner.brand, per_unit=10)
    services.challenge_score_declaration(declaration=declaration_with_lines(partner, lines=[{"quantity": 3}]))
    login(phone_page, partner_admin.email, PASSWORD)

    phone_page.goto("/portal/points/")
    expect(phone_page.get_by_test_id("my-ledger")).to_contain_text("Provisional")
    assert has_no_horizontal_scroll(phone_page)
    phone_page.goto("/portal/challenges/")
    expect(phone_page.get_by_test_id("my-challenge")).to_contain_text("Rank 1 of 1")
    assert has_no_horizontal_scroll(phone_page)
    screenshot(phone_page, "my-challenges-phone")
