"""Promotions' writes: their life, and the extra points their lines earn through the ledger."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from relais.core.errors import ApplicationError
from relais.followups.declarations import declaration_counted
from relais.incentives.models import PointsAccount, PointsEntry
from relais.incentives.services import incentive_settings_save
from relais.incentives.tests.factories import RewardFactory, declaration_with_lines
from relais.network.tests.factories import PartnerFactory, SegmentFactory
from relais.programs.tests.factories import member
from relais.promotions import services
from relais.promotions.models import PromotionCredit, PromotionStatus
from relais.promotions.tests.factories import PromotionFactory
from relais.sellout.models import DeclarationLine

pytestmark = pytest.mark.django_db


def balance(partner) -> int:
    account = PointsAccount.objects.filter(partner=partner, user__isnull=True).first()
    return account.balance if account else 0


def test_validated_lines_on_promoted_products_within_the_dates_earn_exact_extra_points(brand, partner):
    promotion = PromotionFactory(brand=brand, points_per_unit=5, families=["Tools"])
    declaration = declaration_with_lines(
        partner,
        lines=[
            {"quantity": 3, "family": "Tools"},  # 15
            {"quantity": 2, "family": "Tools", "sale_date": date(2026, 1, 31)},  # 10: last day counts
            {"quantity": 4, "family": "Paint"},  # not promoted
            {"quantity": -1, "family": "Tools"},  # a return earns nothing
            {"quantity": 7, "family": "Tools", "status": DeclarationLine.Status.REJECTED},
        ],
    )

    result = services.promotion_points_post(declaration=declaration)

    assert result[promotion.pk] == {"points": 25, "lines": 2, "bonus": 0}
    entry = PointsEntry.objects.get(partner=partner, reason_code="promotion_units")
    assert entry.amount == 25 and entry.kind == "earn"
    assert entry.reason_params == {"promotion": promotion.name, "units": 5, "lines": 2}
    assert balance(partner) == 25


def test_a_rerun_credits_nothing_twice(brand, partner):
    PromotionFactory(brand=brand, points_per_unit=4)
    declaration = declaration_with_lines(partner, lines=[{"quantity": 2}, {"quantity": 1}])

    services.promotion_points_post(declaration=declaration)
    again = services.promotion_points_post(declaration=declaration)

    assert list(again.values()) == [{"points": 0, "lines": 0, "bonus": 0}]
    assert balance(partner) == 12
    assert PromotionCredit.objects.count() == 2
    assert PointsEntry.objects.filter(reason_code="promotion_units").count() == 1


def test_a_flagged_line_earns_nothing_until_the_brand_approves_it(brand, partner, channel_manager):
    PromotionFactory(brand=brand, points_per_unit=10)
    declaration = declaration_with_lines(
        partner, lines=[{"quantity": 1}, {"quantity": 6, "status": DeclarationLine.Status.FLAGGED}]
    )
    services.promotion_points_post(declaration=declaration)
    assert balance(partner) == 10

    flagged = declaration.lines.get(status=DeclarationLine.Status.FLAGGED)
    DeclarationLine.objects.filter(pk=flagged.pk).update(status=DeclarationLine.Status.ACCEPTED)
    services.promotion_points_post(declaration=declaration)

    assert balance(partner) == 70
    assert PointsEntry.objects.filter(reason_code="promotion_units").count() == 2


def test_points_are_held_like_challenge_points(brand, partner):
    incentive_settings_save(brand=brand, holding_days=30, hold_until_reconciled=False)
    PromotionFactory(brand=brand, points_per_unit=3)
    declaration = declaration_with_lines(partner, lines=[{"quantity": 2}])

    services.promotion_points_post(declaration=declaration)

    entry = PointsEntry.objects.get(reason_code="promotion_units")
    assert entry.available_at is not None and entry.available_at > timezone.now() + timedelta(days=29)
    assert entry.is_held


def test_only_eligible_partners_earn_and_only_in_earning_promotions(brand, partner):
    segment = SegmentFactory(brand=brand)
    member(segment, partner)
    outsider = PartnerFactory(brand=brand)
    targeted = PromotionFactory(brand=brand, points_per_unit=2)
    targeted.segments.set([segment])
    PromotionFactory(brand=brand, points_per_unit=100, status=PromotionStatus.DRAFT)

    mine = services.promotion_points_post(
        declaration=declaration_with_lines(partner, lines=[{"quantity": 1}])
    )
    theirs = services.promotion_points_post(
        declaration=declaration_with_lines(outsider, lines=[{"quantity": 1}])
    )

    assert mine == {targeted.pk: {"points": 2, "lines": 1, "bonus": 0}}
    assert theirs == {targeted.pk: {"points": 0, "lines": 0, "bonus": 0}}
    assert balance(outsider) == 0


def test_the_bonus_reward_is_credited_once_when_the_threshold_is_reached(brand, partner):
    reward = RewardFactory(brand=brand, points_price=250, name="Sacoche")
    promotion = PromotionFactory(brand=brand, points_per_unit=1, bonus_reward=reward, bonus_threshold_units=5)

    services.promotion_points_post(declaration=declaration_with_lines(partner, lines=[{"quantity": 3}]))
    assert balance(partner) == 3
    second = declaration_with_lines(partner, lines=[{"quantity": 2}])
    services.promotion_points_post(declaration=second)
    services.promotion_points_post(declaration=second)

    assert balance(partner) == 3 + 2 + 250
    bonus = PointsEntry.objects.get(reason_code="promotion_bonus")
    assert bonus.reason_params == {"promotion": promotion.name, "reward": "Sacoche"}
    assert PromotionCredit.objects.filter(kind="bonus").count() == 1


def test_the_follow_up_queues_the_points_only_when_a_promotion_overlaps(
    brand, partner, django_capture_on_commit_callbacks
):
    declaration = declaration_with_lines(partner, lines=[{"quantity": 2}])
    with django_capture_on_commit_callbacks(execute=True):
        declaration_counted(declaration=declaration)
    assert balance(partner) == 0

    PromotionFactory(brand=brand, points_per_unit=7)
    with django_capture_on_commit_callbacks(execute=True):
        declaration_counted(declaration=declaration)

    assert balance(partner) == 14


def test_a_promotion_is_checked_published_and_closed(brand, brand_admin):
    today = timezone.localdate()
    with pytest.raises(ApplicationError) as error:
        services.promotion_save(brand=brand, name="Été", announce_from=today, start=today, end=today)
    assert error.value.extra["field"] == "product_gtins"
    with pytest.raises(ApplicationError) as error:
        services.promotion_save(
            brand=brand,
            name="Été",
            announce_from=today,
            start=today,
            end=today - timedelta(days=1),
            families=["Tools"],
        )
    assert error.value.extra["field"] == "end"

    promotion = services.promotion_save(
        brand=brand,
        name="Été",
        announce_from=today,
        start=today + timedelta(days=3),
        end=today + timedelta(days=30),
        families=["Tools", "Tools", " "],
        points_per_unit=2,
        created_by=brand_admin,
    )
    assert promotion.families == ["Tools"] and promotion.status == PromotionStatus.DRAFT
    services.promotion_publish(promotion=promotion)
    with pytest.raises(ApplicationError):
        services.promotion_save(
            brand=brand,
            name="x",
            announce_from=today,
            start=today,
            end=today,
            families=["x"],
            promotion=promotion,
        )
    closed = services.promotion_close(promotion=promotion)
    assert closed.status == PromotionStatus.CLOSED
    with pytest.raises(ApplicationError):
        services.promotion_close(promotion=promotion)
