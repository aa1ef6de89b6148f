"""The holding period: earned points are held (not spendable) for the brand's holding days, or until the sales
period is reconciled; a rejection during the holding reverses them by a new entry; refunds and adjustments
are not held; redemption spends only confirmed points whose holding is over."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from relais.core.errors import ApplicationError
from relais.incentives import selectors, services
from relais.incentives.models import IncentiveSettings, PointsAccount, PointsEntry, RedemptionOrder
from relais.incentives.tests.factories import RewardFactory, credit, declaration_with_lines, running_challenge
from relais.sellout.models import Declaration, DeclarationLine


def validate(declaration, *, reject_line=None):
    """What the brand's review does to the declaration."""
    if reject_line is not None:
        DeclarationLine.objects.filter(pk=reject_line.pk).update(status=DeclarationLine.Status.REJECTED)
        declaration.status = Declaration.Status.PARTLY_REJECTED
    else:
        declaration.status = Declaration.Status.VALIDATED
    declaration.reviewed_at = timezone.now()
    declaration.save()


def earn(partner, *, quantities=(3, 2)):
    """Points earned in a challenge (10 per unit) on a declaration, scored and validated."""
    running_challenge(partner.brand, per_unit=10)
    declaration = declaration_with_lines(partner, lines=[{"quantity": q} for q in quantities])
    services.challenge_score_declaration(declaration=declaration)
    return declaration


def redeem(partner, *, price, key="order-1"):
    reward = RewardFactory(brand=partner.brand, points_price=price, stock=None)
    return services.reward_redeem(partner=partner, reward=reward, quantity=1, user=None, idempotency_key=key)


def test_earned_points_are_held_for_14_days_by_default(partner, clock, check_ledger):
    declaration = earn(partner)
    validate(declaration)
    services.challenge_score_declaration(declaration=declaration)

    summary = selectors.account_summary(partner=partner)
    day = timezone.localdate(clock.now + timedelta(days=14))
    assert (summary["balance"], summary["provisional"], summary["held"], summary["available"]) == (
        50,
        0,
        50,
        0,
    )
    assert summary["held_until"] == [{"date": day, "points": 50}]
    assert all(e.is_held for e in PointsEntry.objects.filter(kind="earn"))
    with pytest.raises(ApplicationError) as refused:
        redeem(partner, price=10)
    assert refused.value.extra["code"] == "insufficient_points"
    assert not RedemptionOrder.objects.exists()

    clock.advance(days=14)

    summary = selectors.account_summary(partner=partner)
    assert (summary["held"], summary["available"], summary["held_until"]) == (0, 50, [])
    redeem(partner, price=40)
    assert selectors.account_summary(partner=partner)["available"] == 10
    check_ledger(PointsAccount.objects.get(partner=partner))


def test_points_held_past_their_date_still_wait_for_the_review(partner, clock):
    earn(partner)  # submitted, not reviewed
    clock.advance(days=30)

    summary = selectors.account_summary(partner=partner)
    assert (summary["provisional"], summary["held"], summary["available"]) == (50, 0, 0)
    with pytest.raises(ApplicationError):
        redeem(partner, price=10)


def test_a_rejection_during_the_holding_reverses_by_a_new_entry(partner, clock, check_ledger):
    declaration = earn(partner)
    validate(declaration)
    services.challenge_score_declaration(declaration=declaration)
    clock.advance(days=5)
    first_line = declaration.lines.order_by("id").first()

    validate(declaration, reject_line=first_line)
    services.challenge_score_declaration(declaration=declaration)

    reversal = PointsEntry.objects.get(kind="reverse")
    assert reversal.reversal_of is not None
    assert reversal.amount == -30 and reversal.reversal_of.line_id == first_line.pk
    assert PointsEntry.objects.filter(kind="earn").count() == 2  # the earn entries are kept as they were
    summary = selectors.account_summary(partner=partner)
    assert (summary["balance"], summary["held"], summary["available"]) == (20, 20, 0)
    check_ledger(PointsAccount.objects.get(partner=partner))


