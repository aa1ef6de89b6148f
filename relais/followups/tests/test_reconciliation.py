"""The reconciliation of a month applied to the points, through the real services: a partner that reconciles
has its held points released, one with a gap over the tolerance has its not-yet-spendable points held, one
without stock reports keeps them as they are."""

from __future__ import annotations

from datetime import date

import pytest

from relais.followups.reconciliation import reconciliation_apply
from relais.incentives import services
from relais.incentives.models import PointsEntry
from relais.incentives.tests.factories import declaration_with_lines, running_challenge
from relais.network.tests.factories import PartnerFactory
from relais.sellout.models import Declaration
from relais.stock.tests.factories import SellInLineFactory, StockSnapshotFactory, products

pytestmark = pytest.mark.django_db

JAN_1, JAN_31 = date(2026, 1, 1), date(2026, 1, 31)


def january_sales(partner, product, *, sold: int, opening: int, sell_in: int, closing: int) -> Declaration:
    """Stock movements of one product in January, and the validated declaration of its sell-out, scored."""
    StockSnapshotFactory(partner=partner, product=product, stock_date=date(2025, 12, 31), quantity=opening)
    SellInLineFactory(partner=partner, product=product, ship_date=date(2026, 1, 5), quantity=sell_in)
    StockSnapshotFactory(partner=partner, product=product, stock_date=date(2026, 1, 31), quantity=closing)
    declaration = declaration_with_lines(
        partner, lines=[{"product": product, "quantity": sold}], status=Declaration.Status.VALIDATED
    )
    services.challenge_score_declaration(declaration=declaration)
    return declaration


def lots(partner) -> list[tuple[bool, str]]:
    return list(
        PointsEntry.objects.filter(partner=partner, kind="earn").values_list(
            "awaits_reconciliation", "status"
        )
    )


@pytest.fixture
def network(brand, partner, other_partner):
    """partner: 10 + 20 − 25 − 5 = 0 (reconciles); other_partner: 10 + 20 − 25 − 0 = 5 (over the tolerance of 2);
    a third partner sold without any stock report (cannot be said to reconcile)."""
    running_challenge(brand, per_unit=10)
    first, second, third = products(brand, 3)
    january_sales(partner, first, sold=25, opening=10, sell_in=20, closing=5)
    january_sales(other_partner, second, sold=25, opening=10, sell_in=20, closing=0)
    unknown = PartnerFactory(brand=brand)
    declaration = declaration_with_lines(
        unknown, lines=[{"product": third, "quantity": 2}], status=Declaration.Status.VALIDATED
    )
    services.challenge_score_declaration(declaration=declaration)
    return unknown


def test_a_partner_that_reconciles_has_its_held_points_released(brand, partner, network):
    services.incentive_settings_save(brand=brand, holding_days=14, hold_until_reconciled=True)
    PointsEntry.objects.filter(partner=partner).update(
        awaits_reconciliation=True
    )  # earned under that setting

    outcome = reconciliation_apply(brand=brand, period_start=JAN_1, period_end=JAN_31)

    assert outcome.released == {partner.code: 250}
    assert lots(partner) == [(False, "confirmed")]
    assert outcome.unknown == [network.code]


def test_a_partner_that_does_not_reconcile_has_its_pending_points_held(brand, other_partner, network):
    # 14 days of holding by default: the lot is confirmed but not spendable yet, so the gap holds it.
    assert lots(other_partner) == [(False, "confirmed")]

    outcome = reconciliation_apply(brand=brand, period_start=JAN_1, period_end=JAN_31)
    again = reconciliation_apply(brand=brand, period_start=JAN_1, period_end=JAN_31)

    assert outcome.held == {other_partner.code: 250}
    assert again.held == {other_partner.code: 0}  # already held: nothing twice
    assert lots(other_partner) == [(True, "confirmed")]


def test_points_already_spendable_are_never_taken_back_by_a_hold(brand, other_partner, network):
    PointsEntry.objects.filter(partner=other_partner).update(available_at=None)  # holding over

    outcome = reconciliation_apply(brand=brand, period_start=JAN_1, period_end=JAN_31)

    assert outcome.held == {other_partner.code: 0}
    assert lots(other_partner) == [(False, "confirmed")]


def test_a_partner_without_stock_reports_keeps_its_points_as_they_are(brand, network):
    before = list(
        PointsEntry.objects.filter(partner=network).values_list("awaits_reconciliation", "available_at")
    )

    reconciliation_apply(brand=brand, period_start=JAN_1, period_end=JAN_31)

    after = list(
        PointsEntry.objects.filter(partner=network).values_list("awaits_reconciliation", "available_at")
    )
    assert after == before


def test_the_other_months_lots_are_left_alone(brand, other_partner, network):
    outcome = reconciliation_apply(brand=brand, period_start=date(2026, 2, 1), period_end=date(2026, 2, 28))

    assert outcome.held == {} and outcome.released == {}
    assert lots(other_partner) == [(False, "confirmed")]
