import pytest

from relais.core.errors import ApplicationError
from relais.incentives import services
from relais.incentives.models import PointsAccount, PointsEntry, RedemptionOrder
from relais.incentives.tests.factories import RewardFactory, credit
from relais.network.tests.factories import SegmentFactory


def account(partner):
    return PointsAccount.objects.get(partner=partner, user__isnull=True)


def test_redeem_writes_the_order_and_one_debit(partner, partner_admin, check_ledger):
    credit(partner, 500)
    reward = RewardFactory(brand=partner.brand, points_price=120, stock=3)

    order = services.reward_redeem(
        partner=partner, reward=reward, quantity=2, user=partner_admin, idempotency_key="o1"
    )

    reward.refresh_from_db()
    assert (order.status, order.points_total, reward.stock) == ("requested", 240, 1)
    assert PointsEntry.objects.get(kind="redeem").amount == -240
    assert account(partner).balance == 260
    check_ledger(account(partner))


def test_replaying_the_same_key_returns_the_same_order_and_debits_once(partner, partner_admin, check_ledger):
    credit(partner, 500)
    reward = RewardFactory(brand=partner.brand, points_price=100, stock=5)

    first = services.reward_redeem(
        partner=partner, reward=reward, quantity=1, user=partner_admin, idempotency_key="o1"
    )
    second = services.reward_redeem(
        partner=partner, reward=reward, quantity=1, user=partner_admin, idempotency_key="o1"
    )

    assert first.pk == second.pk
    assert RedemptionOrder.objects.count() == 1
    assert PointsEntry.objects.filter(kind="redeem").count() == 1
    reward.refresh_from_db()
    assert reward.stock == 4
    assert account(partner).balance == 400
    check_ledger(account(partner))


def test_same_key_with_another_body_is_a_conflict(partner, partner_admin):
    credit(partner, 500)
    reward = RewardFactory(brand=partner.brand)
    services.reward_redeem(
        partner=partner, reward=reward, quantity=1, user=partner_admin, idempotency_key="o1"
    )

    with pytest.raises(services.IdempotencyConflict):
        services.reward_redeem(
            partner=partner, reward=reward, quantity=2, user=partner_admin, idempotency_key="o1"
        )


def test_not_enough_points_or_stock_is_refused(partner, partner_admin):
    credit(partner, 150)
    reward = RewardFactory(brand=partner.brand, points_price=100, stock=1)

    with pytest.raises(ApplicationError) as exc:
        services.reward_redeem(
            partner=partner, reward=reward, quantity=2, user=partner_admin, idempotency_key="a"
        )
    assert exc.value.extra["code"] == "out_of_stock"
    credit(partner, 1000)
    with pytest.raises(ApplicationError) as exc:
        services.reward_redeem(
            partner=partner,
            reward=RewardFactory(brand=partner.brand, points_price=5000),
            quantity=1,
            user=None,
            idempotency_key="b",
        )
    assert exc.value.extra["code"] == "insufficient_points"
    assert not RedemptionOrder.objects.exists()


def test_provisional_points_cannot_be_spent(partner):
    credit(partner, 500, status="provisional")
    reward = RewardFactory(brand=partner.brand, points_price=100)

    with pytest.raises(ApplicationError):
        services.reward_redeem(partner=partner, reward=reward, quantity=1, user=None, idempotency_key="a")


def test_reward_of_another_segment_or_brand_is_not_available(partner, other_brand):
    credit(partner, 500)
    segment_only = RewardFactory(brand=partner.brand)
    segment_only.segments.set([SegmentFactory(brand=partner.brand)])
    foreign = RewardFactory(brand=other_brand)

    for reward in (segment_only, foreign):
        with pytest.raises(ApplicationError):
            services.reward_redeem(
                partner=partner, reward=reward, quantity=1, user=None, idempotency_key=f"k{reward.pk}"
            )


def test_cancel_refunds_by_a_new_entry_and_restores_stock(partner, brand_admin, check_ledger):
    credit(partner, 300)
    reward = RewardFactory(brand=partner.brand, points_price=100, stock=2)
    order = services.reward_redeem(partner=partner, reward=reward, quantity=2, user=None, idempotency_key="o")

    services.order_cancel(order=order, user=brand_admin, reason="out of production")

    order.refresh_from_db()
    reward.refresh_from_db()
    assert order.status == "cancelled" and reward.stock == 2
    refund = PointsEntry.objects.get(kind="refund")
    assert refund.amount == 200 and refund.order_id == order.pk
    assert PointsEntry.objects.get(kind="redeem").amount == -200  # kept as it was
    assert account(partner).balance == 300
    check_ledger(account(partner))
    with pytest.raises(ApplicationError):
        services.order_cancel(order=order, user=brand_admin)


def test_order_moves_requested_approved_shipped_and_not_back(partner, brand_admin):
    credit(partner, 300)
    order = services.reward_redeem(
        partner=partner, reward=RewardFactory(brand=partner.brand), quantity=1, user=None, idempotency_key="o"
    )

    with pytest.raises(ApplicationError):
        services.order_ship(order=order, user=brand_admin)
    services.order_approve(order=order, user=brand_admin)
    services.order_ship(order=order, user=brand_admin)
    order.refresh_from_db()
    assert order.status == "shipped" and order.shipped_at is not None
    with pytest.raises(ApplicationError):
        services.order_cancel(order=order, user=brand_admin)