def test_refunds_and_adjustments_are_not_held(partner, clock, brand_admin):
    credit(partner, 100)  # an adjustment
    order = redeem(partner, price=60)
    services.order_cancel(order=order, user=brand_admin)

    assert PointsEntry.objects.get(kind="refund").available_at is None
    assert selectors.account_summary(partner=partner)["available"] == 100


def test_a_brand_without_holding_lets_confirmed_points_be_spent_at_once(partner, clock):
    services.incentive_settings_save(brand=partner.brand, holding_days=0, hold_until_reconciled=False)
    declaration = earn(partner)
    validate(declaration)
    services.challenge_score_declaration(declaration=declaration)

    assert selectors.account_summary(partner=partner)["available"] == 50
    assert redeem(partner, price=50).points_total == 50


def test_holding_days_apply_to_points_earned_after_the_change(partner, clock):
    services.incentive_settings_save(brand=partner.brand, holding_days=3, hold_until_reconciled=False)
    declaration = earn(partner)
    validate(declaration)
    services.challenge_score_declaration(declaration=declaration)

    assert selectors.account_summary(partner=partner)["held_until"] == [
        {"date": timezone.localdate(clock.now + timedelta(days=3)), "points": 50}
    ]
    clock.advance(days=3)
    assert redeem(partner, price=50).points_total == 50


def test_points_held_until_reconciled_wait_for_the_release(partner, clock, check_ledger):
    services.incentive_settings_save(brand=partner.brand, holding_days=14, hold_until_reconciled=True)
    declaration = earn(partner)  # January 2026
    validate(declaration)
    services.challenge_score_declaration(declaration=declaration)
    clock.advance(days=100)

    summary = selectors.account_summary(partner=partner)
    assert (summary["held"], summary["awaiting_reconciliation"], summary["available"]) == (50, 50, 0)
    with pytest.raises(ApplicationError):
        redeem(partner, price=10)

    # Another period's reconciliation releases nothing; January's releases January's points.
    other = services.points_release(
        brand=partner.brand, partner=partner, period_start=date(2026, 2, 1), period_end=date(2026, 2, 28)
    )
    assert other == 0
    released = services.points_release(
        brand=partner.brand, partner=partner, period_start=date(2026, 1, 1), period_end=date(2026, 1, 31)
    )
    assert released == 50
    again = services.points_release(
        brand=partner.brand, partner=partner, period_start=date(2026, 1, 1), period_end=date(2026, 1, 31)
    )
    assert again == 0
    assert set(PointsEntry.objects.filter(kind="earn").values_list("available_at", flat=True)) == {clock.now}
    assert selectors.account_summary(partner=partner)["available"] == 50
    assert redeem(partner, price=50).points_total == 50
    check_ledger(PointsAccount.objects.get(partner=partner))


def test_the_release_is_scoped_to_the_partner(partner, other_partner, clock):
    services.incentive_settings_save(brand=partner.brand, holding_days=0, hold_until_reconciled=True)
    earn(partner)
    declaration = declaration_with_lines(other_partner, lines=[{"quantity": 1}])
    services.challenge_score_declaration(declaration=declaration)

    released = services.points_release(
        brand=partner.brand, partner=partner, period_start=date(2026, 1, 1), period_end=date(2026, 1, 31)
    )

    assert released == 50
    assert PointsEntry.objects.get(partner=other_partner).awaits_reconciliation


def test_the_settings_refuse_a_holding_out_of_range(brand):
    with pytest.raises(ApplicationError):
        services.incentive_settings_save(brand=brand, holding_days=-1, hold_until_reconciled=False)
    with pytest.raises(ApplicationError):
        services.incentive_settings_save(brand=brand, holding_days=366, hold_until_reconciled=False)
    assert not IncentiveSettings.objects.filter(brand=brand).exists()
    assert selectors.incentive_settings_of(brand_id=brand.pk).holding_days == 14


def test_a_release_needs_an_ordered_period(partner):
    with pytest.raises(ApplicationError):
        services.points_release(
            brand=partner.brand, partner=partner, period_start=date(2026, 2, 1), period_end=date(2026, 1, 31)
        )
